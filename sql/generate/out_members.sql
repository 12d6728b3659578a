-- Members: every member number of the run; iNO members carry their case's demographics (and
-- are left out, or lose the birth date, when the scenario says so), the others are drawn.
with
member_no as (
    select unnest(range(1, n_members + 1)) as member_no
    from gen_size
),

drawn as (
    select
        member_no,
        member_band($seed, member_no) as band,
        rand_int($seed, member_no, 'lob', 100) as lob_draw
    from member_no
),

ordinary as (
    select
        member_no,
        case band
            when 'toddler'
                then date '2021-01-01' + rand_int($seed, member_no, 'birth', 1095)::integer
            when 'child'
                then date '2008-01-01' + rand_int($seed, member_no, 'birth', 4748)::integer
            when 'adult'
                then date '1961-01-01' + rand_int($seed, member_no, 'birth', 16436)::integer
            else date '1930-01-01' + rand_int($seed, member_no, 'birth', 11323)::integer
        end as birth_date,
        ['F', 'M'][1 + rand_int($seed, member_no, 'sex', 2)] as sex,
        case
            when band = 'senior'
                then
                    case when lob_draw < 88 then 'medicare' else 'commercial' end
            when band in ('toddler', 'child')
                then
                    case
                        when lob_draw < 55 then 'medicaid'
                        when lob_draw < 85 then 'commercial'
                        else 'marketplace'
                    end
            when lob_draw < 50 then 'commercial'
            when lob_draw < 75 then 'medicaid'
            when lob_draw < 95 then 'marketplace'
            else 'medicare'
        end as line_of_business,
        us_state($seed, member_no) as state
    from drawn
)

select
    'M' || lpad(o.member_no::varchar, 7, '0') as member_id,
    case
        when c.case_no is null then o.birth_date
        when c.member = 'present' then c.birth_date
    end as birth_date,
    coalesce(c.sex, o.sex) as sex,
    coalesce(c.line_of_business, o.line_of_business) as line_of_business,
    coalesce(c.state, o.state) as state
from ordinary as o
left join ino_case as c using (member_no)
where c.member is distinct from 'missing'
order by o.member_no

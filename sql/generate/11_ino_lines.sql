-- Every line of every iNO claim, with the columns of an ordinary line (see out_claims.sql) and
-- the block its claim falls in. Facility claims repeat the header codes on every line;
-- professional lines after the first carry the first two diagnoses only.
create or replace temp table ino_line as
select
    i.block_no,
    i.claim_no,
    t.line_no::bigint as claim_line_number,
    c.claim_type,
    c.member_no,
    c.claim_start_date,
    c.claim_end_date,
    case
        when c.claim_type = 'professional' and t.line_no > 2
            then least(c.claim_start_date + 1, c.claim_end_date)
        else c.claim_start_date
    end as claim_line_start_date,
    case
        when c.claim_type = 'professional' and t.line_no <= 2 then c.claim_start_date
        else c.claim_end_date
    end as claim_line_end_date,
    c.bill_type_code,
    c.place_of_service_code,
    t.revenue_center_code,
    t.hcpcs_code,
    case t.units
        when 'days' then c.claim_end_date - c.claim_start_date + 1
        when 'extra_days' then greatest(c.claim_end_date - c.claim_start_date, 1)
        else 1
    end::bigint as service_unit_quantity,
    c.billing_npi,
    c.rendering_npi,
    c.facility_npi,
    (t.unit_price * 100)::bigint * service_unit_quantity
    * (90 + rand_int($seed, i.claim_no * 16 + t.line_no, 'charge', 41)) // 100
        as charge_cents,
    charge_cents
    * (35 + rand_int($seed, i.claim_no * 16 + t.line_no, 'allowed', 46)) // 100
        as allowed_cents,
    false as denied,
    rand_int($seed, i.claim_no * 16 + t.line_no, 'paid', 28) + 10 as paid_draw,
    c.paid_date,
    c.dx,
    case
        when c.claim_type = 'institutional' or t.line_no = 1 then len(c.dx)
        else least(2, len(c.dx))
    end as n_dx_line,
    c.px
from ino_claim as c
inner join ino_claim_id as i using (case_no, claim_seq)
inner join ino_line_template as t
    on t.setting = c.setting and t.claim_type = c.claim_type and t.line_no <= c.n_lines;

-- Generator helpers: seeded pseudo-random draws, list picks, code formatting, NPI check digit.
-- Every draw is a pure function of (seed, key, salt), so one seed always gives the same files.

-- an integer in [0, n) drawn from (seed, key, salt)
create or replace temp macro rand_int(seed, key, salt, n) as
(hash(seed, key, salt) % (n)::ubigint)::bigint;

-- an integer in [lo, hi] drawn from (seed, key, salt)
create or replace temp macro rand_between(seed, key, salt, lo, hi) as
(lo) + rand_int(seed, key, salt, (hi) - (lo) + 1);

-- one element of a non-empty list
create or replace temp macro pick(lst, seed, key, salt) as
lst[1 + rand_int(seed, key, salt, len(lst))];

-- a code as it may arrive: dotted (70 %), undotted (25 %) or dotted lower case (5 %)
create or replace temp macro fmt_code(code, r20) as
case
    when code is null then null
    when r20 < 14 then code
    when r20 < 19 then replace(code, '.', '')
    else lower(code)
end;

-- a 10-digit NPI: 9 digits plus the Luhn check digit over the 80840 prefix
create or replace temp macro npi(base9) as
base9::varchar || (
    (10 - (24 + list_sum(list_transform(
        range(1, 10), lambda i:
        case
            when i % 2 = 1
                then
                    (2 * substr(base9::varchar, i, 1)::int) // 10
                    + (2 * substr(base9::varchar, i, 1)::int) % 10
            else substr(base9::varchar, i, 1)::int
        end
    ))) % 10) % 10
)::varchar;

-- age band of an ordinary (non-iNO) member: toddler, child, adult or senior
create or replace temp macro member_band(seed, member_no) as
case
    when rand_int(seed, member_no, 'band', 100) < 6 then 'toddler'
    when rand_int(seed, member_no, 'band', 100) < 24 then 'child'
    when rand_int(seed, member_no, 'band', 100) < 76 then 'adult'
    else 'senior'
end;

-- whether member_no is one of the iNO members 1 + floor(i * n_members / n_cases)
create or replace temp macro is_ino_member(member_no, n_cases, n_members) as
n_cases > 0
and ((member_no - 1) * n_cases + n_members - 1) // n_members < n_cases
and 1 + ((((member_no - 1) * n_cases + n_members - 1) // n_members) * n_members) // n_cases
= member_no;

-- A member's state: one of the twenty states the synthetic plan covers.
create or replace temp macro us_state(seed, key) as
pick(
    [
        'TX', 'FL', 'CA', 'GA', 'OH', 'AZ', 'MO', 'IL', 'WA', 'NY',
        'LA', 'MS', 'IN', 'KS', 'NV', 'NC', 'SC', 'PA', 'MI', 'WI'
    ],
    seed, key, 'state'
);

-- Claim lines, in claim order without a sort: the blocks of gen_stream, staged in block order as
-- Parquet at $stream_path (small row groups bound the memory of the ordered COPY), pass through
-- a scan, unnest and projection, which keep insertion order. Each block yields its ordinary
-- claims (every draw keyed by the claim number, so no join per line), then one extra slot with
-- the lines of the iNO claims placed in it (built in 11_ino_lines.sql).
with
size as (
    select * from gen_size
),

pool as (
    select * from gen_pool
),

npi as (
    select * from gen_npi
),

claim_slot as (
    select
        base_claim_no,
        sizes,
        n_ordinary,
        ino_lines,
        unnest(range(1, n_ordinary + (ino_lines is not null)::integer + 1)) as k
    from read_parquet($stream_path)
),

ordinary_claim as (
    select
        base_claim_no + k as claim_no,
        case when k > n_ordinary then len(ino_lines) else sizes[k] end as n_lines,
        case when k > n_ordinary then ino_lines end as ino_lines
    from claim_slot
),

ordinary_member as (
    select
        ordinary_claim.*,
        1 + rand_int($seed, claim_no, 'member', size.n_members) as drawn_member,
        size.n_cases,
        size.n_members
    from ordinary_claim, size
),

ordinary_kind as (
    select
        claim_no,
        n_lines,
        ino_lines,
        -- iNO members are spaced at least 2 apart, so the next number is an ordinary one
        drawn_member + is_ino_member(drawn_member, n_cases, n_members)::integer as member_no,
        case
            when n_lines >= 6 then rand_int($seed, claim_no, 'claim_type', 10) < 8
            when n_lines >= 3 then rand_int($seed, claim_no, 'claim_type', 10) < 3
            else rand_int($seed, claim_no, 'claim_type', 10) < 1
        end as is_institutional,
        rand_int($seed, claim_no, 'setting', 100) as setting_draw
    from ordinary_member
),

ordinary_header as (
    select
        claim_no,
        n_lines,
        ino_lines,
        member_no,
        is_institutional,
        member_band($seed, member_no) as band,
        case
            when not is_institutional then null
            when n_lines >= 4 then case when setting_draw < 80 then '111' else '121' end
            else case when setting_draw < 85 then '131' else '141' end  -- noqa: ST04
        end as bill_type_code,
        case
            when is_institutional then null
            when setting_draw < 62 then '11'
            when setting_draw < 80 then '21'
            when setting_draw < 90 then '22'
            else '23'
        end as place_of_service_code,
        date '2024-01-01' + rand_int($seed, claim_no, 'start', 680)::integer
            as claim_start_date
    from ordinary_kind
),

ordinary_claim_full as (
    select
        h.*,
        case
            when h.bill_type_code = '111' then rand_between($seed, h.claim_no, 'los', 1, 8)
            when h.place_of_service_code = '21' then rand_int($seed, h.claim_no, 'los', 4)
            else 0
        end as los_days,
        case
            when h.bill_type_code = '111' then rand_between($seed, h.claim_no, 'n_dx', 3, 12)
            when h.is_institutional then rand_between($seed, h.claim_no, 'n_dx', 1, 5)
            else rand_between($seed, h.claim_no, 'n_dx', 1, 4)
        end as n_dx,
        -- the member's slice of pool.dx: adult first, then pediatric, then senior
        case h.band
            when 'adult' then 0
            when 'senior' then pool.dx_adult_n + pool.dx_pediatric_n
            else pool.dx_adult_n
        end as dx_from,
        case h.band
            when 'adult' then pool.dx_adult_n
            when 'senior' then pool.dx_senior_n
            else pool.dx_pediatric_n
        end as dx_n,
        case
            when
                h.bill_type_code = '111'
                and rand_int($seed, h.claim_no, 'has_pcs', 100) < 35
                then rand_between($seed, h.claim_no, 'n_pcs', 1, 3)
            else 0
        end as n_pcs,
        case
            when h.is_institutional or h.place_of_service_code <> '11'
                then pick(npi.hospital, $seed, h.claim_no, 'facility')
        end as facility_npi,
        case
            when not h.is_institutional
                then pick(npi.billing_group, $seed, h.claim_no, 'billing')
        end as group_npi,
        case
            when not h.is_institutional
                then pick(npi.physician, $seed, h.claim_no, 'rendering')
        end as rendering_npi
    from ordinary_header as h, pool, npi
),

ordinary_coded as (
    select
        c.* exclude (dx_from, dx_n),
        c.claim_start_date + c.los_days::integer as claim_end_date,
        list_transform(
            range(c.n_dx), lambda i:
            fmt_code(
                pool.dx[
                    1 + c.dx_from
                    + (rand_int($seed, c.claim_no, 'dx_start', c.dx_n) + i) % c.dx_n
                ],
                rand_int($seed, c.claim_no * 32 + i, 'dx_format', 20)
            )
        ) as dx,
        case
            when c.n_pcs > 0 then list_transform(
                range(c.n_pcs), lambda i:
                pool.pcs_inpatient[
                    1 + (rand_int($seed, c.claim_no, 'pcs_start', len(pool.pcs_inpatient)) + i)
                    % len(pool.pcs_inpatient)
                ]
            )
        end as px
    from ordinary_claim_full as c, pool
),

ordinary_line as (
    select
        *,
        unnest(range(1, n_lines + 1)) as claim_line_number
    from ordinary_coded
),

ordinary_item as (
    select
        l.*,
        l.claim_no * 16 + l.claim_line_number as line_key,
        l.ino_lines[l.claim_line_number] as ino,
        case
            when l.is_institutional and l.claim_line_number = 1 and l.bill_type_code = '111'
                then pick(pool.inst_room, $seed, l.claim_no, 'item')
            when l.is_institutional and l.claim_line_number = 1 and l.bill_type_code = '131'
                then pick(pool.inst_visit, $seed, l.claim_no, 'item')
            when l.is_institutional
                then pick(pool.inst_ancillary, $seed, line_key, 'item')
            when l.claim_line_number = 1 and l.place_of_service_code = '21'
                then pick(pool.em_inpatient, $seed, l.claim_no, 'item')
            when l.claim_line_number = 1 and l.place_of_service_code = '23'
                then pick(pool.em_er, $seed, l.claim_no, 'item')
            when l.claim_line_number = 1
                then pick(pool.em_office, $seed, l.claim_no, 'item')
            else pick(pool.prof_ancillary, $seed, line_key, 'item')
        end as item
    from ordinary_line as l, pool
),

ordinary_priced as (
    select
        * exclude (ino_lines),
        case
            when is_institutional and claim_line_number = 1 and bill_type_code = '111'
                then los_days
            else 1 + (rand_int($seed, line_key, 'units', 8) = 0)::integer
        end as units
    from ordinary_item
),

ordinary_charge as (
    select
        *,
        item.cents * units * (80 + rand_int($seed, line_key, 'charge', 60)) // 100
            as charge_cents
    from ordinary_priced
),

ordinary_out as (
    select
        ino,
        claim_no,
        claim_line_number,
        case when is_institutional then 'institutional' else 'professional' end as claim_type,
        member_no,
        claim_start_date,
        claim_end_date,
        case
            when is_institutional then claim_start_date
            else claim_start_date + least(claim_line_number - 1, los_days)::integer
        end as claim_line_start_date,
        case
            when is_institutional then claim_end_date
            else claim_start_date + least(claim_line_number - 1, los_days)::integer
        end as claim_line_end_date,
        bill_type_code,
        place_of_service_code,
        item.rev as revenue_center_code,
        item.code as hcpcs_code,
        units as service_unit_quantity,
        coalesce(group_npi, facility_npi) as billing_npi,
        rendering_npi,
        facility_npi,
        charge_cents,
        charge_cents * (35 + rand_int($seed, line_key, 'allowed', 50)) // 100 as allowed_cents,
        rand_int($seed, line_key, 'denied', 100) < 3 as denied,
        rand_int($seed, line_key, 'paid', 38) as paid_draw,
        claim_end_date + rand_between($seed, claim_no, 'paid', 10, 40)::integer as paid_date,
        dx,
        case
            when is_institutional or claim_line_number = 1 then len(dx)
            else least(2, len(dx))
        end as n_dx_line,
        px
    from ordinary_charge
),

-- the iNO slot of a block takes every column from its stored iNO line
claim_line as (
    select
        case when ino is null then claim_no else ino.claim_no end as claim_no,
        case
            when ino is null then claim_line_number
            else ino.claim_line_number
        end as claim_line_number,
        case when ino is null then claim_type else ino.claim_type end as claim_type,
        case when ino is null then member_no else ino.member_no end as member_no,
        case
            when ino is null then claim_start_date
            else ino.claim_start_date
        end as claim_start_date,
        case when ino is null then claim_end_date else ino.claim_end_date end as claim_end_date,
        case
            when ino is null then claim_line_start_date
            else ino.claim_line_start_date
        end as claim_line_start_date,
        case
            when ino is null then claim_line_end_date
            else ino.claim_line_end_date
        end as claim_line_end_date,
        case when ino is null then bill_type_code else ino.bill_type_code end as bill_type_code,
        case
            when ino is null then place_of_service_code
            else ino.place_of_service_code
        end as place_of_service_code,
        case
            when ino is null then revenue_center_code
            else ino.revenue_center_code
        end as revenue_center_code,
        case when ino is null then hcpcs_code else ino.hcpcs_code end as hcpcs_code,
        case
            when ino is null then service_unit_quantity
            else ino.service_unit_quantity
        end as service_unit_quantity,
        case when ino is null then billing_npi else ino.billing_npi end as billing_npi,
        case when ino is null then rendering_npi else ino.rendering_npi end as rendering_npi,
        case when ino is null then facility_npi else ino.facility_npi end as facility_npi,
        case when ino is null then charge_cents else ino.charge_cents end as charge_cents,
        case when ino is null then allowed_cents else ino.allowed_cents end as allowed_cents,
        case when ino is null then denied else ino.denied end as denied,
        case when ino is null then paid_draw else ino.paid_draw end as paid_draw,
        case when ino is null then paid_date else ino.paid_date end as paid_date,
        case when ino is null then dx else ino.dx end as dx,
        case when ino is null then n_dx_line else ino.n_dx_line end as n_dx_line,
        case when ino is null then px else ino.px end as px
    from ordinary_out
)

select
    'C' || lpad(claim_no::varchar, 9, '0') as claim_id,
    claim_line_number::integer as claim_line_number,
    claim_type,
    'M' || lpad(member_no::varchar, 7, '0') as member_id,
    claim_start_date,
    claim_end_date,
    claim_line_start_date,
    claim_line_end_date,
    bill_type_code,
    place_of_service_code,
    revenue_center_code,
    hcpcs_code,
    service_unit_quantity::integer as service_unit_quantity,
    billing_npi,
    rendering_npi,
    facility_npi,
    (charge_cents / 100)::decimal(12, 2) as charge_amount,
    (allowed_cents / 100)::decimal(12, 2) as allowed_amount,
    -- paid is 60-97 % of allowed (0 for a denied line), so charge > allowed > paid >= 0
    (case when denied then 0 else allowed_cents * (60 + paid_draw) // 100 end / 100)
    ::decimal(12, 2) as paid_amount,
    paid_date,
    case when 1 <= n_dx_line then dx[1] end as diagnosis_code_1,
    case when 2 <= n_dx_line then dx[2] end as diagnosis_code_2,
    case when 3 <= n_dx_line then dx[3] end as diagnosis_code_3,
    case when 4 <= n_dx_line then dx[4] end as diagnosis_code_4,
    case when 5 <= n_dx_line then dx[5] end as diagnosis_code_5,
    case when 6 <= n_dx_line then dx[6] end as diagnosis_code_6,
    case when 7 <= n_dx_line then dx[7] end as diagnosis_code_7,
    case when 8 <= n_dx_line then dx[8] end as diagnosis_code_8,
    case when 9 <= n_dx_line then dx[9] end as diagnosis_code_9,
    case when 10 <= n_dx_line then dx[10] end as diagnosis_code_10,
    case when 11 <= n_dx_line then dx[11] end as diagnosis_code_11,
    case when 12 <= n_dx_line then dx[12] end as diagnosis_code_12,
    case when 13 <= n_dx_line then dx[13] end as diagnosis_code_13,
    case when 14 <= n_dx_line then dx[14] end as diagnosis_code_14,
    case when 15 <= n_dx_line then dx[15] end as diagnosis_code_15,
    case when 16 <= n_dx_line then dx[16] end as diagnosis_code_16,
    case when 17 <= n_dx_line then dx[17] end as diagnosis_code_17,
    case when 18 <= n_dx_line then dx[18] end as diagnosis_code_18,
    case when 19 <= n_dx_line then dx[19] end as diagnosis_code_19,
    case when 20 <= n_dx_line then dx[20] end as diagnosis_code_20,
    case when 21 <= n_dx_line then dx[21] end as diagnosis_code_21,
    case when 22 <= n_dx_line then dx[22] end as diagnosis_code_22,
    case when 23 <= n_dx_line then dx[23] end as diagnosis_code_23,
    case when 24 <= n_dx_line then dx[24] end as diagnosis_code_24,
    case when 25 <= n_dx_line then dx[25] end as diagnosis_code_25,
    px[1] as procedure_code_1,
    px[2] as procedure_code_2,
    px[3] as procedure_code_3,
    px[4] as procedure_code_4,
    px[5] as procedure_code_5,
    px[6] as procedure_code_6,
    px[7] as procedure_code_7,
    px[8] as procedure_code_8,
    px[9] as procedure_code_9,
    px[10] as procedure_code_10,
    px[11] as procedure_code_11,
    px[12] as procedure_code_12,
    px[13] as procedure_code_13,
    px[14] as procedure_code_14,
    px[15] as procedure_code_15,
    px[16] as procedure_code_16,
    px[17] as procedure_code_17,
    px[18] as procedure_code_18,
    px[19] as procedure_code_19,
    px[20] as procedure_code_20,
    px[21] as procedure_code_21,
    px[22] as procedure_code_22,
    px[23] as procedure_code_23,
    px[24] as procedure_code_24,
    px[25] as procedure_code_25
from claim_line

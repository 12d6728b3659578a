-- Loaded tables: every row without a blocking issue that is not a conflicting duplicate.
-- claim_lines keeps every line of every iNO claim (contract §1); other claims are only counted.
create or replace temp table quarantined_keys as
select distinct source, source_file_index, source_row
from quarantine_raw;

create or replace table ino_claim_ids as
with

clean_lines as (
    select index_claims.*
    from index_claims
    anti join (select * from quarantined_keys where source = 'claims') as q
        using (source_file_index, source_row)
)

select distinct claim_id
from clean_lines
where is_ino_line;

create or replace table claim_lines as
select stg_claims_ino.* exclude (issues)
from stg_claims_ino
semi join ino_claim_ids using (claim_id)
anti join (select * from quarantined_keys where source = 'claims') as q
    using (source_file_index, source_row);

create or replace table encounters as
select index_encounters.* exclude (issues)
from index_encounters
anti join (select * from quarantined_keys where source = 'encounters') as q
    using (source_file_index, source_row);

-- Agreeing repeats of a member (e.g. one row per enrollment span) load once, the first copy;
-- only the repeated ids are ranked, not every member of the extract.
create or replace table members as
with

clean as (
    select index_members.* exclude (issues)
    from index_members
    anti join (select * from quarantined_keys where source = 'members') as q
        using (source_file_index, source_row)
),

repeated as (
    select member_id from clean group by member_id having count(*) > 1
),

first_copies as (
    select clean.*
    from clean
    semi join repeated using (member_id)
    qualify row_number() over (partition by member_id order by source_file_index, source_row) = 1
)

select * from clean anti join repeated using (member_id)
union all
select * from first_copies;

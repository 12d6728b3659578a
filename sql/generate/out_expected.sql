-- Expected determination of every iNO claim, from its scenario template (not from the rules).
select
    'C' || lpad(i.claim_no::varchar, 9, '0') as claim_id,
    c.determination,
    c.rule_ids
from ino_claim as c
inner join ino_claim_id as i using (case_no, claim_seq)
order by i.claim_no

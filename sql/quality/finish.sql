-- Keep the quarantine and the data-quality findings in file order after the validation step
-- added to them, so that the output files are the same on every run.
create or replace table quarantine as
select *
from quarantine
order by source, source_file, source_row;

create or replace table dq_findings as
select *
from dq_findings
order by source, source_file, source_row, "column", expectation, note;

-- Keep the data-quality findings in file order after the suites and SQL checks added to them,
-- so that dq_findings.csv is the same on every run.
create or replace table dq_findings as
select *
from dq_findings
order by source, source_file, source_row, "column", expectation, note;

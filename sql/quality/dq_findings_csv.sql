-- dq_findings.csv: one row per (input row, column, expectation) that warns; the row is loaded.
select source, source_file, source_row, "column", expectation, note
from dq_findings
order by source, source_file, source_row, "column", expectation, note

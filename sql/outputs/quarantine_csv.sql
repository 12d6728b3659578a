-- quarantine.csv as the audit writes it (contract §4), for `ino-audit validate`.
select source, source_file, source_row, "column", reason
from quarantine
order by source, source_file, source_row

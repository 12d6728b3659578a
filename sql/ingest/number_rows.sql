-- Number the CSV rows of a staged table (contract §1: quarantine and evidence name the file's
-- row). A CSV row arrives without a number (ino_audit/ingest/sources.py); the table was created
-- from one scan that keeps each file's order, so a file's rows are one run of row ids in file
-- order and the row's number is its place in that run (ino_audit/ingest/stage.py checks the
-- runs have no gaps). Template: {table} is filled from ino_audit/ingest/stage.py, never input.
create or replace temp table {table}_runs as
select
    source_file_index,
    min(rowid) as first_id,
    max(rowid) as last_id,
    count(*) as n
from {table}
where source_row is null
group by source_file_index;

update {table}
set source_row = {table}.rowid - runs.first_id + 1
from {table}_runs as runs
where {table}.source_file_index = runs.source_file_index and {table}.source_row is null;

-- Number one file's rejected records as data rows. DuckDB numbers a rejected record by the lines
-- before it, blank lines included (it skips them), while data rows count records only: a
-- rejected record's data row is its line - 1 - the blank lines before it.
-- Parameters: $source, $file_index, $blank_lines (line numbers of the file's blank lines,
-- found by sources.scan_lines).
update csv_rejects
set
    data_row = csv_rejects.line - 1 - list_count(
        list_filter($blank_lines::bigint[], lambda b: b < csv_rejects.line)
    )
where
    csv_rejects.source = $source
    and csv_rejects.source_file_index = $file_index

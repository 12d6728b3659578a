"""Quarantine: every input row that cannot be loaded, with the file, row, column and reason.

Three kinds, in this order: the loader's checks (CSV rows the reader rejects, the staging
views' per-row issues, duplicate keys), then the suites' blocking expectations, evaluated in SQL
(ino_audit/quality/blocking.py) and applied here. Reasons never quote a value.
"""

from __future__ import annotations

import duckdb

from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import read_sql, run_sql_file
from ino_audit.ingest import lines, sources
from ino_audit.ingest.schema import SOURCES

# Duplicate keys per source, the rows checked, and when a later copy is a conflict (members may
# repeat, e.g. one row per enrollment span in The Tuva Project's eligibility, as long as the
# birth date agrees). Claim lines are checked on the claims the audit judges: the lines of every
# iNO claim (other claims are counted and passed over, contract §1), read from the second pass
# (`stg_claims_ino`), which spares a 10 M-key grouping for a check that cannot change a
# determination.
DUPLICATE_RULES = {
    "claims": ("stg_claims_ino", "claim_id, claim_line_number", "true"),
    "encounters": ("index_encounters", "encounter_id", "true"),
    "members": (
        "index_members",
        "member_id",
        "copies.birth_date is distinct from firsts.birth_date",
    ),
}


# DuckDB's CSV reject types, as a sentence that names no value.
REJECT_REASONS = {
    "TOO MANY COLUMNS": "row has more fields than the header",
    "MISSING COLUMNS": "row has fewer fields than the header",
    "UNQUOTED VALUE": "row has a stray or unterminated quote character",
    "INVALID ENCODING": "row is not valid UTF-8",
    "INVALID UNICODE": "row is not valid UTF-8",
    "LINE SIZE OVER MAXIMUM": "row is longer than the reader allows (8 MB)",
}


def drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the CSV reader's rejects tables of an earlier load on this connection."""
    names = con.execute(
        "select table_name from duckdb_tables() where temporary and table_name like 'rejects_%'"
    ).fetchall()
    for (name,) in names:
        con.execute(f'drop table if exists "{name}"')


def _record_lines(con: duckdb.DuckDBPyConnection, sf: sources.SourceFile, index: int) -> None:
    """Number the file's rejected records as data rows, discounting blank lines before them."""
    blank = lines.scan_lines(sf).blank_lines
    con.execute(
        read_sql("ingest/record_lines.sql"),
        {"source": sf.source, "file_index": index, "blank_lines": blank.tolist()},
    )


def csv_rejects(con: duckdb.DuckDBPyConnection, files: dict[str, list]) -> None:
    """Collect rows the CSV reader could not parse into `csv_rejects`, numbered as data rows."""
    con.execute(
        "create or replace temp table csv_rejects "
        "(source varchar, source_file_index integer, line bigint, data_row bigint, reason varchar)"
    )
    con.execute("create or replace temp table reject_reasons (error_type varchar, reason varchar)")
    con.executemany("insert into reject_reasons values (?, ?)", list(REJECT_REASONS.items()))
    existing = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    for source, sfs in files.items():
        for i, sf in enumerate(sfs):
            table = f"rejects_{source}_{i}"
            if sf.fmt != "csv" or table not in existing:
                continue
            con.execute(
                f"""
                insert into csv_rejects
                select
                    ?,
                    ?,
                    rejected.line,
                    rejected.line - 1,
                    string_agg(distinct coalesce(reasons.reason, 'row cannot be parsed ('
                        || lower(rejected.error_type::varchar) || ')'), '; ')
                from {table} as rejected
                left join reject_reasons as reasons
                    on reasons.error_type = rejected.error_type::varchar
                group by rejected.line
                """,
                [source, i],
            )
            if con.execute(
                "select count(*) from csv_rejects where source = ? and source_file_index = ?",
                [source, i],
            ).fetchall()[0][0]:
                _record_lines(con, sf, i)


def loader_checks(con: duckdb.DuckDBPyConnection) -> None:
    """Collect the staged rows' blocking issues and conflicting duplicates in `quarantine_raw`."""
    con.execute(
        "create or replace temp table quarantine_raw (source varchar, "
        'source_file_index integer, source_row bigint, "column" varchar, reason varchar)'
    )
    for source in SOURCES:
        with phase("ingest.quarantine_issues"):
            run_sql_file(con, "ingest/quarantine_issues.sql", source=source)
        table, key, conflict = DUPLICATE_RULES[source]
        key_indexed = ", ".join(f"indexed.{k.strip()}" for k in key.split(","))
        with phase(f"ingest.duplicates_{source}"):
            run_sql_file(
                con,
                "ingest/quarantine_duplicates.sql",
                source=source,
                table=table,
                key=key,
                key_indexed=key_indexed,
                conflict=conflict,
            )


def failed_expectations(con: duckdb.DuckDBPyConnection, source: str, table: str) -> None:
    """Quarantine a source's rows in `blocking_failures`; drop claims left without an iNO line."""
    run_sql_file(con, "ingest/expectation_quarantine.sql", source=source, table=table)
    if source == "claims":
        run_sql_file(con, "ingest/ino_claims_kept.sql")

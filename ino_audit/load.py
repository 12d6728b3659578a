"""Load the three extracts into typed DuckDB tables; quarantine every row that cannot be loaded.

Tables written: `claim_lines` (every line of every iNO claim), `encounters`, `members`,
`quarantine` and `load_stats`. Every input row is counted once, as loaded or quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ino_audit import sources
from ino_audit.schema import SOURCES
from ino_audit.sqlfiles import run_sql_file
from ino_audit.staging import staging_sql

# Duplicate keys per source and when a later copy is a conflict (members may repeat, e.g. one row
# per enrollment span in The Tuva Project's eligibility, as long as the birth date agrees).
DUPLICATE_RULES = {
    "claims": ("claim_id, claim_line_number", "true"),
    "encounters": ("encounter_id", "true"),
    "members": ("member_id", "copies.birth_date is distinct from firsts.birth_date"),
}


@dataclass(frozen=True)
class SourceStats:
    """Row counts of one source."""

    input_rows: int
    loaded_rows: int
    quarantined_rows: int


def _index(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Run the staging pass of one source into `index_<source>`."""
    con.execute(staging_sql(source))
    if source == "claims":
        run_sql_file(con, "staging/index_claims.sql")
    else:
        con.execute(f"create or replace temp table index_{source} as select * from stg_{source}")


def _csv_rejects(con: duckdb.DuckDBPyConnection, files: dict[str, list]) -> None:
    """Collect rows the CSV reader could not parse into `csv_rejects`."""
    con.execute(
        "create or replace temp table csv_rejects "
        "(source varchar, source_file_index integer, data_row bigint, reason varchar)"
    )
    existing = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    for source, sfs in files.items():
        for i, sf in enumerate(sfs):
            table = f"rejects_{source}_{i}"
            if sf.fmt != "csv" or table not in existing:
                continue
            con.execute(
                f"""
                insert into csv_rejects
                select ?, ?, line - 1, string_agg(distinct case error_type::varchar
                    when 'TOO MANY COLUMNS' then 'row has more fields than the header'
                    when 'MISSING COLUMNS' then 'row has fewer fields than the header'
                    when 'UNQUOTED VALUE' then 'row has a stray quote character'
                    when 'INVALID UNICODE' then 'row is not valid UTF-8'
                    when 'LINE SIZE OVER MAXIMUM' then 'row is longer than the reader allows'
                    else 'row cannot be parsed (' || lower(error_type::varchar) || ')' end, '; ')
                from {table}
                group by line
                """,
                [source, i],
            )


def load(con: duckdb.DuckDBPyConnection, inputs: dict[str, str]) -> dict[str, SourceStats]:
    """Load claims, encounters and members from file paths or globs; return row counts."""
    files = {s: sources.inspect(con, s, inputs[s]) for s in SOURCES}
    for source in SOURCES:
        sources.register(con, files[source])
        _index(con, source)
    con.execute(
        "create or replace temp table quarantine_raw (source varchar, source_file_index integer, "
        'source_row bigint, "column" varchar, reason varchar)'
    )
    for source in SOURCES:
        run_sql_file(con, "staging/quarantine_issues.sql", source=source)
        key, conflict = DUPLICATE_RULES[source]
        key_indexed = ", ".join(f"indexed.{k.strip()}" for k in key.split(","))
        run_sql_file(
            con,
            "staging/quarantine_duplicates.sql",
            source=source,
            key=key,
            key_indexed=key_indexed,
            conflict=conflict,
        )
    run_sql_file(con, "staging/load_tables.sql")
    _csv_rejects(con, files)
    run_sql_file(con, "staging/source_rows.sql")
    return stats(con)


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, SourceStats]:
    """Return input, loaded and quarantined row counts per source from `load_stats`."""
    rows = con.execute(
        "select source, input_rows, loaded_rows, quarantined_rows from load_stats"
    ).fetchall()
    return {r[0]: SourceStats(*r[1:]) for r in rows}

"""Load the three extracts into typed DuckDB tables; quarantine every row that cannot be loaded.

Tables written: `claim_lines` (every line of every iNO claim), `encounters`, `members`,
`quarantine`, `load_stats` and `load_batches` (one row per input file, keyed by its SHA-256).
Every input row is counted once, as loaded or quarantined. The whole load, including the Great
Expectations checks that may quarantine more rows (ino_audit/quality/validate.py), is one
transaction: a run killed part-way leaves the tables of the previous load, never a mixture.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ino_audit.infra.db import transaction
from ino_audit.infra.fingerprint import file_sha256
from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import read_sql, run_sql_file
from ino_audit.ingest import sources
from ino_audit.ingest.schema import SOURCES
from ino_audit.ingest.staging import staging_sql

# Duplicate keys per source, the rows checked, and when a later copy is a conflict (members may
# repeat, e.g. one row per enrollment span in The Tuva Project's eligibility, as long as the
# birth date agrees). Claim lines are checked on the claims the audit judges: the lines of every
# iNO claim (other claims are counted and passed over, contract §1), which spares a 10 M-key
# grouping for a check that cannot change a determination.
DUPLICATE_RULES = {
    "claims": (
        "claim_id, claim_line_number",
        "claim_id in (select key from ino_claim_keys)",
        "true",
    ),
    "encounters": ("encounter_id", "true", "true"),
    "members": ("member_id", "true", "copies.birth_date is distinct from firsts.birth_date"),
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


@dataclass(frozen=True)
class SourceStats:
    """Row counts of one source."""

    input_rows: int
    loaded_rows: int
    quarantined_rows: int


def _index(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Run the staging pass of one source into `index_<source>`."""
    types = dict(
        con.execute(f"select column_name, column_type from (describe src_{source})").fetchall()
    )
    con.execute(staging_sql(source, types))
    if source == "claims":
        match, params = ino_match(con)
        con.execute(read_sql("ingest/index_claims.sql").format(ino_match=match), params)
        run_sql_file(con, "ingest/ino_claim_keys.sql")
        keys = [k for (k,) in con.execute("select key from ino_claim_keys").fetchall()]
        with phase("load.second_pass"):
            con.execute(staging_sql(source, types, only_ino_claims=True), {"ino_keys": keys})
    else:
        con.execute(f"create or replace temp table index_{source} as select * from stg_{source}")


def ino_match(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[str, str]]:
    """Return the iNO-line predicate over one line and its parameters (value set ino_procedure)."""
    codes = con.execute(
        "select code_system, code from value_set_codes where value_set = 'ino_procedure' "
        "order by all"
    ).fetchall()
    tests, params = [], {}
    for i, (system, code) in enumerate(codes):
        params[f"ino_{i}"] = code
        if system == "CPT":
            tests.append(f"hcpcs_code = $ino_{i}")
        else:
            tests.append(f"$ino_{i} in (*columns('^procedure_code_[0-9]+$'))")
    return "(" + " or ".join(tests) + ")", params


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the CSV reader's rejects tables of an earlier load on this connection."""
    names = con.execute(
        "select table_name from duckdb_tables() where temporary and table_name like 'rejects_%'"
    ).fetchall()
    for (name,) in names:
        con.execute(f'drop table if exists "{name}"')


def _record_lines(con: duckdb.DuckDBPyConnection, sf: sources.SourceFile, index: int) -> None:
    """Number the file's rejected records as data rows, discounting blank lines before them."""
    blank = sources.scan_lines(sf).blank_lines
    con.execute(
        read_sql("ingest/record_lines.sql"),
        {"source": sf.source, "file_index": index, "blank_lines": blank.tolist()},
    )


def _csv_rejects(con: duckdb.DuckDBPyConnection, files: dict[str, list]) -> None:
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


def _batches(
    con: duckdb.DuckDBPyConnection, files: dict[str, list], hashes: dict[str, str]
) -> None:
    """Record one `load_batches` row per input file: path, SHA-256, size and input rows."""
    rows = [
        (
            source,
            i,
            str(sf.path),
            hashes.get(str(sf.path)) or file_sha256(sf.path),
            sf.path.stat().st_size,
        )
        for source, sfs in files.items()
        for i, sf in enumerate(sfs)
    ]
    con.execute(
        "create or replace temp table batch_files "
        "(source varchar, file_index integer, path varchar, sha256 varchar, bytes bigint)"
    )
    con.executemany("insert into batch_files values (?, ?, ?, ?, ?)", rows)
    run_sql_file(con, "ingest/load_batches.sql")


def load(
    con: duckdb.DuckDBPyConnection,
    inputs: dict[str, str],
    hashes: dict[str, str] | None = None,
    validate: bool = True,
) -> dict[str, SourceStats]:
    """Load claims, encounters and members from file paths or globs; return row counts.

    `hashes` maps a file path to its SHA-256 when the caller has it already. With `validate`,
    the Great Expectations suites run on the loaded tables inside the same transaction.
    """
    with phase("load.inspect_files"):
        files = {s: sources.inspect(con, s, inputs[s]) for s in SOURCES}
    with transaction(con):
        _drop_rejects(con)
        for source in SOURCES:
            sources.register(con, files[source])
            try:
                with phase(f"load.stage_{source}"):
                    _index(con, source)
            except duckdb.InvalidInputException as e:  # a CSV the reader cannot place
                raise sources.diagnose(source, files[source], str(e)) from None
        con.execute(
            "create or replace temp table quarantine_raw (source varchar, "
            'source_file_index integer, source_row bigint, "column" varchar, reason varchar)'
        )
        for source in SOURCES:
            with phase("load.quarantine_issues"):
                run_sql_file(con, "ingest/quarantine_issues.sql", source=source)
            key, scope, conflict = DUPLICATE_RULES[source]
            key_indexed = ", ".join(f"indexed.{k.strip()}" for k in key.split(","))
            with phase(f"load.duplicates_{source}"):
                run_sql_file(
                    con,
                    "ingest/quarantine_duplicates.sql",
                    source=source,
                    key=key,
                    key_indexed=key_indexed,
                    scope=scope,
                    conflict=conflict,
                )
        with phase("load.tables"):
            run_sql_file(con, "ingest/load_tables.sql")
        with phase("load.rows_and_batches"):
            _csv_rejects(con, files)
            run_sql_file(con, "ingest/source_rows.sql")
            _batches(con, files, hashes or {})
        # The new tables are not validated yet (validate.py records it when they are).
        con.execute("drop table if exists validation_state")
        if validate:
            from ino_audit.quality.validate import check

            check(con)
    return stats(con)


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, SourceStats]:
    """Return input, loaded and quarantined row counts per source from `load_stats`."""
    rows = con.execute(
        "select source, input_rows, loaded_rows, quarantined_rows from load_stats"
    ).fetchall()
    return {r[0]: SourceStats(*r[1:]) for r in rows}

"""Publish the loaded tables: claim_lines, encounters, members, load_batches and load_stats.

`claim_lines` keeps every line of every iNO claim (contract §1); `load_batches` has one row per
input file, keyed by its SHA-256; `load_stats` counts every input row once, as loaded or
quarantined, and is written once, when every check has run.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ino_audit.infra.fingerprint import file_sha256
from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import run_sql_file


@dataclass(frozen=True)
class SourceStats:
    """Row counts of one source."""

    input_rows: int
    loaded_rows: int
    quarantined_rows: int


def load_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the loaded tables from the staged rows the loader's checks did not quarantine."""
    with phase("ingest.tables"):
        run_sql_file(con, "ingest/load_tables.sql")


def source_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Number loaded rows as file rows (around CSV rejects) and write the loader's quarantine."""
    run_sql_file(con, "ingest/source_rows.sql")


def batches(con: duckdb.DuckDBPyConnection, files: dict[str, list], hashes: dict[str, str]) -> None:
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


def load_stats(con: duckdb.DuckDBPyConnection) -> None:
    """Order the quarantine and count input, loaded and quarantined rows per source."""
    run_sql_file(con, "ingest/load_stats.sql")


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, SourceStats]:
    """Return input, loaded and quarantined row counts per source from `load_stats`."""
    rows = con.execute(
        "select source, input_rows, loaded_rows, quarantined_rows from load_stats"
    ).fetchall()
    return {r[0]: SourceStats(*r[1:]) for r in rows}

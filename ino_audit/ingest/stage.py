"""Stage the extracts: typed, checked views of every input row, and the iNO claims' lines.

Each source is registered (ino_audit/ingest/sources.py) and cast by its staging view
(ino_audit/ingest/staging.py) into `index_<source>`; for claims, a narrow first pass finds the
iNO lines (value set `ino_procedure`) and a second, selective pass keeps every line of those
claims (`stg_claims_ino`), so the wide columns of other claims are never materialised.
"""

from __future__ import annotations

import duckdb

from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import read_sql, run_sql_file
from ino_audit.ingest import lines, sources
from ino_audit.ingest.schema import SOURCES
from ino_audit.ingest.staging import staging_sql


def stage_source(con: duckdb.DuckDBPyConnection, source: str) -> None:
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
        with phase("ingest.second_pass"):
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


def stage(con: duckdb.DuckDBPyConnection, files: dict[str, list[sources.SourceFile]]) -> None:
    """Register and stage every source; a CSV the reader cannot place stops with a sentence."""
    for source in SOURCES:
        sources.register(con, files[source])
        try:
            with phase(f"ingest.stage_{source}"):
                stage_source(con, source)
        except duckdb.InvalidInputException as e:
            raise lines.diagnose(source, files[source], str(e)) from None

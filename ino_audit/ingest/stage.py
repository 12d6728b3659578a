"""Stage the extracts: typed, checked views of every input row, and the iNO claims' lines.

Each source is registered (ino_audit/ingest/sources.py) and cast by its staging view
(ino_audit/ingest/staging.py) into `index_<source>`; for claims, a narrow first pass keeps only
the iNO lines (value set `ino_procedure`), the lines with blocking issues and those with padded
keys (`index_claims`), and a second, selective pass keeps every line of the iNO claims
(`stg_claims_ino`), so neither the wide columns of other claims nor a row per line of the
extract is ever materialised. A CSV has no file row number: its first pass stores every line,
in file order, and numbers the rows by their place (`number_rows`); its second pass keeps file
order too and takes each line's number from the first pass (`number_second_pass`).
`staged_rows` counts every source's rows per file.
"""

from __future__ import annotations

import duckdb

from ino_audit.infra.errors import AuditError
from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import read_sql, run_sql_file
from ino_audit.ingest import lines, sources
from ino_audit.ingest.casts import padded, text, typed_expr
from ino_audit.ingest.schema import SOURCES, Column, columns
from ino_audit.ingest.staging import staging_select, staging_sql


def stage_source(con: duckdb.DuckDBPyConnection, source: str, every_line: bool = False) -> None:
    """Run the staging pass of one source into `index_<source>` and count its rows per file."""
    types = dict(
        con.execute(f"select column_name, column_type from (describe src_{source})").fetchall()
    )
    if source == "claims":
        stage_claims(con, types, every_line)
    else:
        con.execute(staging_sql(source, types))
        con.execute(f"create or replace temp table index_{source} as select * from stg_{source}")
        if every_line:
            number_rows(con, f"index_{source}")
    # Parquet claims keep only some lines in their index: count them on the files (metadata).
    rows = "src_claims" if source == "claims" and not every_line else f"index_{source}"
    run_sql_file(con, "ingest/staged_rows.sql", source=source, rows=rows)


def stage_claims(con: duckdb.DuckDBPyConnection, types: dict[str, str], every_line: bool) -> None:
    """Run the claims' first pass (`index_claims`) and second pass (`stg_claims_ino`).

    With `every_line` (a CSV among the files) the first pass keeps one narrow row per line from
    one scan (a CSV row is numbered by its place among the stored rows); otherwise it keeps only
    the iNO lines and the lines with issues or padded keys, from two narrow scans.
    """
    match, params = ino_match(con, types)
    key = raw_key(types)
    staged = staging_select("claims", types, [f"{match} as is_ino_line", key])
    with phase("ingest.first_pass"):
        if every_line:
            con.execute(read_sql("ingest/index_claims_all.sql").format(staged=staged), params)
            number_rows(con, "index_claims")
        else:
            con.execute(read_sql("ingest/ino_lines.sql").format(staged=staged), params)
            con.execute(staging_sql("claims", types, [key]))
            run_sql_file(con, "ingest/index_claims.sql")
    run_sql_file(con, "ingest/ino_claim_keys.sql")
    with phase("ingest.second_pass"):
        if every_line:
            con.execute(second_pass_sql(in_file_order=True), key_filter(con))
        else:
            keys = [k for (k,) in con.execute("select key from ino_claim_keys").fetchall()]
            con.execute(second_pass_sql(), {"ino_keys": keys})
        # Staged from the kept rows stored densely: staging the scan's sparse output directly
        # pays the staging select's per-chunk cost on thousands of nearly empty chunks.
        con.execute(
            "create or replace temp table stg_claims_ino as\n"
            + staging_select("claims", types, rows="src_claims_ino")
        )
        con.execute("drop table src_claims_ino")
        if every_line:
            number_second_pass(con)


def number_rows(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Number a staged table's CSV rows by their place in the file (`<table>_runs` per file).

    The table was created from one scan, which keeps each file's order (DuckDB's
    preserve_insertion_order, set by ino_audit/infra/db.py), so each CSV file's rows are one
    run of row ids; a run with gaps would mean another order, and stops the run.
    """
    run_sql_file(con, "ingest/number_rows.sql", table=table)
    _stop_if_any(
        con,
        f"{table}_runs where n <> last_id - first_id + 1",
        f"The CSV rows staged in {table} did not keep their file order, so they cannot be "
        "numbered; run the audit again, or convert the extract to Parquet.",
    )


def number_second_pass(con: duckdb.DuckDBPyConnection) -> None:
    """Number the second pass's CSV rows from the first pass's (sql/ingest/second_pass_rows.sql)."""
    run_sql_file(con, "ingest/second_pass_rows.sql")
    _stop_if_any(
        con,
        "second_pass_rows where row_id is null or source_row is null "
        "or first_key is distinct from second_key",
        "The two reads of the CSV claim lines disagree (the file changed while the audit read "
        "it?), so the lines cannot be numbered; run the audit again.",
    )


def _stop_if_any(con: duckdb.DuckDBPyConnection, rows: str, message: str) -> None:
    """Stop the run with a sentence when the query `select ... from <rows>` finds a row."""
    if con.execute(f"select count(*) from {rows}").fetchall()[0][0]:
        raise AuditError(message)


def raw_key(types: dict[str, str] | None) -> str:
    """Return the claim key as written when trimming changes it (else null), as `claim_id_raw`."""
    v = text("claim_id", types)
    return f"case when {padded('claim_id', types)} then {v} end as claim_id_raw"


def second_pass_sql(in_file_order: bool = False) -> str:
    """Return the statement that keeps every line of the iNO claims, as read, in `src_claims_ino`.

    The keys are compared as written, before any cast, so the filter runs inside the scan (the
    Parquet reader skips other lines early). They arrive as one bound list ($ino_keys), which
    DuckDB joins; `in_file_order` (CSV rows, numbered by their order) tests a Bloom filter
    of them instead (`key_filter`): a plain filter keeps the file's order, a join does not.
    The filter's few false positives are removed by sql/ingest/second_pass_rows.sql.
    """
    test = (
        "get_bit($key_bits::bit, (hash(claim_id::varchar) % $key_bit_count)::integer) = 1"
        if in_file_order
        else "claim_id::varchar = any($ino_keys)"
    )
    return f"create or replace temp table src_claims_ino as select * from src_claims where {test}"


def key_filter(con: duckdb.DuckDBPyConnection) -> dict[str, str | int]:
    """Return a Bloom filter (one hash) of the keys in `ino_claim_keys`, as bound parameters.

    At least 256 bits per key, between 2^16 and 2^24 bits: a line of another claim passes with
    odds below 1 in 256 up to 65,536 keys (each passing line costs its staging, a few
    microseconds); the bits go to DuckDB as text of 0s and 1s.
    """
    (n,) = con.execute("select count(*) from ino_claim_keys").fetchall()[0]
    count = min(max(1 << (256 * n).bit_length(), 1 << 16), 1 << 24)
    ((bits,),) = con.execute(
        "select coalesce(bitstring_agg((hash(key) % $n)::integer, 0, $n - 1)::varchar, "
        "repeat('0', $n)) from ino_claim_keys where key is not null",
        {"n": count},
    ).fetchall()
    return {"key_bits": bits, "key_bit_count": count}


def code_test(
    column: Column, codes: list[str], params: dict[str, str], types: dict[str, str]
) -> str:
    """Return a predicate: the column, normalised as staging does, is one of the codes.

    Only what could match is normalised: a value as long as a code (in bytes) can only match
    through its case, a shorter one never (normalising only removes characters), and a longer
    one gets the full normalisation of `typed_expr`, so the answer is the same as testing every
    normalised value, for about the cost of plain comparisons.
    """
    v, tests = text(column.name, types), []
    for n in sorted({len(c) for c in codes}):
        names = []
        for code in (c for c in codes if len(c) == n):
            names.append(f"$ino_{len(params)}")
            params[names[-1][1:]] = code
        listed = ", ".join(names)
        caseless = all(c.upper() == c.lower() for c in codes if len(c) == n)
        same = f"{v} in ({listed})" if caseless else f"upper({v}) in ({listed})"
        whole = typed_expr(column, types)
        tests.append(f"(strlen({v}) = {n} and {same})")
        tests.append(f"(strlen({v}) > {n} and {whole} in ({listed}))")
    return " or ".join(tests)


def ino_match(con: duckdb.DuckDBPyConnection, types: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Return the iNO-line predicate over a raw claim line and its parameters (ino_procedure)."""
    codes: dict[str, list[str]] = {}
    for system, code in con.execute(
        "select code_system, code from value_set_codes where value_set = 'ino_procedure' "
        "order by all"
    ).fetchall():
        codes.setdefault(system, []).append(code)
    params: dict[str, str] = {}
    by = {c.name: c for c in columns("claims")}
    tests = [code_test(by["hcpcs_code"], codes["CPT"], params, types)] if "CPT" in codes else []
    procedures = [c for c in by.values() if c.name.startswith("procedure_code_")]
    for column in procedures if codes.get("ICD-10-PCS") else ():
        tests.append(code_test(column, codes["ICD-10-PCS"], params, types))
    return "(" + " or ".join(f"({t})" for t in tests) + ")", params


def stage(con: duckdb.DuckDBPyConnection, files: dict[str, list[sources.SourceFile]]) -> None:
    """Register and stage every source; a CSV the reader cannot place stops with a sentence."""
    con.execute(
        "create or replace temp table staged_rows "
        "(source varchar, source_file_index integer, n bigint)"
    )
    for source in SOURCES:
        sources.register(con, files[source])
        try:
            with phase(f"ingest.stage_{source}"):
                stage_source(con, source, any(sf.fmt == "csv" for sf in files[source]))
        except duckdb.InvalidInputException as e:
            raise lines.diagnose(source, files[source], str(e)) from None

"""Great Expectations suites over the loaded extracts: quarantine what blocks, report what warns.

Who checks what:
- DuckDB checks the structure of the *whole* extract while loading (sources.py, staging.py,
  sql/ingest/): header and required columns, CSV parsing (ragged rows, quotes, encoding),
  required values, types, allowed values, date order and duplicate keys. It is set-based over
  10 M lines, and GX 1.24 has no DuckDB datasource.
- Great Expectations runs the suites in expectations/<source>.json on pandas frames of the
  loaded rows the audit uses (the lines of iNO claims, `claim_lines`, all encounters, and the
  members they name), so time and memory stay bounded however large the extract. The suites
  repeat the structural rules as guards and add what only they check: plausible ranges, future
  dates, identifier formats, cross-file consistency. Every expectation says why it exists
  (`meta.note`) and whether it blocks (`meta.blocking`).
- SQL checks the 50 code columns (declared in the claims suite's `meta.sql_checks`): their
  ICD-10-CM / ICD-10-PCS shapes over the codes unpivoted once, and ICD-10-CM membership as a
  join against the 74,000-code `icd10cm_codes` table, not a 74,000-value GX value set.

A row failing a blocking expectation is quarantined (file, row, columns, expectations) and
removed from its loaded table; a warning becomes a `dq_findings` row and the row stays. Results
are kept per run in DIR/validation/<suite>.json and rendered as Data Docs; they hold counts and
failing rows' file and row, never a value (no member id, birth date or code leaves the database).
`great_expectations` is imported only here, inside the functions that validate (~2-4 s), and
in a helper process (ino_audit/infra/workers.py) that starts importing it while the rules run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.infra import safe_io, workers
from ino_audit.infra.db import transaction
from ino_audit.infra.paths import EXPECTATIONS_DIR
from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import read_sql, run_sql_file

# Suites in the order they run (members before the encounters that refer to them) and the
# loaded table each one validates.
SUITE_TABLES = {"members": "members", "encounters": "encounters", "claims": "claim_lines"}
INDEX = ["source_file_index", "source_row"]
SAMPLE_ROWS = 20
# Result fields kept in the JSON: counts only. Values (partial_unexpected_list and friends) stay
# out, because a failing value may be a member id, a birth date or a diagnosis.
COUNT_KEYS = (
    "element_count",
    "missing_count",
    "missing_percent",
    "unexpected_count",
    "unexpected_percent",
    "unexpected_percent_total",
    "unexpected_percent_nonmissing",
    "unexpected_index_column_names",
)
# Expectations whose observed value describes the table, never a row (dtype, column names).
SCHEMA_EXPECTATIONS = (
    "expect_column_values_to_be_in_type_list",
    "expect_table_columns_to_match_set",
)
FAILURE_COLUMNS = ("column", "expectation", "note")


@dataclass(frozen=True)
class SuiteOutcome:
    """What one suite found in one run."""

    suite: str
    rows: int
    expectations: int
    failed_expectations: int
    quarantined_rows: int
    dq_findings: int


@dataclass
class ValidationSummary:
    """The validation step's outcome: per suite, and where its files are."""

    run_id: str
    suites: list[SuiteOutcome]
    results_dir: Path | None = None
    data_docs: Path | None = None
    data_docs_error: str | None = None
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def quarantined_rows(self) -> int:
        """Return the rows quarantined by blocking expectations, over all suites."""
        return sum(s.quarantined_rows for s in self.suites)

    @property
    def dq_findings(self) -> int:
        """Return the data-quality warnings, over all suites."""
        return sum(s.dq_findings for s in self.suites)

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""
        return {
            "run_id": self.run_id,
            "suites": {
                s.suite: {k: v for k, v in asdict(s).items() if k != "suite"} for s in self.suites
            },
            "quarantined_rows": self.quarantined_rows,
            "dq_findings": self.dq_findings,
            "results_dir": str(self.results_dir) if self.results_dir else None,
            "data_docs": str(self.data_docs) if self.data_docs else None,
            "data_docs_error": self.data_docs_error,
            "seconds": round(self.seconds, 3),
            **self.extra,
        }


@cache
def suite_dicts() -> dict[str, dict[str, Any]]:
    """Return the suites as stored in expectations/<source>.json, by suite name."""
    return {s: json.loads((EXPECTATIONS_DIR / f"{s}.json").read_text()) for s in SUITE_TABLES}


def suites_sha256() -> str:
    """Return a hash of the suites, recorded with each validated load."""
    h = hashlib.sha256()
    for s in SUITE_TABLES:
        h.update((EXPECTATIONS_DIR / f"{s}.json").read_bytes())
    return h.hexdigest()


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence GX's warnings, progress bars and log lines (a failing value must not be echoed)."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _gx():
    """Import great_expectations (about 4 s) with analytics off; only validation needs it."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


def _context(gx, root: Path | None = None):
    """Return an ephemeral GX context, or a file context under root; no progress bars."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if root is None:
        ctx = gx.get_context(mode="ephemeral")
    else:
        ctx = gx.get_context(mode="file", project_root_dir=str(root))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


def frame_relation(
    con: duckdb.DuckDBPyConnection, source: str
) -> tuple[duckdb.DuckDBPyRelation, dict[str, str]]:
    """Return the relation a suite validates and the pandas dtypes GX compares vectorised.

    Text becomes Python strings (GX checks their type per value, and filters object columns
    faster than Arrow ones). Dates and timestamps become datetime64[ns]: GX 1.24 falls back to a
    per-value Python loop for other units. Values beyond the nanosecond range are squeezed
    towards it, keeping their order (sql/quality/macros.sql).
    """
    run_sql_file(con, "quality/macros.sql")
    rel = con.sql(read_sql(f"quality/frame_{source}.sql"))
    kinds = dict(zip(rel.columns, map(str, rel.types), strict=True))
    stamps = {
        c: f"ns_safe({c})" if t == "TIMESTAMP" else f"ns_safe(as_timestamp({c}))"
        for c, t in kinds.items()
        if t in ("DATE", "TIMESTAMP")
    }
    if stamps:
        rel = rel.select("* replace (" + ", ".join(f"{e} as {c}" for c, e in stamps.items()) + ")")
    text = {c: "object" for c, t in kinds.items() if t == "VARCHAR"}
    return rel, text | dict.fromkeys(stamps, "datetime64[ns]")


def frame(con: duckdb.DuckDBPyConnection, source: str):
    """Return the pandas frame a suite validates (see frame_relation)."""
    rel, dtypes = frame_relation(con, source)
    return rel.df().astype(dtypes)


def _failures(result) -> Any:
    """Return one row per (failing row, expectation): file index, row, column, note, blocking."""
    import pandas as pd

    parts = []
    for r in result.results:
        rows = (r.result or {}).get("unexpected_index_list") or []
        if r.success or not rows:
            continue
        cfg = r.expectation_config
        kw, meta = cfg.kwargs, cfg.meta or {}
        column = (
            meta.get("column")
            or kw.get("column")
            or kw.get("column_A")
            or ";".join(kw.get("column_list", []))
        )
        part = pd.DataFrame.from_records(rows, columns=INDEX).astype("int64")
        part["column"] = column
        part["expectation"] = cfg.type
        part["note"] = meta.get("note", "")
        part["blocking"] = bool(meta.get("blocking", False))
        parts.append(part)
    if not parts:
        empty = {c: pd.Series(dtype="int64") for c in INDEX}
        empty |= {c: pd.Series(dtype=object) for c in FAILURE_COLUMNS}
        return pd.DataFrame(empty | {"blocking": pd.Series(dtype=bool)})
    out = pd.concat(parts, ignore_index=True)
    return out.astype(dict.fromkeys(FAILURE_COLUMNS, object))


def scrub(result: dict[str, Any]) -> dict[str, Any]:
    """Return a GX result (JSON dict) with counts and failing rows' keys only, never values."""
    for r in result.get("results", []):
        res = r.get("result") or {}
        kept = {k: res[k] for k in COUNT_KEYS if k in res}
        if r["expectation_config"]["type"] in SCHEMA_EXPECTATIONS and "observed_value" in res:
            kept["observed_value"] = res["observed_value"]
        rows = res.get("unexpected_index_list") or res.get("partial_unexpected_index_list") or []
        if rows:
            kept["partial_unexpected_index_list"] = [
                {k: row.get(k) for k in INDEX} for row in rows[:SAMPLE_ROWS]
            ]
        r["result"] = kept
        (r["expectation_config"].get("meta") or {}).pop("position", None)
        info = r.get("exception_info") or {}
        if info.get("raised_exception"):
            r["exception_info"] = {
                "raised_exception": True,
                "exception_message": "the expectation raised an error (rerun with --debug)",
                "exception_traceback": None,
            }
    result.get("meta", {}).pop("batch_spec", None)
    return result


def _position(result) -> int:
    """Return the position in its suite of the expectation a result belongs to."""
    return int(result.expectation_config.meta["position"])


def _run_suite(ctx, gx, source: str, df, as_of: datetime):
    """Validate a frame with a suite: a fast pass, then failing rows for what failed.

    GX computes failing-row lists for every expectation in COMPLETE format, even those that
    pass; a BOOLEAN_ONLY pass first and a COMPLETE pass over the failed expectations only give
    the same failures at about half the cost on clean data.
    """
    import pandas as pd

    spec = suite_dicts()[source]
    # The run date and the suite's own thresholds (meta.parameters, e.g. max_course_days).
    params = {**spec.get("meta", {}).get("parameters", {}), "as_of": pd.Timestamp(as_of)}
    data = ctx.data_sources.add_pandas(f"{source}-frames")
    batch = data.add_dataframe_asset(source).add_batch_definition_whole_dataframe("all")

    def run(name: str, expectations: list[dict[str, Any]], result_format: dict[str, Any]):
        suite = ctx.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        definition = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        return definition.run(
            batch_parameters={"dataframe": df},
            expectation_parameters=params,
            result_format=result_format,
        )

    # Each expectation carries its position in the suite, to pair the two passes' results.
    listed = [
        {**e, "meta": {**e.get("meta", {}), "position": i}}
        for i, e in enumerate(spec["expectations"])
    ]
    result = run(source, listed, {"result_format": "BOOLEAN_ONLY"})
    failed = {_position(r) for r in result.results if not r.success}
    if failed:
        detail = run(
            f"{source}-failed",
            [e for e in listed if e["meta"]["position"] in failed],
            {"result_format": "COMPLETE", "unexpected_index_column_names": INDEX},
        )
        by_position = {_position(r): r for r in detail.results}
        result.results = [by_position.get(_position(r), r) for r in result.results]
    result.meta["suite_meta"] = spec.get("meta", {})
    return result


# What one suite gives back: rows validated, failing rows (_failures), scrubbed result JSON.
SuiteRun = tuple[int, Any, dict[str, Any]]


def validate_frame(source: str, df, as_of: datetime) -> SuiteRun:
    """Validate one frame with its suite (in the helper process, or in-process)."""
    with _quiet():
        gx = _gx()
        result = _run_suite(_context(gx), gx, source, df, as_of)
        return len(df), _failures(result), scrub(result.to_json_dict())


def validate_file(source: str, path: str, dtypes: dict[str, str], as_of: datetime) -> SuiteRun:
    """Read a frame written by _suite_run and validate it (the helper process's entry point)."""
    con = duckdb.connect()
    try:
        df = con.read_parquet(path).df().astype(dtypes)
    finally:
        con.close()
    return validate_frame(source, df, as_of)


FRAMES_SUFFIX = ".frames"


def frames_root(database: Path) -> Path:
    """Return the folder beside a database where the helper's frames are written."""
    return database.parent / (database.name + FRAMES_SUFFIX)


def clear_frames(database: Path) -> None:
    """Remove frames a killed run left beside its database (they hold member ids and dates)."""
    root = frames_root(database)
    if root.is_symlink():
        root.unlink()
    shutil.rmtree(root, ignore_errors=True)


@contextmanager
def frames_folder(con: duckdb.DuckDBPyConnection) -> Iterator[Path]:
    """Yield a new owner-only folder for frames beside the database; remove it after."""
    folder = new_frames_folder(con)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_frames_folder(con: duckdb.DuckDBPyConnection) -> Path:
    """Return a new owner-only folder for frames beside the database (never the system temp)."""
    ((path,),) = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    if not path:  # an in-memory database (tests): nothing to be beside
        return Path(tempfile.mkdtemp(prefix="ino-audit-frames-"))
    root = frames_root(Path(path))
    root.mkdir(mode=0o700, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root, prefix="run-"))


def _write_frame(
    con: duckdb.DuckDBPyConnection, source: str, folder: Path
) -> tuple[str, dict[str, str]]:
    """Write a suite's frame as Parquet into a private folder; return path and dtypes."""
    rel, dtypes = frame_relation(con, source)
    path = folder / f"{source}.parquet"
    rel.write_parquet(str(path))
    return str(path), dtypes


def validate_files(
    frames: dict[str, tuple[str, dict[str, str]]], as_of: datetime
) -> dict[str, SuiteRun]:
    """Validate every written frame with its suite (the helper process's entry point)."""
    return {s: validate_file(s, path, dtypes, as_of) for s, (path, dtypes) in frames.items()}


@dataclass
class Pending:
    """Suites running in the helper process on frames written before the rules started."""

    as_of: datetime
    folder: Path  # the frames beside the database, removed once the results are in
    result: Callable[[], dict[str, SuiteRun]]


def start(con: duckdb.DuckDBPyConnection) -> Pending | None:
    """Write the suites' frames and start validating them in the helper process.

    Returns None when there is nothing to start (already validated, or no helper): check()
    then validates in the usual order. The frames are read from the committed load.
    """
    if not workers.enabled() or _validated(con):
        return None
    as_of = datetime.now(UTC).replace(tzinfo=None)
    folder = new_frames_folder(con)
    with phase("validate.write_frames"):
        frames = {s: _write_frame(con, s, folder) for s in SUITE_TABLES}
    return Pending(as_of, folder, workers.submit(validate_files, frames, as_of))


def _suite_run(
    con: duckdb.DuckDBPyConnection, source: str, as_of: datetime, folder: Path
) -> SuiteRun:
    """Run one suite on its frame: in the helper process when there is one (ino_audit/workers)."""
    if not workers.enabled():
        return validate_frame(source, frame(con, source), as_of)
    path, dtypes = _write_frame(con, source, folder)
    return workers.call(validate_file, source, path, dtypes, as_of)


def _run_suites(
    con: duckdb.DuckDBPyConnection, as_of: datetime, pending: Pending | None = None
) -> None:
    """Run every suite on its frame and apply its failures (inside the caller's transaction).

    Suites apply one after another: a later frame's cross-file facts (e.g. a course's member is
    in the members table) depend on what an earlier suite quarantined. Results started early
    (`pending`) are used while no suite has quarantined anything; after one has, the later
    suites run again on fresh frames.
    """
    runs: dict[str, SuiteRun] = {}
    if pending is not None:
        with phase("validate.wait_helper"):
            runs = pending.result()
        shutil.rmtree(pending.folder, ignore_errors=True)
    stale = False
    with frames_folder(con) as tmp:
        for source, table in SUITE_TABLES.items():
            with phase(f"validate.suite_{source}"):
                run = None if stale else runs.get(source)
                rows, failures, result = run or _suite_run(con, source, as_of, tmp)
            with phase("validate.apply"):
                con.register("gx_failures", failures)
                run_sql_file(con, "quality/apply.sql", source=source, table=table)
                con.unregister("gx_failures")
                blocked = bool(failures["blocking"].any())
                if source == "claims" and blocked:
                    run_sql_file(con, "ingest/ino_claims_kept.sql")
            stale = stale or blocked
            con.execute(
                "insert into validation_results values (?, ?, ?)",
                [source, rows, json.dumps(result, default=str)],
            )


def _sql_checks(con: duckdb.DuckDBPyConnection) -> None:
    """Run the SQL checks the claims suite declares in meta.sql_checks (code shapes, ICD-10-CM)."""
    for chk in suite_dicts()["claims"].get("meta", {}).get("sql_checks", []):
        sql = read_sql(f"quality/{chk['sql']}.sql")
        params = {"regex": chk["regex"], "expectation": f"sql:{chk['name']}", "note": chk["note"]}
        if "$columns" in sql:
            params["columns"] = chk["columns"]
        con.execute(sql, params)


STATE_DDL = (
    "create table if not exists validation_state "
    "(suites_sha256 varchar, validated_at timestamp, seconds double)"
)


def check(
    con: duckdb.DuckDBPyConnection, as_of: datetime | None = None, pending: Pending | None = None
) -> None:
    """Validate the loaded tables: quarantine blocking failures, record warnings and results."""
    t = time.perf_counter()
    as_of = pending.as_of if pending else as_of or datetime.now(UTC).replace(tzinfo=None)
    with transaction(con):
        run_sql_file(con, "quality/tables.sql")
        _run_suites(con, as_of, pending)
        with phase("validate.sql_checks"):
            _sql_checks(con)
        run_sql_file(con, "quality/finish.sql")
        con.execute(STATE_DDL)
        con.execute("delete from validation_state")
        con.execute(
            "insert into validation_state values (?, now()::timestamp, ?)",
            [suites_sha256(), time.perf_counter() - t],
        )


def check_if_needed(con: duckdb.DuckDBPyConnection, pending: Pending | None = None) -> int:
    """Validate the loaded tables unless done with these suites; return rows newly quarantined."""
    if _validated(con):
        if pending is not None:
            shutil.rmtree(pending.folder, ignore_errors=True)
        return 0
    before = _gx_quarantined(con)
    check(con, pending=pending)
    return _gx_quarantined(con) - before


def _gx_quarantined(con: duckdb.DuckDBPyConnection) -> int:
    """Return the rows quarantined by blocking expectations so far."""
    sql = "select count(*) from quarantine where expectation is not null"
    return con.execute(sql).fetchall()[0][0]


def _validated(con: duckdb.DuckDBPyConnection) -> bool:
    """Return whether the loaded tables were validated with the current suites."""
    con.execute(STATE_DDL)
    rows = con.execute("select suites_sha256 from validation_state").fetchall()
    return bool(rows) and rows[-1][0] == suites_sha256()


def outcomes(con: duckdb.DuckDBPyConnection) -> list[SuiteOutcome]:
    """Return each suite's outcome from the validation tables."""
    rows = con.execute(read_sql("quality/outcomes.sql")).fetchall()
    return [SuiteOutcome(*r) for r in rows]


def summary_dict(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Return the validation of the loaded tables for summary.json (empty if not validated)."""
    if not _validated(con):
        return {}
    found = outcomes(con)
    seconds = con.execute("select max(seconds) from validation_state").fetchall()[0][0]
    return {
        "suites": {o.suite: {k: v for k, v in asdict(o).items() if k != "suite"} for o in found},
        "quarantined_rows": sum(o.quarantined_rows for o in found),
        "dq_findings": sum(o.dq_findings for o in found),
        "check_seconds": round(seconds or 0.0, 3),
    }


def _write_results(con: duckdb.DuckDBPyConnection, folder: Path, run_id: str) -> dict[str, dict]:
    """Write validation/<suite>.json for this run; return the results by suite."""
    safe_io.ensure_dir(folder)
    results = {}
    for suite, text in con.execute("select suite, result from validation_results").fetchall():
        data = json.loads(text)
        data.setdefault("meta", {})["ino_audit_run_id"] = run_id
        safe_io.write_text(folder / f"{suite}.json", json.dumps(data, indent=2) + "\n")
        results[suite] = data
    return results


def _data_docs(results: dict[str, dict], folder: Path, run_id: str) -> Path:
    """Render the scrubbed results as GX Data Docs in folder/data_docs (a file context)."""
    with _quiet():
        gx = _gx()
        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResultSchema,
        )
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        target = folder / "data_docs"
        with tempfile.TemporaryDirectory(dir=folder, prefix=".gx-") as tmp:
            ctx = _context(gx, Path(tmp))
            for name, data in results.items():
                ctx.suites.add(gx.ExpectationSuite(**suite_dicts()[name]))
                key = ValidationResultIdentifier(
                    expectation_suite_identifier=ExpectationSuiteIdentifier(name=name),
                    run_id=RunIdentifier(run_name=run_id, run_time=datetime.now(UTC)),
                    batch_identifier=f"frames-{name}",
                )
                ctx.validation_results_store.set(
                    key, ExpectationSuiteValidationResultSchema().load(data)
                )
            ctx.build_data_docs()
            site = Path(tmp) / "gx" / "uncommitted" / "data_docs" / "local_site"
            if target.is_symlink():  # a planted link is replaced, never followed
                target.unlink()
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(site, target)
    return target


def write_files(
    con: duckdb.DuckDBPyConnection, out: Path, run_id: str, data_docs: bool = True
) -> tuple[Path, Path | None, str | None]:
    """Write validation/<suite>.json, dq_findings.csv and the Data Docs into out."""
    folder, docs = start_files(con, out, run_id, data_docs)
    return folder, *docs()


DocsWait = Callable[[], tuple[Path | None, str | None]]


def start_files(
    con: duckdb.DuckDBPyConnection, out: Path, run_id: str, data_docs: bool = True
) -> tuple[Path, DocsWait]:
    """Write validation/<suite>.json and dq_findings.csv, and start the Data Docs in the helper.

    Returns the results folder and a function that waits for the Data Docs: their folder, or
    None and a one-line error (they are a convenience; the JSON results are the record).
    """
    folder = out / "validation"
    results = _write_results(con, folder, run_id)
    safe_io.write_csv(con, read_sql("quality/dq_findings_csv.sql"), out / "dq_findings.csv")
    if not data_docs:
        return folder, lambda: (None, None)
    try:
        pending = workers.submit(_data_docs, results, folder, run_id)
    except Exception as e:
        error = f"Data Docs could not be built ({type(e).__name__})"
        return folder, lambda: (None, error)

    def wait() -> tuple[Path | None, str | None]:
        try:
            with phase("validate.data_docs_wait"):
                return pending(), None
        except Exception as e:
            return None, f"Data Docs could not be built ({type(e).__name__})"

    return folder, wait


def validate(
    con: duckdb.DuckDBPyConnection, out: Path, run_id: str, data_docs: bool = True
) -> ValidationSummary:
    """Validate the loaded tables unless this load already was; write the results into out."""
    t = time.perf_counter()
    check_if_needed(con)
    folder, docs, error = write_files(con, out, run_id, data_docs)
    return ValidationSummary(run_id, outcomes(con), folder, docs, error, time.perf_counter() - t)


def run_validation(
    inputs: dict[str, str],
    out: Path,
    db: Path | None = None,
    run_id: str | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> ValidationSummary:
    """Load and validate an extract on its own (`ino-audit validate`); write results into out."""
    from ino_audit.engine import codesets
    from ino_audit.infra import fingerprint
    from ino_audit.infra.db import connect
    from ino_audit.ingest import load

    run_id = run_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-validate"
    con = connect(db or out / "ino_audit.duckdb", threads, memory_limit)
    try:
        codesets.ensure_codesets(con)
        # The tables are replaced: an audit on this database must load and evaluate again.
        fingerprint.record(con, "load", None)
        fingerprint.record(con, "evaluate", None)
        t = time.perf_counter()
        stats = load.load(con, inputs)
        seconds = time.perf_counter() - t
        summary = validate(con, out, run_id)
        safe_io.write_csv(con, read_sql("outputs/quarantine_csv.sql"), out / "quarantine.csv")
    finally:
        con.close()
    summary.seconds += seconds
    summary.extra["sources"] = {s: asdict(v) for s, v in stats.items()}
    safe_io.write_text(
        out / "validation" / "summary.json", json.dumps(summary.as_dict(), indent=2) + "\n"
    )
    return summary


def print_summary(summary: ValidationSummary, console) -> None:
    """Print the validation summary as a table (counts and paths only, never values)."""
    from rich.table import Table

    sources = summary.extra.get("sources", {})
    table = Table(title=f"ino-audit validate {summary.run_id}")
    for col in ("source", "input rows", "loaded", "quarantined", "expectations failed", "warnings"):
        table.add_column(col, justify="left" if col == "source" else "right")
    for o in summary.suites:
        s = sources.get(o.suite, {})
        table.add_row(
            o.suite,
            f"{s.get('input_rows', 0):,}",
            f"{s.get('loaded_rows', 0):,}",
            f"{s.get('quarantined_rows', 0):,}",
            f"{o.failed_expectations} of {o.expectations}",
            f"{o.dq_findings:,}",
        )
    console.print(table)
    docs = f"; Data Docs {summary.data_docs / 'index.html'}" if summary.data_docs else ""
    console.print(
        f"Results in {summary.results_dir}{docs}. "
        f"{summary.quarantined_rows:,} rows quarantined by blocking expectations, "
        f"{summary.dq_findings:,} data-quality warnings (dq_findings.csv)."
    )
    if summary.data_docs_error:
        console.print(summary.data_docs_error)

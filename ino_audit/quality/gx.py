"""Great Expectations, and only it: a frame in, failing rows and a scrubbed result out.

Runs in the helper process (ino_audit/infra/workers.py) or in-process when there is none. The
suites run on pandas frames of the rows the audit uses (GX 1.24 has no DuckDB datasource). A
result keeps counts and failing rows' file index and row, never a value: a failing value may be
a member id, a birth date or a diagnosis. `great_expectations` (about 4 s to import) is imported
only inside these functions. Data Docs are rendered here too, from the scrubbed results.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.infra import safe_io
from ino_audit.quality.suites import INDEX, SCHEMA_EXPECTATIONS, column_of, parameters, suite_dicts

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


FAILURE_COLUMNS = ("column", "expectation", "note")


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
        column = column_of(kw, meta)
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
    params = {**parameters(source), "as_of": pd.Timestamp(as_of)}
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
    """Read a frame written while ingesting and validate it (in the helper process)."""
    con = duckdb.connect()
    try:
        df = con.read_parquet(path).df().astype(dtypes)
    finally:
        con.close()
    return validate_frame(source, df, as_of)


def validate_files(
    frames: dict[str, tuple[str, dict[str, str]]], as_of: datetime
) -> dict[str, SuiteRun]:
    """Validate every written frame with its suite (the helper process's entry point)."""
    return {s: validate_file(s, path, dtypes, as_of) for s, (path, dtypes) in frames.items()}


def render_data_docs(results: dict[str, dict], folder: Path, run_id: str) -> Path:
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
            safe_io.remove_tree(target)  # a planted link is replaced, never followed
            shutil.copytree(site, target)
    return target

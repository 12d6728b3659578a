"""Analyst outputs beside the contract's files: report.html, cases.xlsx and Parquet exports.

`write_reports` is the one entry point. Every table of the report comes from a query in
sql/reports/ run on the audit database; Python renders the charts (matplotlib, inline SVG) and
the page (Jinja2, templates/report.html.j2), which is self-contained and needs no network.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ino_audit.infra import safe_io, workers
from ino_audit.infra.paths import RULES_DIR, TEMPLATES_DIR
from ino_audit.infra.profiling import phase
from ino_audit.infra.sqlfiles import read_sql
from ino_audit.outputs import excel, masking, review_store
from ino_audit.outputs import tables as outputs
from ino_audit.outputs.samples import samples_of

TEMPLATES = TEMPLATES_DIR
PROVIDER_ROWS = 50
Row = dict[str, Any]


def rows(con: duckdb.DuckDBPyConnection, name: str) -> list[Row]:
    """Run sql/reports/<name>.sql and return its rows as dicts."""
    result = con.execute(read_sql(f"reports/{name}.sql"))
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, r, strict=True)) for r in result.fetchall()]


def one(con: duckdb.DuckDBPyConnection, name: str) -> Row:
    """Run a single-row report query and return that row."""
    return rows(con, name)[0]


def input_files(summary: dict[str, Any]) -> list[Row]:
    """Return the run's input files (source, path, bytes, sha256) as hashed by the audit."""
    return [dict(f) for f in summary.get("input_files", [])]


def register_inputs(con: duckdb.DuckDBPyConnection, files: list[Row]) -> None:
    """Expose the input files to the report SQL as `report_input_files`."""
    table = pa.table(
        {
            "source": pa.array([f["source"] for f in files], pa.string()),
            "path": pa.array([f["path"] for f in files], pa.string()),
            "bytes": pa.array([f["bytes"] for f in files], pa.int64()),
            "sha256": pa.array([f["sha256"] for f in files], pa.string()),
        }
    )
    con.register("report_input_files", table)


def register_checklist(con: duckdb.DuckDBPyConnection) -> None:
    """Load rules/records_checklist.csv as the temp table `report_records_checklist`."""
    con.execute(
        "create or replace temp table report_records_checklist as "
        "select rule_id, request from read_csv(?, header = true, all_varchar = true)",
        [str(RULES_DIR / "records_checklist.csv")],
    )


EXPORTS = {
    # name: (view, contract columns, extra Parquet columns, order)
    "determinations": ("export_determinations", outputs.DETERMINATION_COLUMNS, "", "claim_id"),
    "findings": (
        "export_findings",
        outputs.FINDING_COLUMNS,
        ", policy_version, run_id",
        "claim_id nulls last, rule_id, provider_id",
    ),
}


def export_query(name: str, parquet: bool) -> str:
    """Return an export query: the contract's CSV columns (plus run columns for Parquet)."""
    view, columns, extra, order = EXPORTS[name]
    query = f"select {columns}{extra if parquet else ''} from {view}"
    if parquet and name == "findings":  # JSON evidence as plain text for any Parquet reader
        query = f"select * replace (evidence::varchar as evidence) from ({query})"
    return f"{query} order by {order}"


def write_exports(con: duckdb.DuckDBPyConnection, out: Path) -> list[Path]:
    """Write determinations/findings as exact Parquet for systems (atomic, owner-only)."""
    return [
        safe_io.write_parquet(con, export_query(name, parquet=True), out / f"{name}.parquet")
        for name in EXPORTS
    ]


def dollars(value: Any) -> str:
    """Format an amount as dollars (empty when unknown)."""
    return "" if value is None else f"${float(value):,.2f}"


def run_facts(
    summary: dict[str, Any], params: Row, files: list[Row], masked: bool, at: datetime
) -> list[tuple[str, Any]]:
    """Return the run facts as (item, value) pairs for the workbook and the page."""
    facts: list[tuple[str, Any]] = [
        ("Run id", params["run_id"] or summary.get("run_id")),
        ("Policy version", params["policy_version"]),
        ("Policy", summary.get("policy_title", "")),
        ("Audit written (UTC)", at.strftime("%Y-%m-%d %H:%M:%S")),
        ("Member ids", "masked (HMAC-SHA256)" if masked else "as in the extract"),
        ("iNO claims", summary.get("ino_claims")),
        ("Paid amount", dollars(summary.get("paid_amount"))),
        ("Amount at risk", dollars(summary.get("amount_at_risk"))),
    ]
    for source in ("claims", "encounters", "members"):
        s = summary.get(source) or {}
        counts = [s.get(k) for k in ("input_rows", "loaded_rows", "quarantined_rows")]
        facts.append(
            (
                f"{source} rows (input / loaded / quarantined)",
                " / ".join("?" if n is None else f"{n:,}" for n in counts),
            )
        )
    for f in files:
        facts.append((f"{f['source']} file", f"{f['path']} ({f['bytes']:,} bytes)"))
        facts.append((f"{f['source']} file SHA-256", f["sha256"]))
    return facts


def chart_svgs(data: dict[str, Any]) -> dict[str, str]:
    """Render every chart of the page as SVG text (in the helper process when there is one)."""
    from ino_audit.outputs import charts  # matplotlib loads only where charts are drawn

    p = data["params"]
    hours = [
        (p["review_after_hours"], f"review after {p['review_after_hours']:g} h"),
        (p["long_episode_hours"], f"{p['long_episode_days']:g} days"),
    ]
    doses = [
        (p["outlier_dose_ppm"], f"{p['outlier_dose_ppm']:g} ppm"),
        (p["high_dose_ppm"], f"{p['high_dose_ppm']:g} ppm"),
    ]
    return {
        "determinations": charts.determinations_chart(data["determinations"]),
        "durations": charts.histogram(
            data["duration_bins"], "episodes", "episode hours", hours, "durations"
        ),
        "doses": charts.histogram(data["dose_bins"], "courses", "max dose (ppm)", doses, "doses"),
        "trend": charts.trend_chart(data["trend"]),
        "peers": charts.peer_chart(data["providers"], p["review_after_hours"]),
    }


# Report data: key -> (one row or all rows, query in sql/reports/).
REPORT_QUERIES: dict[str, tuple[Callable[..., Any], str]] = {
    "params": (one, "params"),
    "headline": (one, "headline"),
    "determinations": (rows, "determinations"),
    "by_rule": (rows, "findings_by_rule"),
    "by_section": (rows, "findings_by_section"),
    "duration_bins": (rows, "episode_duration_bins"),
    "duration_stats": (one, "episode_duration_stats"),
    "dose_bins": (rows, "max_dose_bins"),
    "dose_stats": (one, "max_dose_stats"),
    "trend": (rows, "trend_by_month"),
    "providers": (rows, "providers"),
    "load_stats": (rows, "load_stats"),
    "input_files": (rows, "input_files"),
    "quarantine": (rows, "quarantine_reasons"),
    "review": (one, "review_summary"),
    "review_by_rule": (rows, "review_by_rule"),
}
# What the charts draw: results of the rules only, never of the data-quality checks.
CHART_DATA = ("params", "determinations", "duration_bins", "dose_bins", "trend", "providers")


def report_data(
    con: duckdb.DuckDBPyConnection, keys: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """Run the report queries (all, or those of `keys`)."""
    return {
        key: fetch(con, name)
        for key, (fetch, name) in REPORT_QUERIES.items()
        if keys is None or key in keys
    }


def environment() -> Environment:
    """Return the Jinja2 environment (autoescaping HTML) with the report's number filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    env.filters["money"] = lambda v: "" if v is None else f"${float(v):,.2f}"
    env.filters["int"] = lambda v: "" if v is None else f"{int(v):,}"
    env.filters["num"] = lambda v, d=1: "" if v is None else f"{float(v):,.{d}f}"
    env.filters["pct"] = lambda v: "" if v is None else f"{100 * float(v):.1f}%"
    return env


def render_html(
    data: dict[str, Any],
    facts: list[tuple[str, Any]],
    summary: dict[str, Any],
    at: datetime,
    svgs: dict[str, str] | None = None,
    sampling: list[Row] | None = None,
) -> str:
    """Render the report page (`svgs`: the charts if drawn already; `sampling`: its samples)."""
    outliers = sum(1 for p in data["providers"] if p["is_outlier"])
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            **data,
            run_rows=[f for f in facts if " file" not in f[0]],
            policy_title=summary.get("policy_title"),
            written_at=at.strftime("%Y-%m-%d %H:%M:%S"),
            charts={k: Markup(v) for k, v in (svgs or chart_svgs(data)).items()},
            provider_rows=data["providers"][: max(PROVIDER_ROWS, outliers)],
            outliers=outliers,
            dq_rules=[
                r for r in data["by_rule"] if r["rule_id"].startswith(("INO-DQ", "INO-DATA"))
            ],
            sampling=sampling or [],
            by_policy=summary.get("claims_by_policy") or {},
        )
    )


def prepare(con: duckdb.DuckDBPyConnection, out: Path, mask_members: bool) -> None:
    """Create the output folder, the export views (masked when asked) and the checklist view."""
    safe_io.ensure_dir(out)
    masking.prepare_exports(con, mask_members)
    register_checklist(con)
    review_store.prepare(con, date.today())  # decisions kept across audits (docs/recovery.md)


def start_charts(con: duckdb.DuckDBPyConnection) -> Callable[[], dict[str, str]]:
    """Draw the report's charts; return a function that gives them (waiting if need be).

    While the helper is still busy (validating), this process would only wait for it, so the
    charts are drawn here; otherwise the helper draws them while this process writes on.
    """
    data = report_data(con, CHART_DATA)
    if not workers.busy():
        return workers.submit(chart_svgs, data)
    with phase("write.charts"):
        svgs = chart_svgs(data)
    return lambda: svgs


def draft_workbook(con: duckdb.DuckDBPyConnection, out: Path) -> excel.Draft:
    """Write the table sheets of cases.xlsx (closed later, with the run facts)."""
    return excel.draft_workbook(con, out / "cases.xlsx")


def write_reports(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    summary: dict,
    mask_members: bool = False,
    draft: excel.Draft | None = None,
    charts: Callable[[], dict[str, str]] | None = None,
) -> list[Path]:
    """Write report.html, cases.xlsx and the Parquet exports from the prepared export views.

    `prepare` must have run (it builds the export views, masked when asked); `draft` (the
    workbook's table sheets) and `charts` come from draft_workbook and start_charts on these
    determinations, else they are made here.
    """
    at = datetime.now(UTC)
    with phase("write.exports"):
        paths = write_exports(con, out)
    files = input_files(summary)
    register_inputs(con, files)
    try:
        with phase("write.report_data"):
            data = report_data(con)
        facts = run_facts(summary, data["params"], files, mask_members, at)
        with phase("write.xlsx"):
            draft = draft or draft_workbook(con, out)
            paths.append(excel.finish_workbook(draft, facts))
        html = out / "report.html"
        with phase("write.html"):
            svgs = charts() if charts else chart_svgs(report_data(con, CHART_DATA))
            sampling = samples_of(out)
            safe_io.write_text(html, render_html(data, facts, summary, at, svgs, sampling))
        paths.append(html)
    finally:
        con.unregister("report_input_files")
    return paths

"""Printable pages: extrapolation.html, and the sampling section of the compliance report.

The compliance report (report.html) shows every sample drawn into the audit's output folder or
a direct subfolder of it (the layout `ino-audit sample --from AUDIT --out AUDIT/sampling`
suggests), with its extrapolation once there is one. `sample` and `extrapolate` refresh the
report when they write into such a folder, from the audit database opened read-only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.infra import safe_io
from ino_audit.infra.errors import AuditError
from ino_audit.outputs.samples import samples_of


def write_extrapolation_page(path: Path, result: dict[str, Any], plan: dict | None) -> Path:
    """Render extrapolation.html."""
    from ino_audit.outputs.reports import environment

    html = environment().get_template("extrapolation.html.j2").render(x=result, plan=plan)
    safe_io.write_text(path, html)
    return path


def audit_folder_of(out: Path) -> Path | None:
    """Return the audit folder that `out` is, or is a direct subfolder of, if any."""
    for folder in (out.resolve(), out.resolve().parent):
        if (folder / "summary.json").is_file() and (folder / "report.html").is_file():
            return folder
    return None


def refresh_report(audit_dir: Path) -> Path:
    """Render the audit's report.html again, now with its sampling section."""
    from ino_audit.outputs import reports, review_store
    from ino_audit.outputs.masking import PREFIX
    from ino_audit.sampling.universe import audit_database, read_summary

    summary = read_summary(audit_dir)
    db = audit_database(audit_dir, summary)
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        raise AuditError(
            f"The audit database {db} could not be opened to refresh the report."
        ) from e
    try:
        files = reports.input_files(summary)
        reports.register_inputs(con, files)
        reports.register_checklist(con)
        review_store.prepare(con, date.today(), read_only=True)
        data = reports.report_data(con)
        first = con.execute(
            "select member_id from read_csv(?, header = true, all_varchar = true) limit 1",
            [str(audit_dir / "determinations.csv")],
        ).fetchall()
        masked = bool(first and str(first[0][0] or "").startswith(PREFIX))
        written = datetime.fromtimestamp((audit_dir / "summary.json").stat().st_mtime, UTC)
        facts = reports.run_facts(summary, data["params"], files, masked, written)
        html = reports.render_html(data, facts, summary, written, sampling=samples_of(audit_dir))
    finally:
        con.close()
    path = audit_dir / "report.html"
    safe_io.write_text(path, html)
    return path

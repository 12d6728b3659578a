"""Printable letters: a Jinja2 HTML template the plan can edit, rendered to PDF by WeasyPrint."""

from __future__ import annotations

import logging
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from ino_audit.infra import safe_io
from ino_audit.infra.errors import AuditError
from ino_audit.infra.paths import ROOT, TEMPLATES_DIR

TEMPLATES = TEMPLATES_DIR
PLAN_CONFIG = ROOT / "config" / "plan.toml"


def load_plan(path: Path | None = None) -> dict[str, Any]:
    """Return the plan's letter settings (config/plan.toml unless another file is given)."""
    path = path or PLAN_CONFIG
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise AuditError(f"The plan settings {path} cannot be read ({e}).") from None
    for section, key in (("plan", "name"), ("recovery", "appeal_days")):
        if key not in data.get(section, {}):
            raise AuditError(f"The plan settings {path} lack [{section}] {key}.")
    return data


def money(value: Any) -> str:
    """Format an amount as dollars to the cent (e.g. $1,234.50)."""
    return "" if value is None else f"${Decimal(value):,.2f}"


def safe_name(text: str) -> str:
    """Return a file-name-safe form of a provider id."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text or "unknown")


def environment(template: Path) -> Environment:
    """Return an autoescaping Jinja2 environment reading the template's folder."""
    env = Environment(
        loader=FileSystemLoader([template.parent, TEMPLATES]),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    env.filters["money"] = money
    env.filters["date"] = lambda d: "" if d is None else d.strftime("%B %-d, %Y")
    return env


def render_pdf(template: Path, context: dict[str, Any], out: Path) -> Path:
    """Render one letter from the template to a PDF file; return its path."""
    if not template.is_file():
        raise AuditError(f"The letter template {template} does not exist.")
    try:
        html = environment(template).get_template(template.name).render(**context)
    except TemplateError as e:
        raise AuditError(f"The letter template {template} cannot be rendered ({e}).") from None
    from weasyprint import HTML  # loads Pango: only where letters are written

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-subsetting notices

    safe_io.ensure_dir(out.parent)
    with safe_io.atomic(out) as tmp:
        HTML(string=html, base_url=str(template.parent)).write_pdf(str(tmp))
    return out

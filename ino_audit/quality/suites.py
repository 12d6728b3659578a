"""The Great Expectations suites as data: expectations/<source>.json, their hash, their parts.

A suite is the single statement of what the extracts must satisfy. Its blocking row
expectations are evaluated in the database while ingesting (ino_audit/quality/blocking.py);
Great Expectations runs the whole suite on the same rows in the helper process
(ino_audit/quality/gx.py), which confirms the blocking results and adds the warnings.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from ino_audit.infra.paths import EXPECTATIONS_DIR

# Suites in the order they run (members before the encounters that refer to them) and the
# loaded table each one validates.
SUITE_TABLES = {"members": "members", "encounters": "encounters", "claims": "claim_lines"}
INDEX = ["source_file_index", "source_row"]
# Expectations about the table's shape (columns present, pandas dtypes), not about rows: the
# staging SQL fixes both, so only Great Expectations checks them, as a guard on the loader.
SCHEMA_EXPECTATIONS = (
    "expect_column_values_to_be_in_type_list",
    "expect_table_columns_to_match_set",
)


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


def column_of(kwargs: dict[str, Any], meta: dict[str, Any]) -> str:
    """Return the column an expectation's failures are reported under."""
    return (
        meta.get("column")
        or kwargs.get("column")
        or kwargs.get("column_A")
        or ";".join(kwargs.get("column_list", []))
    )


def blocking_rows(source: str) -> list[dict[str, Any]]:
    """Return the suite's blocking expectations about rows (schema expectations left out)."""
    return [
        e
        for e in suite_dicts()[source]["expectations"]
        if (e.get("meta") or {}).get("blocking") and e["type"] not in SCHEMA_EXPECTATIONS
    ]


def parameters(source: str) -> dict[str, Any]:
    """Return the suite's own thresholds (meta.parameters, e.g. max_course_days)."""
    return dict(suite_dicts()[source].get("meta", {}).get("parameters", {}))

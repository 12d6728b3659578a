"""The samples drawn into an audit folder (contract §5), for the report's sampling section.

`ino-audit sample` writes sampling_plan.json (and `extrapolate` extrapolation.json) into the
audit folder or a direct subfolder; the report lists each with its extrapolation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load_json(path: Path) -> dict[str, Any] | None:
    """Return a JSON file's content, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def samples_of(audit_dir: Path) -> list[dict[str, Any]]:
    """Return the samples drawn into subfolders of an audit folder, with their extrapolations."""
    found = []
    plans = [audit_dir / "sampling_plan.json", *sorted(audit_dir.glob("*/sampling_plan.json"))]
    for plan_path in (p for p in plans if p.is_file()):
        plan = load_json(plan_path)
        if plan:
            extrapolation = load_json(plan_path.parent / "extrapolation.json")
            folder = "." if plan_path.parent == audit_dir else plan_path.parent.name
            found.append({"folder": folder, "plan": plan, "extrapolation": extrapolation})
    return found

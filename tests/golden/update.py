"""Rewrite the golden digests (tests/golden/<case>.json) from a fresh run of the current code.

For intentional output changes only: review what changed first (the failing test names the
files and keeps their normalised forms), then commit the new digests with the change.

    python tests/golden/update.py                     # every case
    python tests/golden/update.py generated_200k      # one case
    python tests/golden/update.py --dump DIR          # also write the normalised files to DIR
    python tests/golden/update.py --check --dump DIR  # compare only, write nothing in tests/
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="ino-audit-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from tests.test_golden import CASES, differences, digests, golden_path, run_case, write_golden


def main() -> int:
    """Run the chosen cases and rewrite (or, with --check, compare) their digest files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help=f"cases to run (default: all of {list(CASES)})")
    parser.add_argument("--dump", type=Path, help="write each case's normalised files here")
    parser.add_argument("--check", action="store_true", help="compare, do not rewrite")
    args = parser.parse_args()
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}; the cases are {', '.join(CASES)}")
    changed = 0
    for case in args.cases or list(CASES):
        with tempfile.TemporaryDirectory(prefix=f"golden-{case}-") as tmp:
            run = run_case(case, Path(tmp) / case)
            found = digests(run, dump=args.dump / case if args.dump else None)
        path = golden_path(case)
        old = json.loads(path.read_text()) if path.exists() else {}
        diff = differences(old, found)
        changed += bool(diff)
        print(f"{case}: {len(found)} files, {len(diff)} changed")
        for line in diff:
            print(f"  {line}")
        if not args.check:
            print(f"  written {write_golden(case, found)}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Locations of the project's data files (SQL, registry, value sets, policies).

A source checkout (tests, `make`, an editable install) keeps the data folders at the top of the
repository; a built wheel (`pip install .`) carries the same folders inside the package, under
`ino_audit/data/` (pyproject.toml maps them there).
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CHECKOUT = PACKAGE_DIR.parent
IN_CHECKOUT = (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "sql").is_dir()
ROOT = _CHECKOUT if IN_CHECKOUT else PACKAGE_DIR / "data"
SQL_DIR = ROOT / "sql"
CONTRACT_DIR = ROOT / "contract"
RULES_DIR = ROOT / "rules"
VALUESETS_DIR = ROOT / "valuesets"
POLICIES_DIR = ROOT / "policies"
EXPECTATIONS_DIR = ROOT / "expectations"
DOCS_DIR = ROOT / "docs"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

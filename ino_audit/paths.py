"""Locations of the project's data files (SQL, registry, value sets, policies)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
CONTRACT_DIR = ROOT / "contract"
RULES_DIR = ROOT / "rules"
VALUESETS_DIR = ROOT / "valuesets"
POLICIES_DIR = ROOT / "policies"
EXPECTATIONS_DIR = ROOT / "expectations"
DOCS_DIR = ROOT / "docs"

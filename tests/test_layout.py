"""The tree shows the pipeline: facts one table per file, modules small, data folders packaged."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ino_audit.engine import facts

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 300


def test_each_fact_file_creates_the_table_it_is_named_after():
    """sql/facts/<name>.sql creates <name>, and FACTS lists every file once, in build order."""
    files = {p.stem for p in (ROOT / "sql" / "facts").glob("*.sql")}
    assert sorted(facts.FACTS) == sorted(files)
    assert len(set(facts.FACTS)) == len(facts.FACTS)
    for name in set(facts.FACTS) - {facts.MACROS}:
        text = (ROOT / "sql" / "facts" / f"{name}.sql").read_text()
        created = re.findall(r"^create or replace (?:table|view) (\w+)", text, re.M)
        assert created == [name], (name, created)


def test_facts_read_only_tables_built_before_them():
    """A fact file selects from no fact that FACTS builds after it (its own CTEs aside)."""
    order = list(facts.FACTS)
    for i, name in enumerate(order):
        text = (ROOT / "sql" / "facts" / f"{name}.sql").read_text()
        ctes = set(re.findall(r"^(\w+) as \($", text, re.M))
        later = [
            n
            for n in order[i + 1 :]
            if n not in ctes and re.search(rf"\b(from|join)\s+{n}\b", text)
        ]
        assert later == [], (name, later)


def test_no_module_is_long():
    """No Python module of the package or the flows runs past ~300 lines."""
    long = {
        str(p.relative_to(ROOT)): n
        for p in [*(ROOT / "ino_audit").rglob("*.py"), *(ROOT / "flows").rglob("*.py")]
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_sql_folder_ships_in_the_wheel():
    """Each folder of sql/ is mapped into the package data (pyproject.toml), none is stale."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapped = {v for k, v in setuptools["package-dir"].items() if v.startswith("sql")}
    folders = {str(p.relative_to(ROOT)) for p in (ROOT / "sql").rglob("*") if p.is_dir()}
    assert mapped == folders | {"sql"}

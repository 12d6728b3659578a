"""Fuzzed extracts: random values, empties and damaged rows in every column of all three files.

Whatever the rows hold, the audit either runs (every input row loaded or quarantined, each
quarantine and warning row naming its file and row) or refuses with one sentence.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ino_audit.infra.errors import AuditError
from ino_audit.ingest.schema import SOURCES, columns
from ino_audit.pipeline import AuditConfig, run_audit
from tests.conftest import read_csv

IDS = st.sampled_from(["A", "B", "C", "a", " B ", ""])
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
NUMBER = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(places=2, allow_nan=False, allow_infinity=False).map(str),
)
DATE = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["2024-02-30", "03/01/2024", "2024-03-01T25:00", "0000-00-00", "9999-12-31"]),
)
CODE = st.one_of(
    st.sampled_from(["3E0F7SD", "3e0f8sd", "94799", "P29.30", "p2938", "J80", "U07.2", "Q79.0"]),
    st.from_regex(r"[A-Z0-9.]{1,8}", fullmatch=True),
)
BOOL = st.sampled_from(["true", "FALSE", "Y", "n", "1", "0", "yes", "maybe"])
BY_TYPE = {
    "int": NUMBER,
    "decimal": NUMBER,
    "money": NUMBER,
    "fio2": NUMBER,
    "date": DATE,
    "timestamp": DATE,
    "bool": BOOL,
    "code": CODE,
}
KEYS = {"claim_id", "member_id", "encounter_id"}


def value(source: str, name: str, kind: str, allowed: tuple[str, ...]) -> st.SearchStrategy:
    """Return a strategy for one cell: empty, plausible or random."""
    if name in KEYS:
        plausible = IDS
    elif allowed:
        plausible = st.sampled_from([*allowed, allowed[0].upper(), "other value"])
    else:
        plausible = BY_TYPE.get(kind, TEXT)
    return st.one_of(st.just(""), plausible, TEXT)


def rows(source: str) -> st.SearchStrategy:
    """Return a strategy for a list of rows of one source (some ragged)."""
    cols = columns(source)
    row = st.fixed_dictionaries({c.name: value(source, c.name, c.type, c.allowed) for c in cols})
    shape = st.sampled_from(["ok"] * 8 + ["long", "short"])
    return st.lists(st.tuples(row, shape), max_size=6)


# Ways of writing valid CSV: CRLF with minimal quoting (a field holding CR or LF is quoted), or
# LF with every field quoted (an unquoted bare CR would end a record for most readers).
DIALECTS = st.sampled_from([("\r\n", csv.QUOTE_MINIMAL), ("\n", csv.QUOTE_ALL)])


def write(
    path: Path, source: str, records: list[tuple[dict[str, str], str]], dialect: tuple[str, int]
) -> int:
    """Write a CSV of the records (ragged ones changed by their shape); return records written."""
    names = [c.name for c in columns(source)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=dialect[0], quoting=dialect[1])
    writer.writerow(names)
    for row, shape in records:
        cells = [row[n] for n in names]
        if shape == "long":
            cells.append("surplus")
        elif shape == "short":
            cells = cells[:-2]
        writer.writerow(cells)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return len(records)


@pytest.fixture(scope="module")
def shared_db():
    """One database for every example, so the code sets are built once."""
    folder = Path(tempfile.mkdtemp(prefix="ino-fuzz-"))
    yield folder / "fuzz.duckdb"
    shutil.rmtree(folder, ignore_errors=True)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    claims=rows("claims"), encounters=rows("encounters"), members=rows("members"), dialect=DIALECTS
)
def test_any_rows_reconcile_or_refuse(shared_db, claims, encounters, members, dialect):
    """Input = loaded + quarantined per source, every record counted, every row located."""
    folder = Path(tempfile.mkdtemp(prefix="ino-fuzz-case-"))
    try:
        data = {"claims": claims, "encounters": encounters, "members": members}
        paths = {s: folder / f"{s}.csv" for s in SOURCES}
        written = {s: write(paths[s], s, data[s], dialect) for s in SOURCES}
        cfg = AuditConfig(*(str(paths[s]) for s in SOURCES), folder / "out", db=shared_db)
        try:
            run_audit(cfg)
        except AuditError as e:  # a refusal: one sentence naming a file
            message = str(e)
            assert "\n" not in message and message.endswith("."), message
            assert any(str(p) in message for p in paths.values()), message
            return
        summary = json.loads((folder / "out" / "summary.json").read_text())
        for source in SOURCES:
            s = summary[source]
            assert s["input_rows"] == written[source], source
            assert s["input_rows"] == s["loaded_rows"] + s["quarantined_rows"], source
        located = read_csv(folder / "out" / "quarantine.csv")
        located += read_csv(folder / "out" / "dq_findings.csv")
        for r in located:
            assert r["source_file"] == str(paths[r["source"]])
            assert 1 <= int(r["source_row"]) <= written[r["source"]]
        quarantined = read_csv(folder / "out" / "quarantine.csv")
        for source in SOURCES:
            rows_of = [r for r in quarantined if r["source"] == source]
            assert len(rows_of) == summary[source]["quarantined_rows"], source
            assert len({r["source_row"] for r in rows_of}) == len(rows_of), source
            assert all(r["reason"] for r in rows_of)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

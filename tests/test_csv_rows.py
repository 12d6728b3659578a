"""CSV rows are numbered without a window: by their place among the stored rows.

The first pass stores one row per CSV line in file order and numbers it by its row id
(ino_audit/ingest/stage.py `number_rows`); the second pass reads the files again through a
Bloom filter of the iNO claims' keys and takes each kept line's number from its partner in the
first pass (`number_second_pass`). Every loaded line must point at the record it came from, in
every file, around a record the CSV reader rejects and a quoted field with a line break.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from ino_audit.infra.errors import AuditError
from ino_audit.ingest import stage
from tests.casebook import CASES, write_book
from tests.conftest import audit_folder, read_csv


def _split_claims(book: dict[str, str], folder: Path) -> list[Path]:
    """Write the casebook's claim lines as two CSV files with a rejected record and a line break."""
    with open(book["claims"], newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    half = len(rows) // 2
    rows[1][header.index("billing_npi")] = "1234\n5678"  # one record over two lines
    paths = [folder / "claims_1.csv", folder / "claims_2.csv"]
    for path, part in zip(paths, (rows[:half], rows[half:]), strict=True):
        with open(path, "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(part[:3])
            f.write(",".join(["X-rejected"] * (len(header) + 3)) + "\n")  # too many fields
            writer.writerows(part[3:])
    return paths


def _records(path: Path) -> list[list[str]]:
    """Return a CSV file's records (0 = header, 1 = first data record), as Python reads them."""
    with open(path, newline="") as f:
        return list(csv.reader(f))


def _loaded(out: Path) -> list[tuple]:
    """Return the loaded claim lines' key, line number, file index and row."""
    with duckdb.connect(str(out / "ino_audit.duckdb"), read_only=True) as con:
        return con.execute(
            "select claim_id, claim_line_number, source_file_index, source_row "
            "from claim_lines order by all"
        ).fetchall()


@pytest.fixture(scope="module")
def split_book(tmp_path_factory) -> tuple[dict[str, str], list[Path]]:
    """The casebook with its claims split over two CSV files matched by a glob."""
    folder = tmp_path_factory.mktemp("split")
    book = write_book(CASES, folder)
    paths = _split_claims(book, folder)
    return {**book, "claims": str(folder / "claims_*.csv")}, paths


def test_every_loaded_line_points_at_its_record(split_book, tmp_path):
    """Each loaded line's file and row hold its key and line number; rejects keep their rows."""
    inputs, paths = split_book
    out = audit_folder(inputs, tmp_path / "out")
    records = [_records(p) for p in paths]
    header = records[0][0]
    key, line = header.index("claim_id"), header.index("claim_line_number")
    loaded = _loaded(out)
    assert len(loaded) > 20
    assert {r[2] for r in loaded} == {0, 1}
    for claim_id, line_number, file_index, row in loaded:
        record = records[file_index][row]
        assert (record[key].strip(), int(record[line])) == (claim_id, line_number)
    rejected = [r for r in read_csv(out / "quarantine.csv") if "more fields" in r["reason"]]
    assert sorted((Path(r["source_file"]).name, r["source_row"]) for r in rejected) == [
        ("claims_1.csv", "4"),
        ("claims_2.csv", "4"),
    ]


def test_bloom_false_positives_change_nothing(split_book, tmp_path, monkeypatch):
    """A filter that passes every line (all false positives) loads the same lines and rows."""
    inputs, _ = split_book
    expected = _loaded(audit_folder(inputs, tmp_path / "exact"))

    def everything(con: duckdb.DuckDBPyConnection) -> dict[str, str | int]:
        return {"key_bits": "1" * 64, "key_bit_count": 64}

    monkeypatch.setattr(stage, "key_filter", everything)
    assert _loaded(audit_folder(inputs, tmp_path / "all")) == expected


def test_a_run_out_of_order_stops(split_book, tmp_path, monkeypatch):
    """Rows that lost their file order stop the audit with a sentence, never a wrong number."""
    inputs, _ = split_book

    def shuffled(con: duckdb.DuckDBPyConnection) -> None:
        first = "(select min(rowid) from stg_claims_ino)"
        con.execute(f"delete from stg_claims_ino where rowid = {first}")
        original(con)

    original = stage.number_second_pass
    monkeypatch.setattr(stage, "number_second_pass", shuffled)
    with pytest.raises(AuditError, match="disagree"):
        audit_folder(inputs, tmp_path / "out")

"""Generated labels and the rules engine agree on every claim (contract §3, issue 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ino_audit.devtools.generate import generate
from ino_audit.infra.paths import ROOT
from tests.conftest import audit_folder, read_csv


def labels(path: Path) -> dict[str, tuple[str, str]]:
    """Return (determination, rule_ids) by claim id from a determinations-shaped CSV."""
    return {r["claim_id"]: (r["determination"], r["rule_ids"]) for r in read_csv(path)}


def inputs(folder: Path, ext: str) -> dict[str, str]:
    """Return the three input paths of a generated folder."""
    return {s: str(folder / f"{s}.{ext}") for s in ("claims", "encounters", "members")}


def test_committed_sample_matches_its_labels(tmp_path):
    """Every claim of data_samples/ gets exactly its expected determination and rule ids."""
    sample = ROOT / "data_samples"
    out = audit_folder(inputs(sample, "csv"), tmp_path / "out")
    assert labels(out / "determinations.csv") == labels(sample / "expected_determinations.csv")


@pytest.mark.parametrize(("lines", "seed"), [(150_000, 3), (150_000, 11)])
def test_generated_labels_match(tmp_path, lines, seed):
    """A generated Parquet extract's labels all match the audit."""
    generate(tmp_path / "g", lines, "parquet", seed)
    out = audit_folder(inputs(tmp_path / "g", "parquet"), tmp_path / "out")
    expected = labels(tmp_path / "g" / "expected_determinations.csv")
    assert len(expected) > 300
    assert labels(out / "determinations.csv") == expected

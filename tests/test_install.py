"""A non-editable install carries its data: `pip install .` audits the sample from anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from ino_audit.infra.paths import ROOT
from tests.conftest import read_csv


def test_installed_package_audits_the_sample_from_another_folder(tmp_path):
    """Built as a wheel (offline, no editable link) and run from an empty folder, ino-audit finds
    its SQL, registry, value sets, policies, suites and templates, and audits data_samples/
    exactly as the checkout does."""
    site, source = tmp_path / "site", tmp_path / "source"
    # built from a copy, so the build leaves nothing in the checkout
    ignore = shutil.ignore_patterns(".venv", ".git", "out", "build", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=ignore)
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--target",
            str(site),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    assert (site / "ino_audit" / "data" / "sql" / "rules" / "INO-IB-PRIOR.sql").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    sample = ROOT / "data_samples"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import ino_audit, sys; from ino_audit.cli import main; "
            "assert ino_audit.__file__.startswith(sys.argv[1]); sys.argv[1:2] = []; main()",
            str(site),
            "audit",
            *(
                a
                for s in ("claims", "encounters", "members")
                for a in (f"--{s}", str(sample / f"{s}.csv"))
            ),
            "--out",
            str(elsewhere / "out"),
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-2000:]
    got = {
        r["claim_id"]: (r["determination"], r["rule_ids"])
        for r in read_csv(elsewhere / "out" / "determinations.csv")
    }
    expected = {
        r["claim_id"]: (r["determination"], r["rule_ids"])
        for r in read_csv(sample / "expected_determinations.csv")
    }
    assert got == expected

"""Shared fixtures: isolated Prefect home, and a one-shot audit of the rules casebook."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="ino-audit-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from ino_audit.pipeline import AuditConfig, run_audit


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV output as a list of dicts."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def audit_folder(inputs: dict[str, str], out: Path, **kwargs) -> Path:
    """Run an in-process audit of the given input paths into out; return out."""
    run_audit(AuditConfig(inputs["claims"], inputs["encounters"], inputs["members"], out, **kwargs))
    return out


@pytest.fixture(scope="session")
def casebook_run(tmp_path_factory) -> Path:
    """Audit every case of tests/casebook.py in one run; return the output folder."""
    from tests.casebook import CASES, write_book

    folder = tmp_path_factory.mktemp("casebook")
    return audit_folder(write_book(CASES, folder), folder / "out", run_id="casebook")


def run_cli(command: str, inputs: dict[str, str], out: Path, *extra: str):
    """Invoke `ino-audit <command>` on the three inputs and an output folder; return the result."""
    from typer.testing import CliRunner

    from ino_audit.cli import app

    args = [
        command,
        *(a for s in ("claims", "encounters", "members") for a in (f"--{s}", inputs[s])),
    ]
    return CliRunner().invoke(app, [*args, "--out", str(out), *extra])


# The fast tier (`make test-fast`, `pytest -m "not slow"`, about 30 s): the unit tests and the
# rules casebook (one audit). Slow: everything that runs an audit per test, starts Prefect or
# Dask, kills processes, fuzzes or audits large generated extracts (`make test` runs it all).
SLOW_MODULES = {
    "test_agreement",
    "test_bad_inputs",
    "test_load",
    "test_outliers_and_policies",
    "test_policy_check",
    "test_policy_map",
    "test_reports",
    "test_faults",
    "test_flow",
    "test_fuzz",
    "test_golden",
    "test_install",
    "test_multicourse",
    "test_recovery",
    "test_recovery_flow",
    "test_robustness",
    "test_workers",
}
SLOW_TESTS = {
    "test_same_seed_same_sample_other_seed_other_sample",
    "test_blocking_rows_leave_before_the_rules",
    "test_disagreement_with_great_expectations_stops_the_run",
    "test_generated_labels_match",
    "test_flow_draws_the_same_sample_and_extrapolates",
    "test_rules_run_again_after_blocking_expectations",
    "test_any_rows_reconcile_or_refuse",
    "test_parquet_first_pass_equals_csv",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests (by module or name) so `-m "not slow"` leaves them out."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in SLOW_MODULES or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)

"""Reruns, killed runs and concurrent runs leave the database consistent and the outputs right.

The killed and concurrent runs are real `ino-audit` processes; the extract is the bad-input
corpus (so loading, quarantine, validation and rules all have work to do).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ino_audit.infra.db import connect
from ino_audit.infra.paths import ROOT
from ino_audit.pipeline import run_validation
from tests.bad_inputs import corpus
from tests.conftest import audit_folder, read_csv

OUTPUTS = ("determinations.csv", "quarantine.csv", "dq_findings.csv")
PHI_LIKE = ("M-negative_paid", "M-future_birth", "2999-01-01", "1800-01-01", "2023-01-01")


def outputs(out: Path) -> dict[str, object]:
    """Return the contract outputs of a run (findings without evidence, which has the run id)."""
    found = {name: (out / name).read_text() for name in OUTPUTS}
    found["findings"] = [
        {k: v for k, v in r.items() if k != "evidence"} for r in read_csv(out / "findings.csv")
    ]
    return found


def cli(*args: str, **env_vars: str) -> subprocess.Popen:
    """Start `ino-audit` in its own process (with extra environment variables)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_vars}
    return subprocess.Popen(
        [sys.executable, "-m", "ino_audit.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def audit_args(paths: dict[str, str], out: Path, db: Path | None = None) -> list[str]:
    """Return the arguments of `ino-audit audit` for an extract."""
    args = ["audit", "--claims", paths["claims"], "--encounters", paths["encounters"]]
    args += ["--members", paths["members"], "--out", str(out)]
    return [*args, "--db", str(db)] if db else args


def invariants(db: Path) -> list[str]:
    """Return what is inconsistent in an audit database (empty when it is consistent)."""
    if not db.exists():
        return []
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        problems = []
        if "load_stats" in tables:
            for source, inp, loaded, quarantined in con.execute(
                "select source, input_rows, loaded_rows, quarantined_rows from load_stats"
            ).fetchall():
                if inp != loaded + quarantined:
                    problems.append(f"{source}: input != loaded + quarantined")
                rows = con.execute(
                    "select count(*) from quarantine where source = ?", [source]
                ).fetchone()[0]
                if rows != quarantined:
                    problems.append(f"{source}: quarantine table has {rows} rows")
                batch = con.execute(
                    "select sum(rows) from load_batches where source = ?", [source]
                ).fetchone()[0]
                if batch != inp:
                    problems.append(f"{source}: load_batches count {batch} rows")
        if "run_state" in tables:
            done = dict(con.execute("select step, fingerprint from run_state").fetchall())
            if done.get("evaluate") and "determinations" not in tables:
                problems.append("evaluate recorded without determinations")
            elif done.get("evaluate"):
                # The rules run before Great Expectations; rows it quarantines must have led to
                # a second evaluation (or a cleared record), never to stale determinations.
                stale = con.execute(
                    "select count(*) from determinations full join "
                    "(select distinct claim_id from claim_lines) as lines using (claim_id) "
                    "where determinations.claim_id is null or lines.claim_id is null"
                ).fetchone()[0]
                if stale:
                    problems.append("evaluate recorded but determinations miss loaded claims")
        return problems
    finally:
        con.close()


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> dict[str, str]:
    """Write the row-fault corpus as the extract the runs use."""
    return corpus.write_row_faults(tmp_path_factory.mktemp("extract")).paths


@pytest.fixture(scope="module")
def clean_cli_run(extract, tmp_path_factory) -> tuple[Path, float, float, str]:
    """Run the CLI once to completion: its output folder, time to open the DB, total time, text."""
    out = tmp_path_factory.mktemp("clean-cli") / "out"
    start = time.monotonic()
    proc = cli(*audit_args(extract, out))
    db, opened = out / "ino_audit.duckdb", None
    while proc.poll() is None:
        if opened is None and db.exists():
            opened = time.monotonic() - start
        time.sleep(0.05)
    total = time.monotonic() - start
    stdout, stderr = proc.communicate()
    assert proc.returncode == 0, stderr
    return out, opened or 0.0, total, stdout + stderr


def test_rerun_gives_same_outputs_and_no_duplicates(extract, tmp_path):
    """The same extract twice into one database: same outputs, one batch per file, no repeats."""
    out = tmp_path / "out"
    first = outputs(audit_folder(extract, out, run_id="same"))
    second = outputs(audit_folder(extract, out, run_id="same"))
    assert first == second
    con = duckdb.connect(str(out / "ino_audit.duckdb"), read_only=True)
    try:
        batches = con.execute("select path, sha256 from load_batches").fetchall()
        keys = {
            "claim_lines": "claim_id, claim_line_number",
            "encounters": "encounter_id",
            "members": "member_id",
        }
        for table, key in keys.items():
            dupes = con.execute(
                f"select count(*) - count(distinct ({key})) from {table}"
            ).fetchone()[0]
            assert dupes == 0, table
        q = con.execute(
            "select count(*) - count(distinct (source, source_file, source_row)) from quarantine"
        ).fetchone()[0]
        assert q == 0
    finally:
        con.close()
    assert sorted(p for p, _ in batches) == sorted(extract.values())
    for path, sha in batches:
        assert sha == hashlib.sha256(Path(path).read_bytes()).hexdigest()
    assert invariants(out / "ino_audit.duckdb") == []


def test_reloading_replaces_tables(extract, tmp_path):
    """Ingesting the same files again into one database replaces every table with the same rows."""
    audit_folder(extract, tmp_path / "out")
    db = tmp_path / "out" / "ino_audit.duckdb"
    tables = ("claim_lines", "encounters", "members", "quarantine", "load_stats", "dq_findings")
    query = "select md5(string_agg(t::varchar, '|' order by t::varchar)) from {} as t"

    def digests() -> dict[str, str]:
        con = connect(db)
        try:
            return {t: con.execute(query.format(t)).fetchone()[0] for t in tables}
        finally:
            con.close()

    before = digests()
    run_validation(extract, tmp_path / "again", db=db)
    con = connect(db)
    try:
        batches = con.execute("select count(*) from load_batches").fetchone()[0]
    finally:
        con.close()
    assert digests() == before
    assert batches == 3


@pytest.mark.parametrize("fraction", [0.15, 0.45, 0.75])
def test_killed_run_leaves_consistent_database(extract, clean_cli_run, tmp_path, fraction):
    """SIGKILL part-way: the database stays consistent and a rerun gives the clean outputs."""
    clean, opened, total, _ = clean_cli_run
    out = tmp_path / "out"
    proc = cli(*audit_args(extract, out))
    time.sleep(opened + fraction * (total - opened))
    running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    print(f"killed at {fraction:.0%} of the run: {'mid-way' if running else 'after it ended'}")
    assert invariants(out / "ino_audit.duckdb") == []
    rerun = cli(*audit_args(extract, out))
    _, stderr = rerun.communicate()
    assert rerun.returncode == 0, stderr
    assert invariants(out / "ino_audit.duckdb") == []
    assert outputs(out) == outputs(clean)


def test_second_process_is_refused_while_the_database_is_in_use(extract, tmp_path):
    """A run on a database another process holds exits 2 with one sentence naming that process."""
    db = tmp_path / "shared.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom pathlib import Path\nfrom ino_audit.infra.db import connect\n"
            f"con = connect(Path({str(db)!r}))\nprint('ready', flush=True)\nsys.stdin.read()\n",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        proc = cli(*audit_args(extract, tmp_path / "out", db))
        stdout, stderr = proc.communicate(timeout=300)
        text = " ".join(stderr.split())
        assert proc.returncode == 2, stdout + stderr
        assert f"The database {db} is in use by another run (process {holder.pid})" in text
        assert "Traceback" not in stderr and stderr.strip().count("\n") == 0
    finally:
        holder.communicate(input="", timeout=60)
    proc = cli(*audit_args(extract, tmp_path / "out", db))
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr


def test_two_runs_at_once_on_one_database(extract, clean_cli_run, tmp_path):
    """Two audits started together on one database: one may be refused, none corrupts it."""
    clean = clean_cli_run[0]
    db = tmp_path / "shared.duckdb"
    procs = [cli(*audit_args(extract, tmp_path / f"out{i}", db)) for i in range(2)]
    results = [(p, *p.communicate(timeout=600)) for p in procs]
    codes = sorted(p.returncode for p, _, _ in results)
    assert codes in ([0, 0], [0, 2]), [e for _, _, e in results]
    for i, (p, _, stderr) in enumerate(results):
        if p.returncode == 2:
            assert "is in use by another run" in " ".join(stderr.split())
        else:
            assert outputs(tmp_path / f"out{i}") == outputs(clean)
    assert invariants(db) == []


def test_cli_output_has_no_member_values(clean_cli_run):
    """The audit's printed summary and log lines carry counts, never member ids or dates."""
    text = clean_cli_run[3]
    assert "iNO claims" in text
    assert not [v for v in PHI_LIKE if v in text]

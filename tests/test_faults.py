"""The fault corpus of issue 13: bad numbers never change a determination, PHI never lands where
it should not. One case (or more) per item; the row faults of items 1-2 (CSV text) live in
tests/bad_inputs/corpus.py with the others. Every audit here also checks that input rows =
loaded + quarantined.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.bad_inputs import corpus
from tests.conftest import audit_folder, read_csv
from tests.test_robustness import audit_args, cli


def reconciles(out: Path) -> dict:
    """Assert input rows = loaded + quarantined for every source; return the summary."""
    summary = json.loads((out / "summary.json").read_text())
    for source in corpus.SOURCES:
        s = summary[source]
        assert s["input_rows"] == s["loaded_rows"] + s["quarantined_rows"], source
    return summary


def to_parquet(csv_path: str, path: Path, casts: dict[str, str]) -> str:
    """Write a CSV extract as Parquet with some columns cast to native types; return the path."""
    con = duckdb.connect()
    try:
        rel = con.read_csv(csv_path, all_varchar=True)
        select = ", ".join(f"({casts[c]}) as {c}" if c in casts else c for c in rel.columns)
        con.sql(f"select {select} from rel").write_parquet(str(path))
    finally:
        con.close()
    return str(path)


# ------------------------------------------------------------------ 1. NaN, infinities, range


def test_native_parquet_nan_and_overflow_are_quarantined(tmp_path):
    """Native Parquet doubles: NaN/inf/1e300 money and NaN/inf measures are quarantined with
    their column and reason; the run finishes and the clean claims keep their determinations."""
    paths = corpus.write_clean(tmp_path / "csv")
    # clean-a: NaN paid; clean-b: charge 1e300; clean-c stays clean.
    paths["claims"] = to_parquet(
        paths["claims"],
        tmp_path / "claims.parquet",
        {
            "paid_amount": "case when claim_id = 'C-clean-a' then 'nan'::double "
            "else paid_amount::double end",
            "charge_amount": "case when claim_id = 'C-clean-b' then 1e300 end",
        },
    )
    paths["encounters"] = to_parquet(
        paths["encounters"],
        tmp_path / "encounters.parquet",
        {
            "oxygenation_index": "case when encounter_id = 'E-clean-a' then 'nan'::double "
            "else oxygenation_index::double end",
            "gestational_age_weeks": "case when encounter_id = 'E-clean-b' then 'inf'::double "
            "else gestational_age_weeks::double end",
        },
    )
    out = audit_folder(paths, tmp_path / "out")
    summary = reconciles(out)
    assert summary["claims"]["quarantined_rows"] == 2
    assert summary["encounters"]["quarantined_rows"] == 2
    q = {(r["source"], r["source_row"]): r for r in read_csv(out / "quarantine.csv")}
    assert q[("claims", "1")]["column"] == "paid_amount"
    assert "not an amount" in q[("claims", "1")]["reason"]
    assert q[("claims", "2")]["column"] == "charge_amount"
    assert q[("encounters", "1")]["column"] == "oxygenation_index"
    assert "NaN, infinite" in q[("encounters", "1")]["reason"]
    assert q[("encounters", "2")]["column"] == "gestational_age_weeks"
    assert all(r["source_file"].endswith(".parquet") for r in q.values())
    dets = {r["claim_id"]: r for r in read_csv(out / "determinations.csv")}
    assert set(dets) == {"C-clean-c"}
    assert dets["C-clean-c"]["determination"] == "supported"


# ------------------------------------------------------------------ 3. provider ids as markup


@pytest.mark.parametrize("provider", ["$\\frac{1}{$", "$x^$", "a$b$c", "\\$100$"])
def test_provider_ids_are_text_in_charts(provider):
    """A provider id holding `$...$` (matplotlib mathtext) is drawn as the text it is."""
    from ino_audit.outputs import charts

    rows = [
        {
            "provider_id": provider if i == 0 else f"P{i}",
            "mean_episode_hours": 500.0 if i == 0 else 20.0 + i,
            "episodes": 10,
            "is_peer": True,
            "is_outlier": i == 0,
        }
        for i in range(8)
    ]
    svg = charts.peer_chart(rows, 48)
    escaped = provider.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in svg


# ------------------------------------------------------------------ 4. --db that is no database


def one_sentence(result) -> str:
    """Assert a CLI result is exit 2 with one sentence and no traceback; return the sentence."""
    text = " ".join(result.output.split())
    assert result.exit_code == 2, text
    assert "Traceback" not in text and text.endswith(".")
    return text


def test_db_path_that_is_not_a_database_is_refused(tmp_path):
    """`--db claims.csv` (an existing file that is not DuckDB) is refused, never run in memory."""
    from tests.conftest import run_cli

    paths = corpus.write_clean(tmp_path / "in")
    before = Path(paths["claims"]).read_bytes()
    result = run_cli("audit", paths, tmp_path / "out", "--db", paths["claims"])
    text = one_sentence(result)
    assert f"The database {paths['claims']} is not a DuckDB database" in text
    assert Path(paths["claims"]).read_bytes() == before
    assert not (tmp_path / "out" / "determinations.csv").exists()


# ------------------------------------------------------------------ shared extract for 5-12

# Ids a spreadsheet would run as formulas, and a member whose id is easy to search for.
FORMULA_CLAIM = '=HYPERLINK("http://example.invalid","x")'
CASES = {
    "formula": {"claim_id": FORMULA_CLAIM, "member_id": "@PHI-MEMBER-1", "encounter_id": "E-1"},
    "minus": {"claim_id": "-12", "member_id": "-PHI-MEMBER-2", "encounter_id": "+E-2"},
    "plain": {"claim_id": "C-3", "member_id": "PHI-MEMBER-3", "encounter_id": "E-3"},
}
PHI = ("PHI-MEMBER", "2024-03-01")  # member ids and the birth date of every member
MASK_KEY = "a masking key kept away from the outputs"


def write_extract(folder: Path) -> dict[str, str]:
    """Write three cases (formula-looking ids, distinctive member ids); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for source in corpus.SOURCES:
        rows = [corpus.render(source, corpus.base_row(source, ids)) for ids in CASES.values()]
        path = folder / f"{source}.csv"
        path.write_bytes(b"\n".join([",".join(corpus.header(source)).encode(), *rows]) + b"\n")
        paths[source] = str(path)
    return paths


def files_holding(root: Path, needles: tuple[str, ...]) -> list[str]:
    """Return the files under root whose bytes contain any of the needles."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(n.encode() in data for n in needles):
                found.append(str(path.relative_to(root)))
    return sorted(found)


def export_files(out: Path) -> list[Path]:
    """Return the files of an output folder except the database (which keeps raw data)."""
    return [
        p
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(("ino_audit.duckdb", ".ino-audit"))
    ]


@pytest.fixture()
def extract(tmp_path) -> dict[str, str]:
    """The three-case extract in a folder of its own."""
    return write_extract(tmp_path / "in")


@pytest.fixture()
def key_file(tmp_path) -> Path:
    """A masking key file outside every output folder."""
    path = tmp_path / "keys" / "mask.key"
    path.parent.mkdir()
    path.write_text(MASK_KEY + "\n")
    return path


# ------------------------------------------------------------------ 5. masked runs write once


def test_masked_run_never_writes_raw_ids_even_when_it_stops(extract, tmp_path, monkeypatch):
    """A masked run that stops right after the contract's CSVs leaves no raw member id in any
    file of --out: every export is written once, from the masked views."""
    from ino_audit.outputs import reports

    def crash(*args, **kwargs):
        raise RuntimeError("stopped between the CSVs and the reports")

    monkeypatch.setattr(reports, "write_reports", crash)
    monkeypatch.setenv("INO_AUDIT_MASK_KEY", MASK_KEY)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        audit_folder(extract, out, mask_members=True)
    assert (out / "determinations.csv").exists()
    written = [str(p.relative_to(out)) for p in export_files(out)]
    leaks = [f for f in files_holding(out, PHI[:1]) if f in written]
    assert leaks == []
    dets = read_csv(out / "determinations.csv")
    assert all(d["member_id"].startswith("MBR-") for d in dets)


# ------------------------------------------------------------------ 8. masking: key and map


def test_masking_without_a_key_is_refused(extract, tmp_path, monkeypatch):
    """--mask-members with no key file and no INO_AUDIT_MASK_KEY: refused, nothing generated."""
    from tests.conftest import run_cli

    monkeypatch.delenv("INO_AUDIT_MASK_KEY", raising=False)
    text = one_sentence(run_cli("audit", extract, tmp_path / "out", "--mask-members"))
    assert "--mask-members needs a key" in text
    assert not (tmp_path / "out" / "ino_audit.duckdb").exists()


def test_masking_key_inside_out_is_refused(extract, tmp_path, monkeypatch):
    """A key file inside --out would sit beside the data it protects: refused."""
    from tests.conftest import run_cli

    monkeypatch.delenv("INO_AUDIT_MASK_KEY", raising=False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mask.key").write_text(MASK_KEY)
    result = run_cli(
        "audit", extract, out, "--mask-members", "--mask-key-file", str(out / "mask.key")
    )
    assert "is inside the output folder" in one_sentence(result)


def test_masked_run_keeps_no_key_no_map_and_coarsens_ages(extract, tmp_path, key_file, monkeypatch):
    """With a key file outside --out: the key is in no file, the database keeps no key and no
    id map after the run, and the exports carry age bands instead of exact ages in days."""
    monkeypatch.delenv("INO_AUDIT_MASK_KEY", raising=False)
    out = tmp_path / "out"
    # An infant (211 days) with no pathway: INO-IA2-NONE quotes the age in days.
    members = Path(extract["members"])
    members.write_text(members.read_text().replace("2024-03-01", "2023-08-04", 1))
    reconciles(audit_folder(extract, out, mask_members=True, mask_key_file=key_file))
    assert files_holding(out, (MASK_KEY,)) == []
    con = duckdb.connect(str(out / "ino_audit.duckdb"), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    finally:
        con.close()
    assert not tables & {"mask_key", "member_masks"}
    findings = read_csv(out / "findings.csv")
    evidence = [json.loads(f["evidence"]) for f in findings]
    assert not [e for e in evidence if "age_days" in e]
    assert any(e.get("age_band") for e in evidence)
    assert not [f for f in findings if " days" in f["message"] and "age" in f["message"]]
    leaks = [
        p.name for p in export_files(out) if any(n.encode() in p.read_bytes() for n in PHI[:1])
    ]
    assert leaks == []


# ------------------------------------------------------------------ 9. owner-only permissions


def test_outputs_and_database_are_owner_only(extract, tmp_path):
    """Every file the run creates is 0600, every folder 0700 (umask 077 for the run), and the
    process umask is restored after it."""
    before = os.umask(0o022)
    try:
        out = audit_folder(extract, tmp_path / "out")
        assert os.umask(0o022) == 0o022
        reconciles(out)
    finally:
        os.umask(before)
    paths = [out, *out.rglob("*")]
    assert (out / "ino_audit.duckdb").exists() and (out / "validation").is_dir()
    modes = {str(p.relative_to(tmp_path)): stat.S_IMODE(p.stat().st_mode) for p in paths}
    wrong = {
        p: oct(m) for p, m in modes.items() if m != (0o700 if Path(tmp_path, p).is_dir() else 0o600)
    }
    assert wrong == {}


# ------------------------------------------------------------------ 10. formulas in CSV


def test_csv_for_people_neutralises_formulas_parquet_stays_exact(extract, tmp_path):
    """Text cells starting with =, +, -, @ get an apostrophe in the CSV files; numbers (also
    negative ones) stay numbers, the columns stay the contract's, Parquet keeps exact ids."""
    out = audit_folder(extract, tmp_path / "out")
    reconciles(out)
    dets = {d["claim_id"]: d for d in read_csv(out / "determinations.csv")}
    assert list(next(iter(dets.values()))) == [
        "claim_id",
        "member_id",
        "determination",
        "rule_ids",
        "paid_amount",
        "amount_at_risk",
    ]
    assert set(dets) == {"'" + FORMULA_CLAIM, "-12", "C-3"}  # -12 is a plain number
    assert dets["'" + FORMULA_CLAIM]["member_id"] == "'@PHI-MEMBER-1"
    assert dets["-12"]["member_id"] == "'-PHI-MEMBER-2"
    assert all(d["paid_amount"] == "1000.00" for d in dets.values())
    for name in ("determinations.csv", "findings.csv", "quarantine.csv", "dq_findings.csv"):
        for row in read_csv(out / name):
            for value in row.values():
                starts = value[:1] in ("=", "+", "-", "@", "\t", "\r")
                assert not starts or value.lstrip("+-").replace(".", "", 1).isdigit(), (name, value)
    exact = duckdb.sql(f"select claim_id, member_id from '{out}/determinations.parquet'").fetchall()
    assert (FORMULA_CLAIM, "@PHI-MEMBER-1") in exact


# ------------------------------------------------------------------ 12. one run per --out, links


def test_second_run_into_the_same_out_is_refused(extract, tmp_path):
    """While a run holds --out, another run into it (even with another --db) is refused."""
    from ino_audit.infra import safe_io
    from tests.conftest import run_cli

    out = tmp_path / "out"
    with safe_io.lock_folder(out):
        result = run_cli("audit", extract, out, "--db", str(tmp_path / "other.duckdb"))
    text = one_sentence(result)
    assert f"The output folder {out} is in use by another run" in text
    assert not (out / "determinations.csv").exists()


def test_outputs_never_follow_planted_links(extract, tmp_path):
    """Symlinks planted in --out under output names are replaced, never written through."""
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir(parents=True)
    out.mkdir()
    victims = {}
    for name in (
        "determinations.csv",
        "findings.parquet",
        "summary.json",
        "report.html",
        "cases.xlsx",
        "quarantine.csv",
        "dq_findings.csv",
    ):
        victim = outside / name
        victim.write_text("precious")
        (out / name).symlink_to(victim)
        victims[name] = victim
    (out / "validation").symlink_to(outside, target_is_directory=True)
    reconciles(audit_folder(extract, out))
    assert all(v.read_text() == "precious" for v in victims.values())
    assert sorted(p.name for p in outside.iterdir()) == sorted(victims)
    for name in victims:
        assert (out / name).is_file() and not (out / name).is_symlink(), name
    assert (out / "validation").is_dir() and not (out / "validation").is_symlink()


# ------------------------------------------------------------------ 13. a frozen helper


def test_frozen_helper_does_not_hang_the_audit(extract, tmp_path, monkeypatch, caplog):
    """SIGSTOP the helper: the wait ends after INO_AUDIT_HELPER_TIMEOUT, the helper is killed,
    the work finishes in-process (a line in the log says so) with the same outputs."""
    from ino_audit.infra import workers

    plain = audit_folder(extract, tmp_path / "plain", run_id="same")
    helper = workers.call(os.getpid)
    assert helper != os.getpid()
    os.kill(helper, signal.SIGSTOP)
    monkeypatch.setenv("INO_AUDIT_HELPER_TIMEOUT", "2")
    done: list[Path] = []
    try:
        worker = threading.Thread(
            target=lambda: done.append(audit_folder(extract, tmp_path / "frozen", run_id="same"))
        )
        worker.start()
        worker.join(timeout=120)
        assert done, "the audit still waits for a frozen helper"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(helper, signal.SIGKILL)
    assert "did not answer within 2 s" in caplog.text
    reconciles(done[0])
    for name in ("determinations.csv", "findings.csv", "quarantine.csv", "dq_findings.csv"):
        assert (done[0] / name).read_bytes() == (plain / name).read_bytes(), name


# ------------------------------------------------------------------ 6. kill -9: no PHI in temp


def start_audit(paths: dict[str, str], out: Path, tmpdir: Path) -> subprocess.Popen:
    """Start `ino-audit audit` in its own process with its own system temp folder."""
    return cli(*audit_args(paths, out), TMPDIR=str(tmpdir))


def kill_when(proc: subprocess.Popen, seen, limit: float = 120) -> int:
    """SIGKILL the process as soon as `seen()` is true; return its exit status (-9: killed)."""
    deadline = time.monotonic() + limit
    while proc.poll() is None and not seen() and time.monotonic() < deadline:
        time.sleep(0.02)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    time.sleep(1.5)  # the helper follows its killed parent within 0.5 s
    return proc.returncode


KILL_POINTS = {
    # the helper's frames (member ids, birth dates) are written, wherever they are
    "frames": lambda out, tmp: any(out.glob("*.frames/*/*.parquet")) or any(tmp.rglob("*.parquet")),
    # the workbook is being drafted (xlsxwriter's temporary files hold its cells)
    "workbook": lambda out, tmp: (out / ".ino-audit-work").exists() or any(tmp.glob("tmp*")),
    # the outputs are being written
    "outputs": lambda out, tmp: (out / "determinations.csv").exists(),
}


def test_kill_9_leaves_no_phi_in_the_system_temp_folder(tmp_path):
    """kill -9 the audit at several points: the system temp folder holds no PHI (the frames live
    beside the database); a rerun removes what the killed run left and gives the same outputs."""
    extract = write_extract(tmp_path / "in")
    tmpdir = tmp_path / "system-tmp"
    tmpdir.mkdir()
    out = tmp_path / "out"
    killed = []
    for point, seen in KILL_POINTS.items():
        status = kill_when(start_audit(extract, out, tmpdir), lambda seen=seen: seen(out, tmpdir))
        killed += [point] if status == -signal.SIGKILL else []
        assert files_holding(tmpdir, PHI[:1]) == [], point
        assert not list(tmpdir.rglob("*.parquet")), point
    assert len(killed) >= 2, killed  # the points were reached while the run was alive
    # What a kill inside a write leaves: ours, and DuckDB's own tmp_ file of a COPY.
    for stale in ("tmp_.findings.csv.x1.ino-audit-tmp", ".summary.json.x2.ino-audit-tmp"):
        (out / stale).write_text("PHI-MEMBER-1")
    rerun = start_audit(extract, out, tmpdir)
    rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    reconciles(out)
    assert files_holding(tmpdir, PHI[:1]) == []
    assert not list(out.glob("ino_audit.duckdb.frames/*"))
    assert not (out / ".ino-audit-work").exists() and not list(out.rglob("*.ino-audit-tmp*"))
    clean = audit_folder(extract, tmp_path / "clean")
    for name in ("determinations.csv", "quarantine.csv", "dq_findings.csv"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-abc", "'-abc"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-150.00", "-150.00"),
        ("+1.5e-3", "+1.5e-3"),
        ("/data/claims.csv", "/data/claims.csv"),
        ("C-1", "C-1"),
        (None, None),
    ],
)
def test_formula_guard(value, written):
    """The guard prefixes formula-looking text only; plain numbers and other text pass."""
    from ino_audit.infra import safe_io

    con = duckdb.connect()
    con.execute(safe_io.formula_safe_sql())
    assert con.execute("select formula_safe(?)", [value]).fetchone()[0] == written


# ------------------------------------------------------------------ 7, 11. the Prefect flow


@pytest.fixture(scope="module")
def prefect_server():
    """Run Prefect's temporary local server for this module (offline, no account)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def test_partition_inputs_are_removed_after_merge_and_on_failure(
    prefect_server, extract, tmp_path, monkeypatch
):
    """<out>/partitions (raw ids and birth dates in Parquet) is gone after a partitioned run,
    and after one whose merge fails; the partitioned outputs equal the single-process ones."""
    from flows.audit_claims import audit_claims
    from ino_audit.engine import partition

    args = (extract["claims"], extract["encounters"], extract["members"])
    single = audit_folder(extract, tmp_path / "single", run_id="same")
    audit_claims(*args, str(tmp_path / "parts"), run_id="same", partitions=2)
    assert not (tmp_path / "parts" / "partitions").exists()
    reconciles(tmp_path / "parts")
    for name in ("determinations.csv", "findings.csv", "quarantine.csv"):
        assert (tmp_path / "parts" / name).read_bytes() == (single / name).read_bytes(), name

    def merge_fails(*_args):
        raise RuntimeError("merge failed")

    monkeypatch.setattr(partition, "merge", merge_fails)
    with pytest.raises(Exception, match="merge"):
        audit_claims(*args, str(tmp_path / "failed"), partitions=2)
    assert not (tmp_path / "failed" / "partitions").exists()
    assert files_holding(tmp_path / "failed", PHI[:1]) in ([], ["ino_audit.duckdb"])


def test_prefect_states_keep_only_error_type_and_step(
    prefect_server, extract, tmp_path, monkeypatch
):
    """An unexpected error's text (which may quote PHI) reaches no Prefect state or log: only
    its type and the step do."""
    import asyncio

    from prefect.client.orchestration import get_client

    from flows import audit_claims as flow_module
    from flows import steps

    secret = "PHI-MEMBER-9 was born on 2024-03-01"

    def ingest(_session):
        raise ValueError(secret)

    stages = [
        (label, ingest if fn.__name__ == "ingest" else fn) for label, fn in flow_module.STAGES
    ]
    monkeypatch.setattr(flow_module, "STAGES", stages)  # the flow's order of stages
    monkeypatch.setattr(steps, "STAGES", stages)  # the stage task finds its function here
    with pytest.raises(Exception) as raised:
        flow_module.audit_claims(
            extract["claims"], extract["encounters"], extract["members"], str(tmp_path / "out")
        )
    assert str(raised.value) == "The ingest step stopped unexpectedly (ValueError)."

    async def states_and_logs() -> list[str]:
        async with get_client() as client:
            runs = [*await client.read_flow_runs(), *await client.read_task_runs()]
            logs = await client.read_logs()
        return [r.state.message or "" for r in runs if r.state] + [log.message for log in logs]

    texts = asyncio.run(states_and_logs())
    leaked = [t for t in texts if "PHI-MEMBER" in t or "2024-03-01" in t]
    assert leaked == [], "\n---\n".join(leaked)
    assert any("The ingest step stopped unexpectedly (ValueError)" in t for t in texts)

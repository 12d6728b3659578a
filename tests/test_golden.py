"""Golden outputs: a refactor must leave every file the audit writes unchanged.

Two cases are audited through the public command line only (the `ino-audit` console script,
run in a subprocess; no ino_audit module is imported here, so the test survives modules moving):

- `data_samples`: the committed sample extract (claims.csv, encounters.csv, members.csv);
- `generated_200k`: `ino-audit generate --claim-lines 200000 --format parquet --seed 11`.

Every file of the output folder is normalised (below), hashed (sha256) and compared with the
committed digests in tests/golden/<case>.json ({file: sha256}). Only what belongs to the run,
not to the data, is removed: the run id, timestamps of the run, timings/profile/memory figures
and the temporary folder's path. Everything else counts. By file (every text also loses the run
id, timestamps inside the run's time window and the temporary folder's path):

- inputs (data_samples/*.csv, extract/*): their bytes;
- determinations.csv, findings.csv, quarantine.csv, dq_findings.csv, report.html (inline SVG
  charts included: matplotlib writes them without a date) and the empty .ino-audit.lock: bytes;
- determinations.parquet, findings.parquet: schema and every row in file order (DuckDB);
- cases.xlsx: every sheet's name and cell values, hidden sheets included (openpyxl);
- summary.json, validation/*.json: parsed, RUN_KEYS and random UUID ids dropped, keys sorted;
- doubles (xlsx, Parquet, JSON) to 12 significant digits.

The clock of the audit process is pinned to PINNED_NOW (time-machine, ticking from there): the
audit reads today's date for the recovery look-back (date.today() -> the Cases sheet's
"Lookback status", the report's review cards and "As of" date), so without the pin the digests
would change as claims age out of their look-back window, not only when the code changes.
PREFECT_API_URL is removed so the CLI runs in-process (not the Prefect flow) and TZ is UTC.

When an output change is intended, rewrite the digests from a fresh run and commit them:

    python tests/golden/update.py                  # both cases
    python tests/golden/update.py data_samples     # one case

A failure lists the files that differ and keeps the normalised form of every file in the
test's temporary folder (`normalised/`), so it can be diffed against a run of the old code:
`python tests/golden/update.py --check --dump DIR` writes them without touching the digests.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
PINNED_NOW = "2026-06-01T12:00:00+00:00"  # mid-day UTC: the same date in every time zone
SAMPLE_FILES = ("claims.csv", "encounters.csv", "members.csv")
GENERATE = ("generate", "--claim-lines", "200000", "--out", "extract", "--format", "parquet")
GENERATE_SEED = ("--seed", "11")

# Not compared (each is listed here so that any other file in the output folder counts):
# - ino_audit.duckdb: the working database (pages, catalog and load timestamps vary by run);
#   what it holds reaches the exports compared here.
# - validation/data_docs/: Great Expectations' HTML Data Docs, rendered from the same results
#   as validation/*.json (compared) and filed under folders named by run id and wall time.
SKIPPED = (re.compile(r"ino_audit\.duckdb(\.wal)?"), re.compile(r"validation/data_docs/.*"))

# JSON keys that belong to the run, not to the data: timings, profile, peak memory, run ids
# and Great Expectations' validation ids and timestamps.
RUN_KEYS = frozenset(
    {
        "run_id",
        "timings_seconds",
        "profile_seconds",
        "process_peak_mib",
        "helper_peak_mib",
        "check_seconds",
        "validation_id",
        "ge_load_time",
        "run_time",
        "validation_time",
    }
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Timestamps as the outputs write them: 2026-06-01 12:00:07, 2026-06-01T12:00:07.123456+00:00,
# 20260601T120007.123456Z. Only those inside the run's time window are replaced.
TIMESTAMP = re.compile(
    r"(?P<iso>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})?)"
    r"|(?P<compact>\d{8}T\d{6}(?:\.\d{1,6})?Z)"
)

# The audit's process runs the installed console script with its clock pinned. `-c`: a spawned
# helper process (the audit's GX/chart helper) does not run this again.
HARNESS = """
import sys
from importlib.metadata import entry_points

import time_machine

if __name__ == "__main__":
    (script,) = entry_points(group="console_scripts", name="ino-audit")
    pinned, args = sys.argv[1], sys.argv[2:]
    with time_machine.travel(pinned, tick=True):
        script.load()(args, prog_name="ino-audit")
"""


@dataclass
class Run:
    """One case run: its folder, the audit's output folder and what identifies the run."""

    folder: Path
    out: Path
    inputs: list[str]
    run_id: str
    windows: list[tuple[datetime, datetime]]  # the run's wall-clock spans: pinned and real


def ino_audit(folder: Path, *args: str) -> tuple[datetime, datetime]:
    """Run `ino-audit ARGS` in folder with the pinned clock; return its real start and end."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(TZ="UTC", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    start = datetime.now(UTC)
    done = subprocess.run(
        [sys.executable, "-c", HARNESS, PINNED_NOW, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    end = datetime.now(UTC)
    assert done.returncode == 0, f"ino-audit {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return start, end


def prepare_data_samples(folder: Path) -> list[str]:
    """Copy the committed sample into folder/data_samples; return its paths relative to folder."""
    (folder / "data_samples").mkdir()
    for name in SAMPLE_FILES:
        shutil.copyfile(ROOT / "data_samples" / name, folder / "data_samples" / name)
    return [f"data_samples/{name}" for name in SAMPLE_FILES]


def prepare_generated(folder: Path) -> list[str]:
    """Generate the 200,000-line Parquet extract in folder/extract; return its file paths."""
    ino_audit(folder, *GENERATE, *GENERATE_SEED)
    return sorted(str(p.relative_to(folder)) for p in (folder / "extract").iterdir())


CASES = {"data_samples": prepare_data_samples, "generated_200k": prepare_generated}


def run_case(case: str, folder: Path) -> Run:
    """Make the case's input in folder, audit it into folder/out; return the run.

    Paths are given relative to folder (the working directory), so the outputs name the input
    files as data_samples/claims.csv or extract/claims.parquet, never a temporary path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    inputs = CASES[case](folder)
    claims, encounters, members = (
        next(p for p in inputs if Path(p).stem == source)
        for source in ("claims", "encounters", "members")
    )
    args = ("--claims", claims, "--encounters", encounters, "--members", members)
    start, end = ino_audit(folder, "audit", *args, "--out", "out")
    pinned = datetime.fromisoformat(PINNED_NOW)
    margin = timedelta(seconds=2)
    windows = [(start - margin, end + margin), (pinned - margin, pinned + (end - start) + margin)]
    run_id = json.loads((folder / "out" / "summary.json").read_text())["run_id"]
    return Run(folder, folder / "out", inputs, run_id, windows)


# ---- normalisation --------------------------------------------------------------------------


def _instant(match: re.Match[str]) -> datetime | None:
    """Return the instant a timestamp match names (naive ones are UTC), or None."""
    text = match.group(0)
    try:
        if match.group("compact"):
            fmt = "%Y%m%dT%H%M%S.%fZ" if "." in text else "%Y%m%dT%H%M%SZ"
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def normalise_text(text: str, run: Run) -> str:
    """Remove the run id, timestamps inside the run's time window and the run's folder path."""
    text = text.replace(run.run_id, "<RUN_ID>")
    for folder in {str(run.folder), str(run.folder.resolve())}:
        text = text.replace(folder, "<TMP>")

    def stamp(match: re.Match[str]) -> str:
        at = _instant(match)
        if at is not None and any(lo <= at <= hi for lo, hi in run.windows):
            return "<RUN_TIME>"
        return match.group(0)

    return TIMESTAMP.sub(stamp, text)


def normalise_value(value: Any, run: Run) -> Any:
    """Return a cell or JSON value in a comparable, JSON-ready form.

    Doubles count to 12 significant digits: DuckDB's parallel avg() over doubles is not
    bit-reproducible (cases.xlsx, Providers, "Mean episode hours": 42.03335 in one run,
    42.03335000000001 in the next).
    """
    if isinstance(value, str):
        return normalise_text(value, run)
    if isinstance(value, float):
        return value if math.isnan(value) or math.isinf(value) else float(f"{value:.12g}")
    if isinstance(value, bool | int) or value is None:
        return value
    if isinstance(value, datetime | date):
        return normalise_text(value.isoformat(), run)
    if isinstance(value, dict):
        return {str(k): normalise_value(v, run) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise_value(v, run) for v in value]
    return normalise_text(str(value), run)  # Decimal, time, bytes, ...


def normalise_json(data: Any, run: Run) -> Any:
    """Drop the run's keys (RUN_KEYS, and `id` when it is a random UUID) at any depth."""
    if isinstance(data, dict):
        return {
            k: normalise_json(v, run)
            for k, v in data.items()
            if k not in RUN_KEYS and not (k == "id" and isinstance(v, str) and UUID.fullmatch(v))
        }
    if isinstance(data, list):
        return [normalise_json(v, run) for v in data]
    return normalise_value(data, run)


def lines(rows: Any) -> bytes:
    """Return rows as one JSON line each."""
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def normalise_parquet(path: Path, run: Run) -> bytes:
    """Return the schema and every row, in the order written, read with DuckDB."""
    import duckdb

    con = duckdb.connect()
    try:
        result = con.execute("select * from read_parquet(?)", [str(path)])
        header = [[d[0], str(d[1])] for d in result.description]
        out = [lines([header])]
        while batch := result.fetchmany(10_000):
            out.append(lines(normalise_value(list(r), run) for r in batch))
    finally:
        con.close()
    return b"".join(out)


def normalise_xlsx(path: Path, run: Run) -> bytes:
    """Return every sheet's name and cell values, in order (hidden sheets too)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        for ws in wb.worksheets:
            out.append(lines([["sheet", ws.title]]))
            out.append(lines(normalise_value(list(r), run) for r in ws.iter_rows(values_only=True)))
    finally:
        wb.close()
    return b"".join(out)


def normalise_file(path: Path, run: Run) -> bytes:
    """Return the normalised content of one file, by kind."""
    if path.suffix == ".parquet":
        return normalise_parquet(path, run)
    if path.suffix == ".xlsx":
        return normalise_xlsx(path, run)
    raw = path.read_bytes()
    if path.suffix == ".json":
        data = normalise_json(json.loads(raw), run)
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw  # a binary file: its bytes
    # CSV, HTML and other text: the bytes, less the run id, run timestamps and temp paths.
    # report.html: its charts are inline SVG written without a date (metadata stripped, fixed
    # hash salt), so they count byte for byte.
    return normalise_text(text, run).encode("utf-8")


def output_files(run: Run) -> list[str]:
    """Return every file of the output folder but SKIPPED, relative to the run's folder."""
    return sorted(
        str(p.relative_to(run.folder))
        for p in run.out.rglob("*")
        if p.is_file() and not any(s.fullmatch(str(p.relative_to(run.out))) for s in SKIPPED)
    )


def digests(run: Run, dump: Path | None = None) -> dict[str, str]:
    """Return {file: sha256 of its normalised form}; write the normalised forms under dump.

    Input files count by their bytes (summary.json records the same sha256): a change to the
    generator or to data_samples/ is then named as such, apart from its effect on the outputs.
    """
    found = {
        name: hashlib.sha256((run.folder / name).read_bytes()).hexdigest() for name in run.inputs
    }
    for name in output_files(run):
        content = normalise_file(run.folder / name, run)
        found[name] = hashlib.sha256(content).hexdigest()
        if dump is not None:
            target = dump / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return found


def golden_path(case: str) -> Path:
    """Return the committed digest file of a case."""
    return GOLDEN / f"{case}.json"


def write_golden(case: str, found: dict[str, str]) -> Path:
    """Write a case's digest file."""
    path = golden_path(case)
    path.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
    return path


def differences(expected: dict[str, str], found: dict[str, str]) -> list[str]:
    """Return one line per file that differs, is missing or is new."""
    out = []
    for name in sorted(expected.keys() | found.keys()):
        if name not in found:
            out.append(f"missing (no longer written): {name}")
        elif name not in expected:
            out.append(f"new (not in the digests): {name}")
        elif expected[name] != found[name]:
            out.append(f"differs: {name}")
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_outputs_match_golden_digests(case, tmp_path):
    """Every output file, normalised, hashes as recorded in tests/golden/<case>.json."""
    t = time.perf_counter()
    run = run_case(case, tmp_path / case)
    found = digests(run, dump=tmp_path / "normalised" / case)
    expected = json.loads(golden_path(case).read_text())
    diff = differences(expected, found)
    assert not diff, (
        f"{case}: {len(diff)} of {len(expected)} golden files changed "
        f"(run {time.perf_counter() - t:.0f}s):\n  "
        + "\n  ".join(diff)
        + f"\nNormalised files: {tmp_path / 'normalised' / case}. If the change is intended, "
        "run `python tests/golden/update.py` and commit tests/golden/."
    )

"""Benchmark ino-audit against two DuckDB floors and a row-wise pandas baseline.

    python bench/run.py --lines 1M,10M
    python bench/run.py --lines 100k,1M --compare-ref main --output /tmp/bench.md

One run, same generated files: for each size and format it times the whole `ino-audit audit`
process and the two floors of bench/floor.py over the same files (the scan floor: the distinct
iNO claim ids from the needed columns only; the wide floor: that plus every column of those
claims' lines, the encounters and the members, materialised), and at 1M lines a row-wise pandas
implementation of a few core rules. Every timing is a separate process measured with
/usr/bin/time (wall seconds and peak RSS); floors and audits alternate. Every audit writes into
a new temporary folder (its output and its database), removed once its figures are read: no
run reuses or resumes a database. Results are ratios against the floors measured in the same
run, written to --output (BENCHMARKS.md) with the machine described.

Before/after a change: `--compare-ref GITREF` extracts that commit (`git archive`, nothing is
checked out in the repository) and times its audit with this interpreter, alternating with this
checkout's; `--other-cli PYTHON` times `PYTHON -m ino_audit.cli` instead (another checkout's
venv, e.g. made with `git worktree add DIR REF && python -m venv DIR/.venv &&
DIR/.venv/bin/pip install -e DIR`), for a change of dependencies too. Both audits read the same
generated files and each is warmed up once (code-set cache) before the timed runs.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
FLOORS = ("scan", "wide")
SAMPLE = ROOT / "data_samples"


@dataclass
class Measure:
    """Wall time and peak memory of one process."""

    seconds: float
    peak_mib: float


@dataclass(frozen=True)
class Cli:
    """One ino-audit to time: its command, the folder it runs in and where its code is."""

    argv: tuple[str, ...]
    cwd: Path
    code: str = ""


@dataclass
class AuditRun:
    """One timed audit: its measure, its summary.json and its label agreement."""

    measure: Measure
    summary: dict
    agreement: float


def parse_size(text: str) -> int:
    """Parse 1M, 250k or 1000000 into a number of lines."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise SystemExit(f"not a size: {text}")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[m[2].lower()]
    return int(float(m[1]) * scale)


def label(n: int) -> str:
    """Return 1M / 250k style labels."""
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def timed(cmd: list[str], cwd: Path = ROOT) -> Measure:
    """Run a command under /usr/bin/time -v; return wall seconds and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = ["/usr/bin/time", "-v", "-o", t.name, *cmd]
        proc = subprocess.run(full, capture_output=True, text=True, cwd=cwd)
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
        text = Path(t.name).read_text()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)", text)
    assert wall, text
    seconds = int(wall[1] or 0) * 3600 + int(wall[2]) * 60 + float(wall[3])
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)[1]) / 1024
    return Measure(seconds, rss)


def median(runs: list[Measure]) -> Measure:
    """Return the median wall time and the largest peak memory of repeated runs."""
    return Measure(statistics.median(m.seconds for m in runs), max(m.peak_mib for m in runs))


def dataset(n: int, fmt: str, data_root: Path, seed: int) -> Path:
    """Generate (once) n claim lines in a format; return the folder."""
    folder = data_root.resolve() / f"{label(n)}-{fmt}-seed{seed}"
    if not (folder / "expected_determinations.csv").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(
            [
                PY,
                "-m",
                "ino_audit.cli",
                "generate",
                "--claim-lines",
                str(n),
                "--format",
                fmt,
                "--out",
                str(folder),
                "--seed",
                str(seed),
            ],
            check=True,
            cwd=ROOT,
        )
    return folder


def inputs(folder: Path, fmt: str) -> list[str]:
    """Return the audit's input options for a generated folder."""
    return [
        arg
        for s in ("claims", "encounters", "members")
        for arg in (f"--{s}", str(folder / f"{s}.{fmt}"))
    ]


def run_floor(floor: str, folder: Path, fmt: str) -> Measure:
    """Time one floor of bench/floor.py over a generated folder."""
    return timed([PY, str(BENCH / "floor.py"), floor, *inputs(folder, fmt)])


def run_audit(cli: Cli, folder: Path, fmt: str, work: Path, *extra: str) -> AuditRun:
    """Time one whole audit into a new folder (output and database), removed after."""
    run_dir = Path(tempfile.mkdtemp(prefix="audit-", dir=work))
    try:
        out = run_dir / "out"
        m = timed([*cli.argv, "audit", *inputs(folder, fmt), "--out", str(out), *extra], cli.cwd)
        summary = json.loads((out / "summary.json").read_text())
        return AuditRun(m, summary, agreement(folder, out))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def warm_up(cli: Cli, work: Path) -> None:
    """Audit the committed sample once, untimed, so that the code-set cache is filled."""
    run_audit(cli, SAMPLE, "csv", work)


def code_of(cli: Cli) -> str:
    """Return the folder of the ino_audit package a command imports."""
    probe = "import ino_audit, pathlib; print(pathlib.Path(ino_audit.__file__).resolve().parent)"
    proc = subprocess.run([cli.argv[0], "-c", probe], capture_output=True, text=True, cwd=cli.cwd)
    if proc.returncode != 0:
        raise SystemExit(f"{cli.argv[0]} cannot import ino_audit:\n{proc.stderr[-1000:]}")
    return proc.stdout.strip()


def git(*args: str) -> str:
    """Run git in this checkout; return its output."""
    proc = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def this_checkout() -> Cli:
    """Return this checkout's audit, described by its commit."""
    dirty = (
        " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    )
    return Cli(
        (PY, "-m", "ino_audit.cli"),
        ROOT,
        f"this checkout, {git('rev-parse', '--short', 'HEAD')}{dirty}",
    )


def ref_checkout(ref: str, work: Path) -> Cli:
    """Extract a commit into a temporary folder (git archive); return its audit."""
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    tree = (work / f"ref-{commit[:12]}").resolve()
    tree.mkdir()
    archive = subprocess.run(["git", "archive", commit], capture_output=True, cwd=ROOT, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    # `python -m` puts the working folder first on sys.path: the extracted package is imported.
    cli = Cli((PY, "-m", "ino_audit.cli"), tree, f"{ref} ({commit[:7]})")
    if Path(code_of(cli)) != tree / "ino_audit":
        raise SystemExit(f"{ref}: the extracted ino_audit is not the one imported")
    return cli


def other_python(python: str, work: Path) -> Cli:
    """Return the audit of another interpreter (another checkout's venv)."""
    neutral = work / "other-cwd"
    neutral.mkdir()
    # Absolute (it runs in another folder) but not resolved: a venv's python is a symlink.
    found = shutil.which(python)
    if found is None:
        raise SystemExit(f"{python} is not an executable")
    cli = Cli((os.path.abspath(found), "-m", "ino_audit.cli"), neutral)
    code = Path(code_of(cli)).parent
    commit = subprocess.run(
        ["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return Cli(cli.argv, neutral, f"{code}" + (f" ({commit})" if commit else ""))


def out_of_core(
    cli: Cli, n: int, memory_limit: str, data_root: Path, seed: int, work: Path
) -> list[str]:
    """Audit n Parquet lines once (under a DuckDB memory limit if given); return the section."""
    folder = dataset(n, "parquet", data_root, seed)
    extra = ("--memory-limit", memory_limit) if memory_limit else ()
    run = run_audit(cli, folder, "parquet", work, *extra)
    m, summary = run.measure, run.summary
    size = sum(f.stat().st_size for f in folder.glob("*.parquet")) / 2**30
    limit = f"`--memory-limit {memory_limit}`" if memory_limit else "DuckDB's default memory limit"
    return [
        "",
        f"## Scale: {label(n)} lines",
        "",
        f"`ino-audit audit` with {limit} on {label(n)} generated Parquet lines "
        f"({size:.1f} GiB of Parquet, {summary['ino_claims']:,} iNO claims): {m.seconds:.1f} s, "
        f"peak RSS {m.peak_mib:,.0f} MiB (audit process "
        f"{summary.get('process_peak_mib') or 0:,.0f} MiB, helper "
        f"{summary.get('helper_peak_mib') or 0:,.0f} MiB), label agreement "
        f"{run.agreement:.2%}. Phases over 1 s: "
        + ", ".join(
            f"{k} {v:.1f} s"
            for k, v in sorted(summary.get("profile_seconds", {}).items(), key=lambda x: -x[1])
            if v >= 1
        )
        + ". DuckDB spills what exceeds its limit to `<db>.tmp/` beside the database.",
    ]


PARTITIONED = "Prefect flow, `--partitions 2` (2 local Dask workers)"
PARTITION_PHASES = ("evaluate.split_partitions", "evaluate.partitions", "evaluate.merge_partitions")


def partitioned(cli: Cli, n: int, data_root: Path, seed: int, work: Path, repeat: int) -> list[str]:
    """Time the Prefect flow in one process and on 2 local Dask workers; return the section."""
    folder = dataset(n, "parquet", data_root, seed)
    variants = {
        "audit, no Prefect": (),
        "Prefect flow, one process": ("--prefect",),
        PARTITIONED: ("--prefect", "--partitions", "2"),
    }
    runs: dict[str, list[AuditRun]] = {k: [] for k in variants}
    for _ in range(repeat):
        for name, extra in variants.items():
            runs[name].append(run_audit(cli, folder, "parquet", work, *extra))
    lines = [
        "",
        f"## Partitioned evaluation: {label(n)} Parquet lines",
        "",
        "Each variant a fresh process, output folder and database; Prefect's temporary local "
        "server is started by each flow run (no `PREFECT_API_URL`), a cost the plain audit does "
        f"not pay. Median of {repeat}.",
        "",
        "| variant | wall s | ingest s | evaluate s | peak RSS MiB | agreement |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, rs in runs.items():
        m = median([r.measure for r in rs])
        agree = min(r.agreement for r in rs)
        stages = [
            statistics.median(r.summary["timings_seconds"].get(k, 0.0) for r in rs)
            for k in ("ingest", "evaluate")  # the summary is written before write ends
        ]
        lines.append(
            f"| {name} | {m.seconds:.1f} | "
            + " | ".join(f"{v:.1f}" for v in stages)
            + f" | {m.peak_mib:,.0f} | {agree:.2%} |"
        )
    parts = [r.summary.get("profile_seconds", {}) for r in runs[PARTITIONED]]
    lines += [
        "",
        "The partitioned evaluate column is the policy install, the split, the two "
        "`evaluate-partition` tasks (cluster start and the workers' first task included) and "
        "the merge: "
        + ", ".join(
            f"{k.removeprefix('evaluate.')} {statistics.median(p.get(k, 0.0) for p in parts):.1f} s"
            for k in PARTITION_PHASES
        )
        + " (medians).",
    ]
    return lines


def agreement(folder: Path, out: Path) -> float:
    """Return the share of claims whose determination and rule ids match the labels."""

    def rows(p: Path) -> dict[str, tuple[str, str]]:
        with open(p, newline="") as f:
            return {r["claim_id"]: (r["determination"], r["rule_ids"]) for r in csv.DictReader(f)}

    expected, got = rows(folder / "expected_determinations.csv"), rows(out / "determinations.csv")
    same = sum(1 for k, v in expected.items() if got.get(k) == v)
    return same / max(len(expected), len(got), 1)


def machine() -> str:
    """Describe the machine the run measured."""
    cpu = "unknown CPU"
    if Path("/proc/cpuinfo").exists():
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = m[1] if m else cpu
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import duckdb

    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )


def measure_size(n: int, fmt: str, args: argparse.Namespace, clis: list[Cli], work: Path) -> dict:
    """Time the floors and the audit(s) of one size and format, alternating; return a row."""
    folder = dataset(n, fmt, args.data, args.seed)
    floors: dict[str, list[Measure]] = {f: [] for f in FLOORS}
    audits: list[list[AuditRun]] = [[] for _ in clis]
    for i in range(args.repeat):
        # Floors and audits alternate, so a slow spell of the machine touches all alike; the
        # audits of two checkouts take turns going first.
        for floor in FLOORS:
            floors[floor].append(run_floor(floor, folder, fmt))
        order = list(range(len(clis)))
        for k in order if i % 2 == 0 else order[::-1]:
            audits[k].append(run_audit(clis[k], folder, fmt, work))
    runs = audits[0]
    audit, last = median([r.measure for r in runs]), runs[-1]
    scan, wide = median(floors["scan"]), median(floors["wide"])
    row = {
        "lines": n,
        "format": fmt,
        "scan": scan,
        "wide": wide,
        "audit": audit,
        "last_seconds": last.measure.seconds,  # the run whose profile is kept
        "ratio_scan": audit.seconds / scan.seconds,
        "ratio_wide": audit.seconds / wide.seconds,
        "agreement": min(r.agreement for r in runs),
        "steps": last.summary.get("timings_seconds", {}),
        "profile": last.summary.get("profile_seconds", {}),
        "helper_mib": last.summary.get("helper_peak_mib"),
        "process_mib": last.summary.get("process_peak_mib"),
        "ino_claims": last.summary["ino_claims"],
    }
    if len(clis) > 1:
        row["before"] = median([r.measure for r in audits[1]])
        row["before_agreement"] = min(r.agreement for r in audits[1])
    if n == parse_size(args.pandas_lines) and fmt == "parquet":
        row["pandas"] = timed([PY, str(BENCH / "pandas_baseline.py"), str(folder)])
    return row


def main() -> None:
    """Run the benchmark and write the report (BENCHMARKS.md by default)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", default="1M,10M", help="comma-separated sizes, e.g. 1M,10M")
    ap.add_argument("--formats", default="parquet,csv")
    ap.add_argument("--data", type=Path, default=BENCH / "data")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pandas-lines", default="1M", help="size for the row-wise baseline")
    ap.add_argument("--large", help="also audit this many Parquet lines once (peak RSS)")
    ap.add_argument("--memory-limit", default="", help="DuckDB memory limit for --large")
    ap.add_argument("--dask", help="also time the partitioned flow at this many Parquet lines")
    ap.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    ap.add_argument(
        "--repeat", type=int, default=1, help="runs of each floor and audit; the median counts"
    )
    other = ap.add_mutually_exclusive_group()
    other.add_argument(
        "--compare-ref", metavar="GITREF", help="also time the audit of this commit (before)"
    )
    other.add_argument(
        "--other-cli",
        metavar="PYTHON",
        help="also time `PYTHON -m ino_audit.cli` (before), e.g. another checkout's venv",
    )
    args = ap.parse_args()
    sizes = [parse_size(s) for s in args.lines.split(",")]
    work = Path(tempfile.mkdtemp(prefix="ino-bench-"))
    # Prefect's temporary server (the --dask section) keeps its database here, set up once.
    os.environ.setdefault("PREFECT_HOME", str(work / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    try:
        clis = [this_checkout()]
        if args.compare_ref:
            clis.append(ref_checkout(args.compare_ref, work))
        elif args.other_cli:
            clis.append(other_python(args.other_cli, work))
        for cli in clis:
            warm_up(cli, work)
        results: list[dict] = []
        for n in sizes:
            for fmt in args.formats.split(","):
                row = measure_size(n, fmt, args, clis, work)
                results.append(row)
                shown = {k: (v.__dict__ if isinstance(v, Measure) else v) for k, v in row.items()}
                print(json.dumps(shown), flush=True)
        text = report(results, machine(), " ".join(sys.argv[1:]), args.repeat, clis)
        if args.dask:
            run_audit(clis[0], SAMPLE, "csv", work, "--prefect")  # Prefect's first start-up
            section = partitioned(
                clis[0], parse_size(args.dask), args.data, args.seed, work, args.repeat
            )
            text += "\n".join(section) + "\n"
        if args.large:
            large = parse_size(args.large)
            section = out_of_core(clis[0], large, args.memory_limit, args.data, args.seed, work)
            text += "\n".join(section) + "\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.output.write_text(text)
    print(f"wrote {args.output}")


def report(
    results: list[dict],
    machine_text: str,
    argv: str,
    repeat: int = 1,
    clis: list[Cli] | None = None,
) -> str:
    """Render BENCHMARKS.md from the results of one run."""
    each = (
        f"each floor and audit time is the median of {repeat} runs, floors and audits alternating; "
        if repeat > 1
        else ""
    )
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {machine_text}.",
        "",
        f"Command: `python bench/run.py {argv}` (one run; every figure below comes from it; "
        f"{each}every process is timed by /usr/bin/time, whose peak RSS is that of the largest "
        "process, the audit's or its helper's; every audit writes into a new folder, its output "
        "and its database, removed after).",
        "",
        "The floors (bench/floor.py, each its own process, over the same files): the **scan "
        "floor** reads only `claim_id`, `hcpcs_code` and the procedure codes and keeps the "
        "distinct ids of the iNO claims (codes compared as the audit normalises them); the "
        "**wide floor** adds every column of every line of those claims (a second pass "
        "filtered by the ids), the encounters and the members, materialised in temporary "
        "tables: the least data any audit must touch.",
        "",
        "| lines | format | iNO claims | scan floor s | wide floor s | audit s "
        "| audit / scan floor | audit / wide floor | audit peak RSS MiB | label agreement |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {label(r['lines'])} | {r['format']} | {r['ino_claims']:,} "
            f"| {r['scan'].seconds:.2f} | {r['wide'].seconds:.2f} | {r['audit'].seconds:.2f} "
            f"| {r['ratio_scan']:.1f}x | {r['ratio_wide']:.1f}x | {r['audit'].peak_mib:,.0f} "
            f"| {r['agreement']:.2%} |"
        )
    for r in results:
        if "pandas" in r:
            p, steps = r["pandas"], r["steps"]
            engine = steps.get("ingest", 0) + steps.get("evaluate", 0)
            lines += [
                "",
                f"Row-wise pandas baseline (`DataFrame.apply` over claim lines and claims, five "
                f"rules) on {label(r['lines'])} Parquet lines: {p.seconds:.1f} s, peak "
                f"{p.peak_mib:,.0f} MiB. ino-audit on the same files:",
                "",
                "| what is compared | ino-audit s | baseline / ino-audit |",
                "|---|---:|---:|",
                f"| whole process: all 31 rules, GX suites, report.html, cases.xlsx, exports "
                f"| {r['audit'].seconds:.2f} | {p.seconds / r['audit'].seconds:.0f}x |",
                f"| the baseline's work: load every line, find the iNO claims, judge them "
                f"(ingest + evaluate stages) | {engine:.2f} "
                f"| {p.seconds / max(engine, 0.01):.0f}x |",
                f"| rule evaluation alone (evaluate stage) | {steps.get('evaluate', 0):.2f} "
                f"| {p.seconds / max(steps.get('evaluate', 0), 0.01):.0f}x |",
            ]
    by = {(r["lines"], r["format"]): r for r in results}
    sizes = sorted({r["lines"] for r in results})
    for small, big in itertools.pairwise(sizes):
        for fmt in sorted({r["format"] for r in results}):
            if (small, fmt) in by and (big, fmt) in by:
                t = by[(big, fmt)]["audit"].seconds / by[(small, fmt)]["audit"].seconds
                lines.append(
                    f"\nScaling ({fmt}): {big / small:.0f}x the lines took {t:.1f}x the time."
                )
    mem = [r for r in results if r.get("helper_mib") and r.get("process_mib")]
    if mem:
        lines += [
            "",
            "Peak memory of the two processes of an audit (from summary.json; the table's column",
            "is the larger of the two, as /usr/bin/time reports it; at most their sum is resident",
            "at once):",
            "",
            "| lines | format | audit process MiB | helper process MiB |",
            "|---:|---|---:|---:|",
        ]
        lines += [
            f"| {label(r['lines'])} | {r['format']} | {r['process_mib']:,.0f} "
            f"| {r['helper_mib']:,.0f} |"
            for r in mem
        ]
    if clis and len(clis) > 1:
        lines += before_after(results, clis)
    lines += ["", "## Where the time goes", "", "Seconds per audit stage (from summary.json):", ""]
    steps = sorted({s for r in results for s in r["steps"]})
    lines.append("| lines | format | " + " | ".join(steps) + " |")
    lines.append("|---:|---|" + "---:|" * len(steps))
    for r in results:
        cells = " | ".join(f"{r['steps'].get(s, 0):.2f}" for s in steps)
        lines.append(f"| {label(r['lines'])} | {r['format']} | {cells} |")
    lines += [
        "",
        "Inside the steps (summary.json `profile_seconds`: wall seconds of each phase of the",
        "audit's process; `ingest.second_pass` is part of `ingest.stage_claims`; the helper",
        "process's work shows only as the waits for it, `write.wait_quality` (Great Expectations,",
        "started by ingest, runs beside the rules) and `write.data_docs_wait`):",
        "",
    ]
    phases = sorted({k for r in results for k in r["profile"]}, key=_phase_order(results))
    lines.append("| phase | " + " | ".join(f"{label(r['lines'])} {r['format']}" for r in results))
    lines[-1] += " |"
    lines.append("|---|" + "---:|" * len(results))
    for ph in phases:
        cells = " | ".join(f"{r['profile'].get(ph, 0):.2f}" for r in results)
        lines.append(f"| {ph} | {cells} |")
    return "\n".join(lines + remaining_time(results)) + "\n"


def before_after(results: list[dict], clis: list[Cli]) -> list[str]:
    """Render the before/after table: the other checkout's audit against this one's."""
    out = [
        "",
        "## Before/after",
        "",
        f"Before: {clis[1].code}. After: {clis[0].code}. Same generated files, runs "
        "alternating (each audit warmed up once, untimed, before the timed runs).",
        "",
        "| lines | format | before s | after s | after / before | before / wide floor "
        "| after / wide floor | label agreement before | label agreement after |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        b, a, w = r["before"].seconds, r["audit"].seconds, r["wide"].seconds
        out.append(
            f"| {label(r['lines'])} | {r['format']} | {b:.2f} | {a:.2f} | {a / b:.2f}x "
            f"| {b / w:.1f}x | {a / w:.1f}x | {r['before_agreement']:.2%} "
            f"| {r['agreement']:.2%} |"
        )
    return out


NESTED = {"ingest.first_pass", "ingest.second_pass", "ingest.hash_wait"}  # inside another phase


def remaining_time(results: list[dict]) -> list[str]:
    """Describe the largest phases of the largest Parquet run, as shares of its wall time."""
    runs = [r for r in results if r["format"] == "parquet"] or results
    r = max(runs, key=lambda x: x["lines"])
    wall = r.get("last_seconds", r["audit"].seconds)
    top = sorted(
        ((k, v) for k, v in r["profile"].items() if k not in NESTED), key=lambda kv: -kv[1]
    )[:6]
    timed_total = sum(v for k, v in r["profile"].items() if k not in NESTED)
    out = [
        "",
        f"Where the remaining time goes at {label(r['lines'])} {r['format']} lines (the last "
        f"of its runs, whose profile is above: {wall:.1f} s wall; scan floor "
        f"{r['scan'].seconds:.2f} s, wide floor {r['wide'].seconds:.2f} s):",
        "",
    ]
    out += [f"- `{k}`: {v:.2f} s ({v / wall:.0%})" for k, v in top]
    out.append(
        f"- outside any timed phase (interpreter start and imports, code sets and the policy, "
        f"glue between phases, exit): {max(wall - timed_total, 0):.2f} s"
    )
    return out


def _phase_order(results: list[dict]):
    """Return a sort key keeping the phases in the order the largest run recorded them."""
    order = {k: i for i, k in enumerate(max(results, key=lambda r: r["lines"])["profile"])}
    return lambda k: order.get(k, len(order))


if __name__ == "__main__":
    main()

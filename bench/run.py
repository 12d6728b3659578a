"""Benchmark ino-audit against the floor (a bare DuckDB scan) and a row-wise pandas baseline.

    python bench/run.py --lines 1M,10M

One run, same generated files: for each size it times the whole `ino-audit audit` process on
Parquet and CSV, a bare DuckDB scan that reads the same files and keeps the iNO lines, and (at
1 M lines) a row-wise pandas implementation of a few core rules. Every timing is a separate
process measured with /usr/bin/time (wall seconds and peak RSS). Results are ratios against
the baseline measured in the same run, written to BENCHMARKS.md with the machine described.
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
CLI = [PY, "-m", "ino_audit.cli"]


@dataclass
class Measure:
    """Wall time and peak memory of one process."""

    seconds: float
    peak_mib: float


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


def timed(cmd: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run a command under /usr/bin/time -v; return wall seconds and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = ["/usr/bin/time", "-v", "-o", t.name, *cmd]
        proc = subprocess.run(full, capture_output=True, text=True, env=env, cwd=ROOT)
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
    folder = data_root / f"{label(n)}-{fmt}-seed{seed}"
    if not (folder / "expected_determinations.csv").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(
            [
                *CLI,
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


def run_audit(folder: Path, fmt: str, out: Path, *extra: str) -> Measure:
    """Time the whole `ino-audit audit` process into a fresh output folder."""
    shutil.rmtree(out, ignore_errors=True)
    return timed([*CLI, "audit", *inputs(folder, fmt), "--out", str(out), *extra])


def out_of_core(n: int, memory_limit: str, data_root: Path, seed: int, work: Path) -> list[str]:
    """Audit n Parquet lines once under a DuckDB memory limit; return the report's section."""
    folder = dataset(n, "parquet", data_root, seed)
    out = work / f"{label(n)}-parquet-limited"
    m = run_audit(folder, "parquet", out, "--memory-limit", memory_limit)
    summary = json.loads((out / "summary.json").read_text())
    size = sum(f.stat().st_size for f in folder.glob("*.parquet")) / 2**30
    return [
        "",
        f"## Out of core: {label(n)} lines",
        "",
        f"`ino-audit audit --memory-limit {memory_limit}` on {label(n)} generated Parquet lines "
        f"({size:.1f} GiB of Parquet, {summary['ino_claims']:,} iNO claims): {m.seconds:.1f} s, "
        f"peak RSS {m.peak_mib:,.0f} MiB (audit process "
        f"{summary.get('process_peak_mib') or 0:,.0f} MiB, helper "
        f"{summary.get('helper_peak_mib') or 0:,.0f} MiB), label agreement "
        f"{agreement(folder, out):.2%}. DuckDB spills what exceeds the limit to "
        "`<db>.tmp/` beside the database.",
    ]


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


def main() -> None:
    """Run the benchmark and write BENCHMARKS.md."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", default="1M,10M", help="comma-separated sizes, e.g. 1M,10M")
    ap.add_argument("--formats", default="parquet,csv")
    ap.add_argument("--data", type=Path, default=BENCH / "data")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pandas-lines", default="1M", help="size for the row-wise baseline")
    ap.add_argument("--large", help="also audit this many Parquet lines under --memory-limit")
    ap.add_argument("--memory-limit", default="3GB", help="DuckDB memory limit for --large")
    ap.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    ap.add_argument(
        "--repeat", type=int, default=1, help="runs of each scan and audit; the median counts"
    )
    args = ap.parse_args()
    sizes = [parse_size(s) for s in args.lines.split(",")]
    formats = args.formats.split(",")
    pandas_n = parse_size(args.pandas_lines)
    results: list[dict] = []
    work = Path(tempfile.mkdtemp(prefix="ino-bench-"))
    for n in sizes:
        for fmt in formats:
            folder = dataset(n, fmt, args.data, args.seed)
            scan_cmd = [PY, str(BENCH / "bare_scan.py"), *inputs(folder, fmt)]
            out = work / f"{label(n)}-{fmt}"
            # Scan and audit alternate, so a slow spell of the machine touches both alike.
            floor_runs, audit_runs = [], []
            for _ in range(args.repeat):
                floor_runs.append(timed(scan_cmd))
                audit_runs.append(run_audit(folder, fmt, out))
            floor, audit = median(floor_runs), median(audit_runs)
            summary = json.loads((out / "summary.json").read_text())
            row = {
                "lines": n,
                "format": fmt,
                "scan": floor,
                "audit": audit,
                "last_seconds": audit_runs[-1].seconds,  # the run whose profile is kept
                "ratio": audit.seconds / floor.seconds,
                "agreement": agreement(folder, out),
                "steps": summary.get("timings_seconds", {}),
                "profile": summary.get("profile_seconds", {}),
                "helper_mib": summary.get("helper_peak_mib"),
                "process_mib": summary.get("process_peak_mib"),
                "ino_claims": summary["ino_claims"],
            }
            if n == pandas_n and fmt == "parquet":
                row["pandas"] = timed([PY, str(BENCH / "pandas_baseline.py"), str(folder)])
            results.append(row)
            print(
                json.dumps(
                    {k: (v.__dict__ if isinstance(v, Measure) else v) for k, v in row.items()}
                ),
                flush=True,
            )
    text = report(results, machine(), " ".join(sys.argv[1:]), args.repeat)
    if args.large:
        large = parse_size(args.large)
        text += "\n".join(out_of_core(large, args.memory_limit, args.data, args.seed, work)) + "\n"
    args.output.write_text(text)
    print(f"wrote {args.output}")


def report(results: list[dict], machine_text: str, argv: str, repeat: int = 1) -> str:
    """Render BENCHMARKS.md from the results of one run."""
    each = (
        f"each scan and audit time is the median of {repeat} runs, scan and audit alternating; "
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
        "process, the audit's or its helper's).",
        "",
        "| lines | format | iNO claims | bare scan s | audit s | audit / scan | audit peak RSS MiB"
        " | label agreement |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {label(r['lines'])} | {r['format']} | {r['ino_claims']:,} | {r['scan'].seconds:.1f}"
            f" | {r['audit'].seconds:.1f} | {r['ratio']:.2f}x | {r['audit'].peak_mib:,.0f}"
            f" | {r['agreement']:.2%} |"
        )
    for r in results:
        if "pandas" in r:
            p, steps = r["pandas"], r["steps"]
            engine = steps.get("load", 0) + steps.get("evaluate", 0)
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
                f"(load + evaluate steps) | {engine:.2f} | {p.seconds / max(engine, 0.01):.0f}x |",
                f"| rule evaluation alone (evaluate step) | {steps.get('evaluate', 0):.2f} "
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
    lines += ["", "## Where the time goes", "", "Seconds per audit step (from summary.json):", ""]
    steps = sorted({s for r in results for s in r["steps"]})
    lines.append("| lines | format | " + " | ".join(steps) + " |")
    lines.append("|---:|---|" + "---:|" * len(steps))
    for r in results:
        cells = " | ".join(f"{r['steps'].get(s, 0):.2f}" for s in steps)
        lines.append(f"| {label(r['lines'])} | {r['format']} | {cells} |")
    lines += [
        "",
        "Inside the steps (summary.json `profile_seconds`: wall seconds of each phase of the",
        "audit's process; `load.second_pass` is part of `load.stage_claims`; the helper process's",
        "work shows only as the waits for it, `validate.wait_helper` and",
        "`validate.data_docs_wait`, because it runs beside the load, the rules and the workbook):",
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


NESTED = {"load.second_pass"}  # phases timed inside another phase


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
        f"of its runs, whose profile is above: {wall:.1f} s wall; bare scan "
        f"{r['scan'].seconds:.1f} s):",
        "",
    ]
    out += [f"- `{k}`: {v:.2f} s ({v / wall:.0%})" for k, v in top]
    steps = r["steps"]
    hashing = steps.get("fingerprint", 0) + steps.get("prepare", 0)
    out.append(f"- hashing the inputs and installing code sets and the policy: {hashing:.2f} s")
    out.append(
        f"- outside any timed phase (interpreter start and imports, writing the summary and the "
        f"results files, glue between phases, exit): {max(wall - timed_total - hashing, 0):.2f} s"
    )
    return out


def _phase_order(results: list[dict]):
    """Return a sort key keeping the phases in the order the largest run recorded them."""
    order = {k: i for i, k in enumerate(max(results, key=lambda r: r["lines"])["profile"])}
    return lambda k: order.get(k, len(order))


if __name__ == "__main__":
    main()

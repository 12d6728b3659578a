"""Synthetic claims, encounters and members for ino-audit, with expected determinations.

Design:
- Set-based. Every row comes from DuckDB SQL in ``sql/generate/``: numbered build steps make
  temp tables, then one ``out_*.sql`` query per file, written with COPY. Python only runs the
  steps; nothing loops per row or per claim. Randomness is ``hash(seed, key, salt)``, so the same
  seed always gives the same files.
- iNO claims (about 1 % of claims) come from a scenario catalog in ``sql/generate/seeds/``. Each
  scenario has a weight, course templates (the encounters) and claim templates, and each claim
  template carries its expected determination and rule ids. The labels therefore come from how
  the data was built, not from running the rules. Once a run has at least 40 lines per scenario,
  every scenario appears at least once; the remaining cases are drawn by weight. Every criterion
  a scenario does not target passes with a margin, so the labels are exact.
- Ordinary claims fill the run to exactly ``claim_lines`` lines. Lines come in blocks of 12,
  and each block is split into claims by a drawn size pattern; the iNO claims are spread over
  the blocks. Every field is a function of the claim number, and the blocks are staged in claim
  order, so 10 M lines stream through one COPY in claim order (no sort, no join per line) within
  a memory limit of 1 GB per 20 M lines (the build steps' tables grow with the claims).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import duckdb

from ino_audit.infra import paths

SQL_DIR = paths.SQL_DIR / "generate"
SEED_DIR = SQL_DIR / "seeds"
OUTPUTS = ("claims", "encounters", "members")
FORMATS = {
    "csv": (
        "csv",
        "format csv, header true, dateformat '%Y-%m-%d', timestampformat '%Y-%m-%dT%H:%M:%S'",
    ),
    "parquet": ("parquet", "format parquet, compression zstd"),
}
# member ids have 7 digits (about 1 member per 18 claim lines)
MAX_CLAIM_LINES = 100_000_000
THREADS = 2
# DuckDB memory for the build steps: 1 GB per 20 M lines, at least 1 GB (100 M lines: 5 GB).
LINES_PER_GB = 20_000_000
# gen_stream rows (blocks of 12 lines) per staged row group: the unit COPY keeps in order
STREAM_ROW_GROUP = 2048
_PARAMETER = re.compile(r"\$([a-z_]+)")
_STATEMENT_END = re.compile(r";[ \t]*$", re.MULTILINE)


def generate(out_dir: Path, claim_lines: int, fmt: str = "csv", seed: int = 7) -> dict[str, int]:
    """Write claims, encounters, members and expected_determinations.csv; return row counts."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not 1 <= claim_lines <= MAX_CLAIM_LINES:
        raise ValueError(
            f"claim_lines must be between 1 and {MAX_CLAIM_LINES:,}, not {claim_lines}"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ext, options = FORMATS[fmt]
    with tempfile.TemporaryDirectory(prefix="ino-generate-") as spill:
        params = {
            "seed": int(seed),
            "n": int(claim_lines),
            "seed_dir": str(SEED_DIR),
            "stream_path": str(Path(spill) / "stream.parquet"),
        }
        con = _connect(Path(spill), f"{max(1, -(-claim_lines // LINES_PER_GB))}GB")
        try:
            for step in sorted(SQL_DIR.glob("[0-9][0-9]_*.sql")):
                for statement in _statements(step.read_text()):
                    _execute(con, statement, params)
            _stage_stream(con, str(params["stream_path"]))
            for name in OUTPUTS:
                _copy(con, f"out_{name}.sql", out_dir / f"{name}.{ext}", options, params)
            _copy(
                con,
                "out_expected.sql",
                out_dir / "expected_determinations.csv",
                FORMATS["csv"][1],
                params,
            )
            return _counts(con)
        finally:
            con.close()


def _connect(spill_dir: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB with bounded threads, memory and a private spill folder."""
    con = duckdb.connect(
        config={
            "threads": THREADS,
            "memory_limit": memory_limit,
            "temp_directory": str(spill_dir),
            "preserve_insertion_order": True,
        }
    )
    con.execute("set enable_progress_bar = false")
    return con


def _stage_stream(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """Stage gen_stream as Parquet in small row groups, the source of out_claims.sql."""
    # An ordered COPY buffers whole source batches: a table's batch (122,880 blocks, about
    # 1.5 M lines) would fill the memory limit, a staged row group holds about 25,000 lines.
    con.execute(
        f"copy gen_stream to {_quote(path)} (format parquet, row_group_size {STREAM_ROW_GROUP})"
    )


def _statements(script: str) -> list[str]:
    """Split a SQL script into statements at semicolons that end a line."""
    parts = (part.strip() for part in _STATEMENT_END.split(script))
    return [part for part in parts if _strip_comments(part)]


def _strip_comments(sql: str) -> str:
    """Return the SQL without its `--` comment lines (to spot comment-only fragments)."""
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


def _execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> None:
    """Run one statement, binding only the named parameters it uses."""
    used = {name: params[name] for name in _PARAMETER.findall(_strip_comments(sql))}
    con.execute(sql, used)


def _copy(
    con: duckdb.DuckDBPyConnection,
    query_file: str,
    target: Path,
    options: str,
    params: dict[str, object],
) -> None:
    """COPY the query of one out_*.sql file to target with the given format options."""
    query = (SQL_DIR / query_file).read_text().strip().rstrip(";")
    _execute(con, f"copy (\n{query}\n) to {_quote(str(target))} ({options})", params)


def _quote(text: str) -> str:
    """Quote text as a SQL string literal (COPY cannot take the path as a parameter)."""
    return "'" + text.replace("'", "''") + "'"


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the files just written."""
    row = con.execute("""
        select
            l.n_ordinary_lines + l.n_ino_lines,
            (select sum(n_ordinary) from gen_block) + l.n_ino_claims,
            l.n_ino_claims,
            (select count(*) from ino_course),
            s.n_members - (select count(*) from ino_case where member = 'missing')
        from gen_layout as l, gen_size as s
    """).fetchall()[0]
    keys = ("claim_lines", "claims", "ino_claims", "encounters", "members")
    return {key: int(value or 0) for key, value in zip(keys, row, strict=True)}

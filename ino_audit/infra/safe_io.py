"""Output files that only their owner reads, written whole or not at all, never through a link.

- `owner_only()`: umask 077 for a run, so the database, outputs and folders it creates are 0600
  and 0700.
- `atomic(path)`: a hidden temporary file beside the target (same file system), renamed over the
  target when complete. A rename replaces a symlink planted under the output's name instead of
  writing through it, and a reader (or a killed run) never sees half a file.
- `lock_folder(out)`: one run per output folder (an exclusive lock held for the whole run).
- The formula guard: text cells that a spreadsheet would run as a formula (starting with `=`,
  `+`, `-`, `@`, a tab or a carriage return, and not a plain number) get a leading apostrophe in
  the CSV files meant for people; cases.xlsx writes every text cell as a string. Parquet
  exports keep the exact values for systems.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ino_audit.infra.errors import AuditError

OWNER_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700
WORK_DIR = ".ino-audit-work"  # scratch folder of a run inside its output folder (xlsxwriter)
TEMP_SUFFIX = ".ino-audit-tmp"  # hidden temporary files beside their targets
LOCK_FILE = ".ino-audit.lock"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
# cases.xlsx: text stays text (never a formula, link or number); the workbook's half of the guard.
XLSX_TEXT_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@contextmanager
def owner_only() -> Iterator[None]:
    """Create files 0600 and folders 0700 inside the block (umask 077), then restore the umask."""
    previous = os.umask(OWNER_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def ensure_dir(path: Path) -> Path:
    """Create a folder (owner-only) if needed; a symlink under its name is removed, not followed."""
    if path.is_symlink():
        path.unlink()
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    return path


def work_dir(out: Path) -> Path:
    """Return the run's private folder for temporary files inside the output folder."""
    return ensure_dir(out / WORK_DIR)


def remove_tree(path: Path) -> None:
    """Remove a folder and everything in it; a symbolic link there is removed, never followed."""
    if path.is_symlink():
        path.unlink()
    shutil.rmtree(path, ignore_errors=True)


def clear_work_dir(out: Path) -> None:
    """Remove the scratch folder and temporary files a killed run left in the output folder.

    DuckDB writes a CSV or Parquet file as `tmp_<name>` first: those carry our suffix too.
    """
    remove_tree(out / WORK_DIR)
    if out.is_dir():
        for stale in out.rglob(f"*{TEMP_SUFFIX}*"):
            stale.unlink(missing_ok=True)


def temp_path(target: Path, suffix: str = "") -> Path:
    """Return a new, empty owner-only hidden file beside the target."""
    ensure_dir(target.parent)
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX + suffix
    )
    os.close(fd)
    return Path(name)


def commit(tmp: Path, target: Path) -> Path:
    """Make a finished temporary file the target: owner-only, renamed over it (never through)."""
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, target)
    return target


@contextmanager
def atomic(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces the target, on error it goes."""
    tmp = temp_path(target)
    try:
        yield tmp
        commit(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> Path:
    """Write a text file atomically and owner-only."""
    with atomic(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def formula_safe_sql() -> str:
    """Return the SQL macro `formula_safe(text)`: an apostrophe before formula-looking text."""
    prefixes = "".join(p.replace("\t", "\\t").replace("\r", "\\r") for p in FORMULA_PREFIXES)
    first = "[" + prefixes.replace("-", "\\-") + "]"
    return (
        "create or replace temp macro formula_safe(v) as "
        f"case when regexp_matches(v, '^{first}') and not regexp_matches(v, '{PLAIN_NUMBER}') "
        "then '''' || v else v end"
    )


def guarded(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """Return the query with every text column passed through the formula guard."""
    con.execute(formula_safe_sql())
    rel = con.sql(query)
    select = [
        f'formula_safe("{name}") as "{name}"' if str(kind) == "VARCHAR" else f'"{name}"'
        for name, kind in zip(rel.columns, rel.types, strict=True)
    ]
    return f"select {', '.join(select)} from ({query})"


def write_csv(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> Path:
    """Write a query's result as a CSV for people: formula-guarded, atomic, owner-only."""
    with atomic(target) as tmp:
        con.sql(guarded(con, query)).to_csv(str(tmp), header=True)
    return target


def write_parquet(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> Path:
    """Write a query's result as exact Parquet (for systems): atomic, owner-only."""
    with atomic(target) as tmp:
        con.sql(query).to_parquet(str(tmp))
    return target


@contextmanager
def lock_folder(out: Path) -> Iterator[int]:
    """Hold an exclusive lock on the output folder for the block, or refuse with one sentence."""
    ensure_dir(out)
    path = out / LOCK_FILE
    if path.is_symlink():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AuditError(
                f"The output folder {out} is in use by another run; wait for it to finish or "
                "give another --out."
            ) from None
        yield fd
    finally:
        os.close(fd)

"""Content fingerprints: of input files (SHA-256) and of the code that turns them into results.

A step whose fingerprint matches the one recorded in the database's `run_state` table is not
redone, so a rerun after a failure (or of the same extract) resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import threading
from functools import cache
from pathlib import Path

import duckdb

from ino_audit.infra.paths import PACKAGE_DIR, ROOT

CHUNK = 1 << 20
CODE_DIRS = ("ino_audit", "sql", "contract", "valuesets", "rules", "policies", "expectations")


class Hashing:
    """SHA-256 of some files, computed in a background thread while other work goes on.

    hashlib releases the interpreter lock on large chunks, so a fresh load stages its extracts
    while the files are hashed (a 2 GB CSV takes seconds to hash); `result` waits for the end.
    """

    def __init__(self, paths: list[Path]) -> None:
        """Start hashing the files."""
        self._paths = paths
        self._done: dict[str, str] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ino-audit-hash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """Hash every file, keeping the first error to raise from `result`."""
        try:
            for path in self._paths:
                self._done[str(path)] = file_sha256(path)
        except BaseException as e:  # re-raised in the caller's thread by result()
            self._error = e

    def result(self) -> dict[str, str]:
        """Wait for the hashes; return them by path."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._done


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's content, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@cache
def code_version() -> str:
    """Return a hash of the project's code, SQL and reference data."""
    h = hashlib.sha256()
    for folder in CODE_DIRS:
        base = PACKAGE_DIR if folder == "ino_audit" else ROOT / folder
        for path in sorted(base.rglob("*")):
            if "data" in path.relative_to(base).parts[:1] and folder == "ino_audit":
                continue  # an installed package's data folders are hashed as themselves
            if path.is_file() and path.suffix in (".py", ".sql", ".csv", ".toml", ".j2", ".json"):
                h.update(f"{folder}/{path.relative_to(base)}".encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def combine(*parts: object) -> str:
    """Return one hash over several parts."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def recorded(con: duckdb.DuckDBPyConnection, step: str) -> str | None:
    """Return the fingerprint recorded for a step, if any."""
    con.execute(
        "create table if not exists run_state (step varchar primary key, fingerprint varchar)"
    )
    row = con.execute("select fingerprint from run_state where step = ?", [step]).fetchone()
    return row[0] if row else None


def record(con: duckdb.DuckDBPyConnection, step: str, fingerprint: str | None) -> None:
    """Record (or clear, with None) the fingerprint of a finished step."""
    recorded(con, step)
    con.execute("delete from run_state where step = ?", [step])
    if fingerprint is not None:
        con.execute("insert into run_state values (?, ?)", [step, fingerprint])

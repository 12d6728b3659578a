"""The contract's input columns (contract/columns.csv) as typed Python objects."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from ino_audit.infra.paths import CONTRACT_DIR

SOURCES = ("claims", "encounters", "members")


@dataclass(frozen=True)
class Column:
    """One contract column: its name, logical type, whether required, and allowed values."""

    source: str
    name: str
    type: str
    required: bool
    allowed: tuple[str, ...]


@cache
def columns(source: str) -> tuple[Column, ...]:
    """Return the contract columns of one source, in contract order."""
    with open(CONTRACT_DIR / "columns.csv", newline="") as f:
        return tuple(
            Column(
                r["source"],
                r["column"],
                r["type"],
                r["required"] == "yes",
                tuple(v for v in r["allowed"].split("|") if v),
            )
            for r in csv.DictReader(f)
            if r["source"] == source
        )


@cache
def aliases(source: str) -> dict[str, str]:
    """Return alternative header names (e.g. Tuva's `gender`) mapped to contract columns."""
    with open(CONTRACT_DIR / "aliases.csv", newline="") as f:
        return {r["alias"]: r["column"] for r in csv.DictReader(f) if r["source"] == source}


def required(source: str) -> list[str]:
    """Return the names of the required columns of a source."""
    return [c.name for c in columns(source) if c.required]

"""Denial codes: the dated X12 value set and the group code, CARC and RARCs of each rule."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache

import duckdb
import pyarrow as pa

from ino_audit.infra.paths import RULES_DIR, VALUESETS_DIR

CODES_FILE = VALUESETS_DIR / "claim_adjustment_codes.csv"
RULE_CODES_FILE = RULES_DIR / "adjustment_codes.csv"
RECOVERY_REMARK = "N432"  # alert on every post-payment (recovery audit) adjustment
RECORDS_NOT_RECEIVED = "records_not_received"  # the disposition's own row in RULE_CODES_FILE
# A denial's tag in a policy file (investigational, not medically necessary): a finding whose
# evidence carries one takes the tag's own row in RULE_CODES_FILE instead of its rule's.
TAGS = ("investigational", "not_medically_necessary")


@dataclass(frozen=True)
class Code:
    """One code of the value set with the dates it may be used."""

    code_type: str
    code: str
    description: str
    valid_from: date
    valid_to: date | None

    def current(self, on: date) -> bool:
        """Return whether the code may be used on a date."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True)
class RuleCodes:
    """The adjustment codes and plain-words reason used when a rule's finding is upheld."""

    rule_id: str
    group_code: str
    carc: str
    rarc: tuple[str, ...]
    plain_reason: str


@cache
def value_set() -> dict[tuple[str, str], Code]:
    """Return the shipped value set keyed by (code type, code)."""
    with open(CODES_FILE, newline="") as f:
        rows = list(csv.DictReader(f))
    return {
        (r["code_type"], r["code"]): Code(
            r["code_type"],
            r["code"],
            r["description"],
            date.fromisoformat(r["valid_from"]),
            date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
        )
        for r in rows
    }


@cache
def rule_codes() -> dict[str, RuleCodes]:
    """Return the codes of each deny, records and review rule (and of records_not_received)."""
    with open(RULE_CODES_FILE, newline="") as f:
        return {
            r["rule_id"]: RuleCodes(
                r["rule_id"],
                r["group_code"],
                r["carc"],
                tuple(c for c in r["rarc"].split(";") if c),
                r["plain_reason"],
            )
            for r in csv.DictReader(f)
        }


def used_codes() -> set[tuple[str, str]]:
    """Return every (code type, code) the rules and the recovery remark put on an adjustment."""
    used = {("rarc", RECOVERY_REMARK)}
    for rc in rule_codes().values():
        used |= {("group", rc.group_code), ("carc", rc.carc)}
        used |= {("rarc", r) for r in rc.rarc}
    return used


def problems(on: date, codes: dict[tuple[str, str], Code] | None = None) -> list[str]:
    """Return a sentence for each used code missing from the value set or not current on a date."""
    codes = value_set() if codes is None else codes
    out = []
    for key in sorted(used_codes()):
        code = codes.get(key)
        if code is None:
            out.append(f"{key[0]} code {key[1]} is not in {CODES_FILE.name}.")
        elif not code.current(on):
            out.append(f"{key[0]} code {key[1]} is not current on {on.isoformat()}.")
    return out


def describe(code_type: str, code: str) -> str:
    """Return the value set's description of a code (empty when unknown)."""
    found = value_set().get((code_type, code))
    return found.description if found else ""


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp table `recovery_rule_codes` for the recovery SQL."""
    rows = list(rule_codes().values())
    table = pa.table(
        {
            "rule_id": pa.array([r.rule_id for r in rows], pa.string()),
            "group_code": pa.array([r.group_code for r in rows], pa.string()),
            "carc": pa.array([r.carc for r in rows], pa.string()),
            "rarc_list": pa.array([list(r.rarc) for r in rows], pa.list_(pa.string())),
            "plain_reason": pa.array([r.plain_reason for r in rows], pa.string()),
        }
    )
    con.register("recovery_rule_codes_arrow", table)
    try:
        con.execute(
            "create or replace temp table recovery_rule_codes as "
            "select * from recovery_rule_codes_arrow"
        )
    finally:
        con.unregister("recovery_rule_codes_arrow")

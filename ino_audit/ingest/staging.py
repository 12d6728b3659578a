"""Typed staging views built from the column registry (contract/columns.csv).

For each source, `stg_<source>` casts every contract column to its type, normalises codes,
booleans, FiO2 and timestamps, and lists the row's blocking problems in `issues` (a list of
{column, reason}; reasons never quote the value). FiO2 columns get a `<column>_from_percent`
flag when a percent was divided by 100, for the data-quality warning (ino_audit/quality/).
The casts come from ino_audit/ingest/casts.py; the SQL is generated from the registry only: no
input text reaches it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ino_audit.ingest.casts import (
    CAST,
    FLOATING,
    blank,
    flag_exprs,
    is_native,
    text,
    trimmed,
    typed_expr,
)
from ino_audit.ingest.schema import Column, columns

# Row-level order checks: (source, later column, earlier column, strict, reason).
ORDER_CHECKS = (
    (
        "claims",
        "claim_end_date",
        "claim_start_date",
        False,
        "claim_end_date is before claim_start_date",
    ),
    (
        "claims",
        "claim_line_end_date",
        "claim_line_start_date",
        False,
        "claim_line_end_date is before claim_line_start_date",
    ),
    ("encounters", "ino_stop", "ino_start", True, "ino_stop is not after ino_start"),
)

# Row-level checks against the run date: (source, column, reason). The members suite checks the
# same for the members the audit uses; the loader checks every member row of the extract.
FUTURE_CHECKS = (("members", "birth_date", "birth_date is after the run date"),)

TYPE_LABEL = {
    "int": "a whole number",
    "decimal": "a number",
    "money": "an amount",
    "fio2": "a number",
    "date": "an ISO date (YYYY-MM-DD)",
    "timestamp": "an ISO timestamp (YYYY-MM-DDTHH:MM[:SS])",
    "bool": "a boolean (true/false, 1/0, Y/N)",
}


# The largest magnitude a measurement or count may have: no dose, pressure, gas value, age or
# unit count reaches it, and products of three such values stay finite. Money is bounded by its
# type, DECIMAL(18, 2) (under 10^16). Plausibility ranges (FiO2 0.21-1.0, gestational age 22-44
# weeks, ...) are the Great Expectations suites' (expectations/encounters.json).
MAX_MAGNITUDE = 1_000_000_000
NOT_FINITE = "value is NaN, infinite or beyond ±1,000,000,000"
NOT_IN_TYPE = {
    "int": "value is not a whole number within the 64-bit range",
    "money": "value is not an amount (NaN, infinite, or 10^16 or more)",
}


def checks(col: Column, types: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Return (condition, column, reason) triples: the row is blocked when a condition holds."""
    out = []
    native = types is not None and is_native(col, types)
    raw = col.name if native else trimmed(col.name)
    if col.type == "text":
        out.append(
            (
                f"coalesce(contains({text(col.name, types)}, chr(0)), false)",
                col.name,
                "value contains a NUL byte",
            )
        )
    if col.required:
        missing = f"{col.name} is null" if native else blank(col.name, types)
        out.append((missing, col.name, "required value is missing"))
    if col.type in TYPE_LABEL and not native:
        out.append((_type_check(col, types), col.name, f"value is not {TYPE_LABEL[col.type]}"))
    if col.type in ("date", "timestamp") and native:
        cond = f"coalesce(not {_calendar(typed_expr(col, types))}, false)"
        out.append((cond, col.name, f"value is not {TYPE_LABEL[col.type]}"))
    out.extend(_number_checks(col, types or {}, native))
    if col.allowed:
        allowed = ", ".join(f"'{v}'" for v in col.allowed)
        # A value written exactly as listed passes at once (the lists are lower case, trimmed).
        exact = f"{text(col.name, types)} not in ({allowed})"
        out.append(
            (
                f"({exact} and coalesce(lower({raw}) not in ({allowed}), false))",
                col.name,
                f"value is not one of {', '.join(col.allowed)}",
            )
        )
    return out


def _type_check(col: Column, types: dict[str, str] | None) -> str:
    """Return the condition: a text value is present but not of the column's type.

    Dates and timestamps must also be calendar dates written with digits (`_calendar`). A value
    the plain cast of its untrimmed text accepts passes at once: the cast skips surrounding
    spaces, so trimming cannot turn an accepted value into a refused one
    (tests/test_staging_checks.py compares both on hostile values); only the rest pay for
    trimming.
    """
    raw, typed = trimmed(col.name), typed_expr(col, types)
    dated = col.type in ("date", "timestamp")
    exact = f"coalesce(not {_calendar(typed, raw)}, true)" if dated else f"{typed} is null"
    cast = CAST.get(col.type)
    if cast is None:
        return f"{raw} is not null and {exact}"
    v = text(col.name, types)
    quick = f"try_cast({v} as {cast})"
    accepted = f"coalesce({_calendar(quick, v)}, false)" if dated else f"{quick} is not null"
    return f"not {accepted} and {raw} is not null and {exact}"


def _calendar(value: str, written: str | None = None) -> str:
    """Return a predicate: a date or timestamp is a calendar date of the common era.

    DuckDB also reads 'infinity', '-infinity' and 'epoch' as dates, and years outside the ISO
    format's 0001-9999 (a leading minus, a '(BC)' suffix, five digits); none is a date an
    extract means. Text must start with a digit (that refuses the words and the minus); the
    value must lie in years 1-9999 (one comparison: the infinities lie outside). Implausible
    but real dates (a 1800 birth) are the Great Expectations suites' warnings, not blocked here.
    """
    digit = f"ascii({written}) between 48 and 57 and " if written else ""
    return f"({digit}{value} between '0001-01-01' and '9999-12-31 23:59:59.999999')"


def _number_checks(col: Column, types: dict[str, str], native: bool) -> list[tuple[str, str, str]]:
    """Return the checks that keep NaN, infinities and unrepresentable numbers out of a column."""
    name = col.name
    if native and col.type in NOT_IN_TYPE:
        # A native value the target type cannot hold (NaN or 1e300 as money, a HUGEINT line).
        cond = f"{name} is not null and {typed_expr(col, types)} is null"
        return [(cond, name, NOT_IN_TYPE[col.type])]
    if col.type not in ("decimal", "fio2"):
        return []  # text money and whole numbers: try_cast already refuses NaN and infinities
    if native and types.get(name, "").split("(")[0] not in FLOATING:
        return []  # DECIMAL and integer columns hold finite values only
    v = f"{name}::double" if native else f"try_cast({trimmed(name)} as double)"
    cond = f"coalesce(not isfinite({v}) or abs({v}) > {MAX_MAGNITUDE}, false)"
    return [(cond, name, NOT_FINITE)]


def _issue(column: str, reason: str) -> str:
    """Return a struct literal for one issue."""
    return f"{{'column': '{column}', 'reason': '{reason}'}}"


def staging_select(
    source: str, types: dict[str, str] | None = None, extra: Sequence[str] = (), rows: str = ""
) -> str:
    """Return the select that casts one source's rows (`rows`, default `src_<source>`).

    `types` (column -> DuckDB type of the source) lets natively typed Parquet columns skip the
    text round trip. `issues` is null for a clean row: the detailed list is only built for rows
    where some check fails, so clean extracts pay one boolean test per check. `extra` adds
    columns computed over the raw row (e.g. the first pass's iNO test).
    """
    cols = columns(source)
    typed = [f"{typed_expr(c, types)} as {c.name}" for c in cols]
    typed += [f for c in cols for f in flag_exprs(c, types)]
    typed += extra
    conditions = [t for c in cols for t in checks(c, types)]
    by = {c.name: c for c in cols}
    for src, later, earlier, strict, reason in ORDER_CHECKS:
        if src == source:
            op = "<=" if strict else "<"
            cond = f"{typed_expr(by[later], types)} {op} {typed_expr(by[earlier], types)}"
            conditions.append((f"coalesce({cond}, false)", later, reason))
    for src, col, reason in FUTURE_CHECKS:
        if src == source:
            cond = f"{typed_expr(by[col], types)} > current_date"
            conditions.append((f"coalesce({cond}, false)", col, reason))
    any_issue = "\n        or ".join(c for c, _, _ in conditions)
    detail = ",\n        ".join(
        f"case when {c} then {_issue(col, r)} end" for c, col, r in conditions
    )
    issues = f"case when {any_issue}\n    then list_filter([{detail}], lambda x: x is not null) end"
    return (
        "select\n    source_file_index,\n    source_row,\n    "
        + ",\n    ".join(typed)
        + f",\n    {issues} as issues\nfrom {rows or 'src_' + source}"
    )


def staging_sql(source: str, types: dict[str, str] | None = None, extra: Sequence[str] = ()) -> str:
    """Return the `create view stg_<source>` statement for one source."""
    return f"create or replace temp view stg_{source} as\n" + staging_select(source, types, extra)

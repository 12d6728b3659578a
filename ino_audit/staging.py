"""Typed staging views built from the column registry (contract/columns.csv).

For each source, `stg_<source>` casts every contract column to its type, normalises codes,
booleans, FiO2 and timestamps, and lists the row's blocking problems in `issues` (a list of
{column, reason}; reasons never quote the value). FiO2 columns get a `<column>_from_percent`
flag when a percent was divided by 100, for the data-quality warning (ino_audit/validate.py).
The SQL is generated from the registry only: no input text reaches it.
"""

from __future__ import annotations

from ino_audit.schema import Column, columns

BOOL_TRUE = "('true', '1', 'y', 'yes', 't')"
BOOL_FALSE = "('false', '0', 'n', 'no', 'f')"

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

TYPE_LABEL = {
    "int": "a whole number",
    "decimal": "a number",
    "money": "an amount",
    "fio2": "a number",
    "date": "an ISO date (YYYY-MM-DD)",
    "timestamp": "an ISO timestamp (YYYY-MM-DDTHH:MM[:SS])",
    "bool": "a boolean (true/false, 1/0, Y/N)",
}


def _raw(name: str) -> str:
    """Return the trimmed text of a column, null when empty."""
    return f"nullif(trim({name}::varchar), '')"


def typed_expr(col: Column) -> str:
    """Return the SQL expression that casts and normalises one column."""
    raw = _raw(col.name)
    match col.type:
        case "code":
            return f"nullif(upper(regexp_replace({col.name}::varchar, '[\\s.]', '', 'g')), '')"
        case "int":
            return f"try_cast({raw} as bigint)"
        case "decimal":
            return f"try_cast({raw} as double)"
        case "fio2":
            v = f"try_cast({raw} as double)"
            return f"case when {v} > 1 and {v} <= 100 then {v} / 100 else {v} end"
        case "money":
            return f"try_cast({raw} as decimal(18, 2))"
        case "date":
            return f"try_cast({raw} as date)"
        case "timestamp":
            # A zone suffix (Z, +01:00) is honoured: the value is converted to UTC. Without one,
            # the session time zone (UTC, set by db.connect) leaves the value as written.
            return (
                f"coalesce(timezone('UTC', try_cast({raw} as timestamptz)), "
                f"try_cast({raw} as timestamp))"
            )
        case "bool":
            return (
                f"case when lower({raw}) in {BOOL_TRUE} then true "
                f"when lower({raw}) in {BOOL_FALSE} then false end"
            )
        case _:
            if col.allowed:
                return f"lower({raw})"
            return raw


def flag_exprs(col: Column) -> list[str]:
    """Return extra `<expr> as <name>` columns that record how a value was normalised."""
    if col.type == "fio2":
        v = f"try_cast({_raw(col.name)} as double)"
        return [f"coalesce({v} > 1 and {v} <= 100, false) as {col.name}_from_percent"]
    return []


def issue_exprs(col: Column) -> list[str]:
    """Return SQL expressions yielding an issue struct (or null) for one column."""
    out = []
    raw, typed = _raw(col.name), typed_expr(col)
    if col.type in ("text", "code"):
        out.append(
            f"case when contains({col.name}::varchar, chr(0)) "
            f"then {_issue(col.name, 'value contains a NUL byte')} end"
        )
    if col.required:
        out.append(
            f"case when {raw} is null then {_issue(col.name, 'required value is missing')} end"
        )
    if col.type in TYPE_LABEL:
        reason = f"value is not {TYPE_LABEL[col.type]}"
        out.append(
            f"case when {raw} is not null and {typed} is null then {_issue(col.name, reason)} end"
        )
    if col.allowed:
        allowed = ", ".join(f"'{v}'" for v in col.allowed)
        reason = f"value is not one of {', '.join(col.allowed)}"
        out.append(
            f"case when {raw} is not null and lower({raw}) not in ({allowed}) "
            f"then {_issue(col.name, reason)} end"
        )
    return out


def _issue(column: str, reason: str) -> str:
    """Return a struct literal for one issue."""
    return f"{{'column': '{column}', 'reason': '{reason}'}}"


def staging_sql(source: str) -> str:
    """Return the `create view stg_<source>` statement for one source."""
    cols = columns(source)
    typed = [f"{typed_expr(c)} as {c.name}" for c in cols]
    typed += [f for c in cols for f in flag_exprs(c)]
    checks = [e for c in cols for e in issue_exprs(c)]
    for src, later, earlier, strict, reason in ORDER_CHECKS:
        if src == source:
            op = "<=" if strict else "<"
            by = {c.name: c for c in cols}
            checks.append(
                f"case when {typed_expr(by[later])} {op} {typed_expr(by[earlier])} "
                f"then {_issue(later, reason)} end"
            )
    issues = "list_filter([" + ",\n        ".join(checks) + "], lambda x: x is not null)"
    return (
        f"create or replace temp view stg_{source} as\n"
        f"select\n    source_file_index,\n    source_row,\n    "
        + ",\n    ".join(typed)
        + f",\n    {issues} as issues\nfrom src_{source}"
    )

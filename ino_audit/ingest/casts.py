"""SQL expressions that cast and normalise one contract column (contract/columns.csv).

Text is trimmed (empty means null), codes lose dots and spaces and are upper-cased, booleans
accept the usual spellings, FiO2 given as a percent becomes a fraction and timestamps with a zone
become UTC. A column the source already stores in its target type (Parquet DATE, DOUBLE, ...)
is cast directly. The staging views (ino_audit/ingest/staging.py) are built from these.
"""

from __future__ import annotations

from ino_audit.ingest.schema import Column

BOOL_TRUE = "('true', '1', 'y', 'yes', 't')"
BOOL_FALSE = "('false', '0', 'n', 'no', 'f')"

NATIVE = {
    "int": (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "HUGEINT",
    ),
    "decimal": ("FLOAT", "DOUBLE", "DECIMAL", "TINYINT", "SMALLINT", "INTEGER", "BIGINT"),
    "date": ("DATE",),
    "timestamp": (
        "TIMESTAMP",
        "TIMESTAMP_NS",
        "TIMESTAMP_MS",
        "TIMESTAMP_S",
        "TIMESTAMP WITH TIME ZONE",
    ),
    "bool": ("BOOLEAN",),
}
NATIVE["money"] = NATIVE["fio2"] = NATIVE["decimal"]
# Native types that can hold NaN or an infinity (Parquet FLOAT/DOUBLE).
FLOATING = ("FLOAT", "DOUBLE", "REAL")
# The SQL type a column's value is cast to (timestamps with a zone suffix are converted to UTC
# first, `typed_expr`).
CAST = {
    "int": "bigint",
    "decimal": "double",
    "fio2": "double",
    "money": "decimal(18, 2)",
    "date": "date",
    "timestamp": "timestamp",
}


def is_native(col: Column, types: dict[str, str]) -> bool:
    """Whether the source already stores the column in its target type (e.g. Parquet DATE)."""
    base = types.get(col.name, "VARCHAR").split("(")[0]
    return base in NATIVE.get(col.type, ())


def trimmed(name: str) -> str:
    """Return the trimmed text of a column, null when empty."""
    return f"nullif(trim({name}::varchar), '')"


def text(name: str, types: dict[str, str] | None) -> str:
    """Return a column as text: as is when the source already stores text, else cast."""
    return name if (types or {}).get(name) == "VARCHAR" else f"{name}::varchar"


def blank(name: str, types: dict[str, str] | None) -> str:
    """Return a predicate: the column is null, empty or only spaces (what trim empties).

    Same answer as `nullif(trim(x), '') is null`, but a value that does not start with a space
    is settled by a prefix test, without trimming every value of the extract.
    """
    v = text(name, types)
    return f"({v} is null or {v} = '' or (starts_with({v}, ' ') and trim({v}) = ''))"


def padded(name: str, types: dict[str, str] | None) -> str:
    """Return a predicate: the column's text has a leading or trailing space (trim changes it)."""
    v = text(name, types)
    return f"coalesce(starts_with({v}, ' ') or ends_with({v}, ' '), false)"


def _percent(v: str) -> str:
    """Return a predicate: a FiO2 value above 1 and up to 100 is a percent."""
    return f"{v} > 1 and {v} <= 100"


def _fraction(v: str) -> str:
    """Return FiO2 as a fraction (a percent divided by 100)."""
    return f"case when {_percent(v)} then {v} / 100 else {v} end"


def _native_expr(col: Column, types: dict[str, str]) -> str:
    """Return the cast of a column the source already types natively."""
    name = col.name
    match col.type:
        case "int" | "money":
            return f"try_cast({name} as {CAST[col.type]})"
        case "decimal":
            return f"{name}::double"
        case "fio2":
            return f"{_fraction(name)}::double"
        case "timestamp" if "TIME ZONE" in types.get(name, ""):
            return f"timezone('UTC', {name})"
        case "timestamp":
            return f"{name}::timestamp"
    return name


def typed_expr(col: Column, types: dict[str, str] | None = None) -> str:
    """Return the SQL expression that casts and normalises one column."""
    if types and is_native(col, types):
        return _native_expr(col, types)
    raw = trimmed(col.name)
    match col.type:
        case "code":
            return (
                f"nullif(upper(replace(replace(trim({col.name}::varchar), '.', ''), ' ', '')), '')"
            )
        case "int" | "decimal" | "money" | "date":
            return f"try_cast({raw} as {CAST[col.type]})"
        case "fio2":
            return _fraction(f"try_cast({raw} as double)")
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


def flag_exprs(col: Column, types: dict[str, str] | None = None) -> list[str]:
    """Return extra `<expr> as <name>` columns that record how a value was normalised."""
    if col.type == "fio2":
        native = types and is_native(col, types)
        v = f"{col.name}::double" if native else f"try_cast({trimmed(col.name)} as double)"
        return [f"coalesce({_percent(v)}, false) as {col.name}_from_percent"]
    return []

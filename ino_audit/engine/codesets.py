"""Value sets expanded against the real ICD-10-CM code set (simple-icd-10-cm).

`valuesets/value_sets.csv` names codes, ranges and code families; this module expands them into
the table `value_set_codes (value_set, code_system, code, code_dotted)` and loads the whole
ICD-10-CM code list into `icd10cm_codes (code)`. Both are cached in the database and in a
per-user cache (`INO_AUDIT_CACHE`, default ~/.cache/ino-audit), keyed by the package version and
the value-set files' hash, so only the first run pays the 3-second package import.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

import duckdb

from ino_audit.infra.paths import VALUESETS_DIR

VALUESET_FILES = ("value_sets.csv", "gestational_age_codes.csv")


def normalise(code: str) -> str:
    """Return a code in the stored form: upper case, no dot, no spaces."""
    return code.replace(".", "").replace(" ", "").upper()


def _fingerprint() -> str:
    """Return a key for the cached tables: package version plus value-set file hashes."""
    h = hashlib.sha256(version("simple-icd-10-cm").encode())
    for name in VALUESET_FILES:
        h.update((VALUESETS_DIR / name).read_bytes())
    return h.hexdigest()


def _expand(row: dict[str, str], cm) -> list[str]:
    """Expand one value-set row into real codes (dotted form)."""
    start, end, how = row["code_from"], row["code_to"], row["expand"]
    if row["code_system"] != "ICD-10-CM" or how == "exact":
        if row["code_system"] == "ICD-10-CM" and not cm.is_valid_item(start):
            raise ValueError(f"value set {row['value_set']}: {start} is not an ICD-10-CM code")
        return [start]
    if how == "descendants":
        return [start, *cm.get_descendants(start)]
    if how == "range":
        lo, hi = normalise(start), normalise(end)
        return [c for c in cm.get_all_codes(True) if "-" not in c and lo <= normalise(c) <= hi]
    raise ValueError(f"value set {row['value_set']}: unknown expansion {how!r}")


def _rows() -> list[tuple[str, str, str, str]]:
    """Return every expanded (value_set, code_system, code, code_dotted) row."""
    import simple_icd_10_cm as cm  # about 3 s: imported only when the cache is cold

    out: list[tuple[str, str, str, str]] = []
    with open(VALUESETS_DIR / "value_sets.csv", newline="") as f:
        for row in csv.DictReader(f):
            for code in _expand(row, cm):
                out.append((row["value_set"], row["code_system"], normalise(code), code))
    return sorted(set(out))


def _icd10cm_codes() -> list[str]:
    """Return every ICD-10-CM code (categories and subcategories, no blocks or chapters)."""
    import simple_icd_10_cm as cm

    return [normalise(c) for c in cm.get_all_codes(True) if cm.is_category_or_subcategory(c)]


CODESET_TABLES = ("value_set_codes", "icd10cm_codes", "gestational_age_codes")


def cache_dir(key: str) -> Path:
    """Return the per-user cache folder for one code-set fingerprint."""
    root = Path(os.environ.get("INO_AUDIT_CACHE") or Path.home() / ".cache" / "ino-audit")
    return root / f"codesets-{key[:16]}"


def _build(con: duckdb.DuckDBPyConnection) -> None:
    """Expand the value sets and load the ICD-10-CM code list from the package."""
    con.execute(
        "create or replace table value_set_codes "
        "(value_set varchar, code_system varchar, code varchar, code_dotted varchar)"
    )
    con.executemany("insert into value_set_codes values (?, ?, ?, ?)", _rows())
    con.execute("create or replace table icd10cm_codes (code varchar)")
    con.execute("insert into icd10cm_codes select distinct unnest(?)", [_icd10cm_codes()])
    with open(VALUESETS_DIR / "gestational_age_codes.csv", newline="") as f:
        ga = [
            (normalise(r["code"]), r["code"], float(r["implied_weeks"])) for r in csv.DictReader(f)
        ]
    con.execute(
        "create or replace table gestational_age_codes "
        "(code varchar, code_dotted varchar, implied_weeks double)"
    )
    con.executemany("insert into gestational_age_codes values (?, ?, ?)", ga)


def _from_cache(con: duckdb.DuckDBPyConnection, folder: Path) -> bool:
    """Load the code-set tables from the user cache; False when it is not there."""
    files = [folder / f"{t}.parquet" for t in CODESET_TABLES]
    if not all(f.exists() for f in files):
        return False
    for table, path in zip(CODESET_TABLES, files, strict=True):
        con.execute(f"drop table if exists {table}")
        con.read_parquet(str(path)).to_table(table)
    return True


def _to_cache(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Save the code-set tables to the user cache (best effort, written atomically)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
        for table in CODESET_TABLES:
            con.table(table).to_parquet(str(tmp / f"{table}.parquet"))
        tmp.rename(folder)
    except OSError:
        pass  # a read-only home or a concurrent writer: the next run builds again


def ensure_codesets(con: duckdb.DuckDBPyConnection) -> None:
    """Create value_set_codes, gestational_age_codes and icd10cm_codes (cached per user)."""
    key = _fingerprint()
    con.execute("create table if not exists codeset_meta (fingerprint varchar)")
    found = con.execute("select count(*) from codeset_meta where fingerprint = ?", [key])
    if found.fetchall()[0][0]:
        return
    folder = cache_dir(key)
    if not _from_cache(con, folder):
        _build(con)
        _to_cache(con, folder)
    con.execute("delete from codeset_meta")
    con.execute("insert into codeset_meta values (?)", [key])


def dotted(code: str) -> str:
    """Return an ICD-10-CM code in its printed form (a dot after the category)."""
    code = normalise(code)
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def expand_spec(con: duckdb.DuckDBPyConnection, spec: str) -> dict[str, str]:
    """Expand one code spec of a policy file against the installed ICD-10-CM code list
    (`icd10cm_codes`): `J80` the code itself, `J21.0-J21.9` the real codes between the two
    ends, `T86.81*` the code and every code under it. Returns {code: dotted code}; empty when
    nothing in the code set matches."""
    spec = spec.strip().upper()
    if spec.endswith("*"):
        prefix = normalise(spec[:-1])
        query, args = "select code from icd10cm_codes where starts_with(code, ?)", [prefix]
    elif "-" in spec:
        lo, hi = (normalise(part) for part in spec.split("-", 1))
        query, args = "select code from icd10cm_codes where code between ? and ?", [lo, hi]
    else:
        query, args = "select code from icd10cm_codes where code = ?", [normalise(spec)]
    return {c: dotted(c) for (c,) in con.execute(query, args).fetchall()}

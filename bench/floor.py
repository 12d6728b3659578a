"""The floor: the least work any audit of the same files must do, as one timed process.

    python bench/floor.py scan --claims F --encounters F --members F
    python bench/floor.py wide --claims F --encounters F --members F

Paths may be globs; a file is read as Parquet when it ends in .parquet or .pq, else as CSV.

- `scan` (floor 1, the scan floor): read only `claim_id`, `hcpcs_code` and the procedure-code
  columns of the claims and keep the distinct ids of the iNO claims (`ino_ids`, counted). A line
  is an iNO line when its HCPCS code is a CPT code of the value set `ino_procedure`, or a
  `procedure_code_N` is one of its ICD-10-PCS codes (valuesets/value_sets.csv, as in
  ino_audit/ingest/stage.py `ino_match`), codes compared as the audit normalises them (upper
  case, no dots or spaces). No per-line list, no other column, nothing else materialised.
- `wide` (floor 2, the wide floor): the scan, then every column of every line of those claims (a
  second pass filtered by the ids, bound as one list as the audit's load does) and the whole
  encounters and members files, materialised into temporary tables: the least data an audit
  must touch.

Formulations tried (1M generated lines, seed 7, DuckDB 2.0.1, 2 cores shared with another job;
seconds inside one process from opening the files to the result, best of 9 rounds for Parquet
and 5 for CSV, the formulations taking turns in each round). The scan:

| formulation | iNO claims | Parquet s | CSV s |
|---|---:|---:|---:|
| `list_has_any([procedure_code_1, ...], [...])` (the old bare scan) | 3,052 | 0.56 | 1.74 |
| `'3E0F7SD' in (*columns('^procedure_code_[0-9]+$'))` (the old audit's) | 3,052 | 0.16 | 1.07 |
| plain `in (...)` on the raw text, one test per column | 3,052 | 0.10 | 1.12 |
| one scan per column, `union` of their ids | 3,052 | 0.21 | 16.7 |
| the audit's normalisation of every value, then `in (...)` | 3,289 | 0.15 | 1.38 |
| that normalisation behind a length test (kept) | 3,289 | 0.14 | 1.13 |
| kept, counted with `count(distinct claim_id)` | 3,289 | 0.15 | 1.27 |
| kept, CSV header and types sniffed by DuckDB | 3,289 | | 1.80 |

Plain comparisons of the raw text are not the audit's work: the generator writes the procedure
codes of one institutional iNO claim in ten in lower case (as real extracts may), and they miss
237 of the 3,289 iNO claims. The kept test normalises only what can match: a value as long as
a code (in bytes) can only match through its case, so it is upper-cased (or compared as is when
the codes have no letters, as CPT 94799); a longer value gets the audit's full normalisation
(upper case, no dots or spaces); a shorter one cannot match. It finds the audit's claims for
about what plain comparisons cost: within 0.04 s on Parquet (where normalising every value
costs about as much), the same on CSV (a fifth less than normalising every value).

The wide floor's second pass (the whole floor 2, seconds as above, best of 7 and 3 rounds):

| formulation | Parquet s | CSV s |
|---|---:|---:|
| the ids bound as one list, `claim_id = any($ids)`, as the audit's load (kept) | 0.49 | 3.16 |
| `semi join ino_ids using (claim_id)` | 0.47 | 4.15 |
| `claim_id in (select claim_id from ino_ids)` | 0.44 | 4.81 |
| every line read once into a table, then both passes over it | | 5.5 |
| one pass, `qualify bool_or(<iNO line>) over (partition by claim_id)` | | 7.9 |

On Parquet the three filters cost the same; on CSV the bound list, a filter applied inside the
scan, is a quarter faster than either join.
"""

from __future__ import annotations

import argparse
import csv
import glob
import re
from collections import defaultdict
from pathlib import Path

import duckdb

VALUE_SETS = Path(__file__).resolve().parent.parent / "valuesets" / "value_sets.csv"
PARQUET_SUFFIXES = (".parquet", ".pq")
SOURCES = ("claims", "encounters", "members")
PROCEDURE_COLUMN = re.compile(r"procedure_code_[0-9]+")


def normalise(code: str) -> str:
    """Return a code as the audit stores it: upper case, no dots or spaces."""
    return code.replace(".", "").replace(" ", "").upper()


def ino_codes() -> dict[str, list[str]]:
    """Return the codes of the value set ino_procedure by code system, from the repo's file."""
    out: dict[str, list[str]] = defaultdict(list)
    with open(VALUE_SETS, newline="") as f:
        for row in csv.DictReader(f):
            if row["value_set"] == "ino_procedure":
                out[row["code_system"]].append(normalise(row["code_from"]))
    return dict(out)


def sql_list(codes: list[str]) -> str:
    """Return codes as a SQL list of string literals."""
    return "(" + ", ".join("'" + c.replace("'", "''") + "'" for c in codes) + ")"


def normalised_sql(column: str) -> str:
    """Return the audit's code normalisation of a column (staging.py `typed_expr`)."""
    return f"upper(replace(replace(trim({column}), '.', ''), ' ', ''))"


def code_test(column: str, codes: list[str]) -> str:
    """Return a predicate: the column, normalised as the audit does, is one of the codes."""
    tests = []
    for n in sorted({len(c) for c in codes}):
        same = [c for c in codes if len(c) == n]
        listed = sql_list(same)
        caseless = all(c.upper() == c.lower() for c in same)
        exact = f"{column} in {listed}" if caseless else f"upper({column}) in {listed}"
        tests.append(f"(strlen({column}) = {n} and {exact})")
        tests.append(f"(strlen({column}) > {n} and {normalised_sql(column)} in {listed})")
    return " or ".join(tests)


def ino_line_sql(claim_columns: list[str]) -> str:
    """Return the iNO-line predicate over the claims' columns (value set ino_procedure)."""
    codes = ino_codes()
    tests = [code_test("hcpcs_code", codes["CPT"])] if codes.get("CPT") else []
    pcs = codes.get("ICD-10-PCS", [])
    tests += [code_test(c, pcs) for c in claim_columns if pcs and PROCEDURE_COLUMN.fullmatch(c)]
    return " or ".join(f"({t})" for t in tests)


def files(pattern: str) -> list[str]:
    """Expand a path or glob into its files, sorted."""
    found = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
    if not found:
        raise SystemExit(f"no file matches {pattern}")
    return found


def open_source(con: duckdb.DuckDBPyConnection, name: str, pattern: str) -> None:
    """Create the view `name` over a source's files: Parquet as typed, CSV as text, not sniffed."""
    paths = files(pattern)
    if paths[0].lower().endswith(PARQUET_SUFFIXES):
        con.read_parquet(paths).create_view(name)
        return
    with open(paths[0], newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    con.read_csv(
        paths,
        header=True,
        auto_detect=False,
        delimiter=",",
        quotechar='"',
        escapechar='"',
        columns=dict.fromkeys(header, "VARCHAR"),
    ).create_view(name)


def scan(con: duckdb.DuckDBPyConnection) -> int:
    """Floor 1: keep the distinct ids of the iNO claims in `ino_ids`; return their number."""
    predicate = ino_line_sql(con.table("claims").columns)
    con.execute(
        f"create temp table ino_ids as select distinct claim_id from claims where {predicate}"
    )
    return con.execute("select count(*) from ino_ids").fetchall()[0][0]


def wide(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Floor 2: materialise every line of the iNO claims, the encounters and the members."""
    ids = [k for (k,) in con.execute("select claim_id from ino_ids").fetchall()]
    con.execute(
        "create temp table ino_lines as select * from claims where claim_id = any($ids)",
        {"ids": ids},
    )
    for source in ("encounters", "members"):
        con.execute(f"create temp table {source}_rows as select * from {source}")
    tables = ("ino_lines", "encounters_rows", "members_rows")
    return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in tables}


def main() -> None:
    """Run one floor over the three extracts and print what it kept."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("floor", choices=("scan", "wide"))
    for source in SOURCES:
        ap.add_argument(f"--{source}", required=True, help="file or glob")
    args = ap.parse_args()
    con = duckdb.connect()
    needed = SOURCES if args.floor == "wide" else ("claims",)
    for source in needed:
        open_source(con, source, getattr(args, source))
    counts = {"ino_claims": scan(con)}
    if args.floor == "wide":
        counts |= wide(con)
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()

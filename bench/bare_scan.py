"""The floor: read the same files with DuckDB and keep the iNO claim lines; nothing else.

python bench/bare_scan.py --claims F --encounters F --members F
"""

from __future__ import annotations

import argparse

import duckdb

INO_PCS = ["3E0F7SD", "3E0F8SD"]


def reader(path: str) -> str:
    """Return the DuckDB reader function for a file."""
    return "read_parquet" if path.endswith(".parquet") else "read_csv"


def main() -> None:
    """Scan the three extracts and materialise the iNO lines."""
    ap = argparse.ArgumentParser()
    for s in ("claims", "encounters", "members"):
        ap.add_argument(f"--{s}", required=True)
    a = ap.parse_args()
    con = duckdb.connect()
    procedures = ", ".join(f"procedure_code_{i}" for i in range(1, 26))
    con.execute(
        f"create table ino_lines as select * from {reader(a.claims)}(?) "
        f"where hcpcs_code = '94799' or list_has_any([{procedures}], ?)",
        [a.claims, INO_PCS],
    )
    for s in ("encounters", "members"):
        con.execute(
            f"create table {s} as select * from {reader(getattr(a, s))}(?)", [getattr(a, s)]
        )
    print(con.execute("select count(*) from ino_lines").fetchone()[0], "iNO lines")


if __name__ == "__main__":
    main()

"""Facts: the tables and views the rules read, one SQL file per table in sql/facts/.

Each file is named after the table (or view) it creates and opens with what it derives; FACTS
lists them in build order (a file reads only tables above it). Set-based DuckDB SQL over whole
tables; Python only sequences the files.
"""

from __future__ import annotations

import duckdb

from ino_audit.infra.sqlfiles import run_sql_file

# Macros every fact and rule may use (shown, exact_decimal, plan_row_matches).
MACROS = "macros"
# Tables, in build order.
TABLES = (
    "ino_claims",
    "claim_providers",
    "claim_codes",
    "claim_code_flags",
    "claim_links",
    "courses",
    "episodes",
    "course_facts",
    "judged_pairs",
)
# Views over the tables (rebuilt after a partitioned merge, whose parts return the tables).
VIEWS = ("judged", "claims_in_scope", "claim_episodes")
# The policy that judges each claim (contract §7): after the views, which it does not read.
POLICY = ("claim_policy",)
FACTS = (MACROS, *TABLES, *VIEWS, *POLICY)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create every fact table and view, in order."""
    for name in FACTS:
        run_sql_file(con, f"facts/{name}.sql")


def build_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the macros and the views over fact tables that exist already (a merge's)."""
    for name in (MACROS, *VIEWS):
        run_sql_file(con, f"facts/{name}.sql")

"""Member-id masking for the exports: a stable keyed hash per member (HMAC-SHA256).

The masked id is `MBR-` plus the first 16 hex digits of HMAC-SHA256(key, member_id). The key is
the environment variable INO_AUDIT_MASK_KEY when set; otherwise a random 32-byte key created once
per database and kept in its `mask_key` table, so reruns on one database give the same masked
ids. The HMAC runs in Python once per distinct member (not per claim line) and the result is a
table `member_masks`; the exports read the views `export_determinations` and `export_findings`,
which swap `member_id` for its masked form with a join. The database itself keeps raw ids.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

import duckdb
import pyarrow as pa

KEY_ENV = "INO_AUDIT_MASK_KEY"
PREFIX = "MBR-"
EXPORTED = {"determinations": "export_determinations", "findings": "export_findings"}


def mask_id(key: bytes, member_id: str) -> str:
    """Return the masked form of one member id."""
    return PREFIX + hmac.new(key, member_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def database_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """Return the database's masking key, creating and storing a random one the first time."""
    con.execute("create table if not exists mask_key (key_hex varchar not null)")
    rows = con.execute("select key_hex from mask_key limit 1").fetchall()
    if rows:
        return bytes.fromhex(rows[0][0])
    key = secrets.token_bytes(32)
    con.execute("insert into mask_key values (?)", [key.hex()])
    return key


def mask_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """Return the key: INO_AUDIT_MASK_KEY when set, else the database's stored key."""
    env = os.environ.get(KEY_ENV)
    return env.encode("utf-8") if env else database_key(con)


def has_member_id(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Return whether a table has a member_id column."""
    rows = con.execute(
        "select count(*) from duckdb_columns() where table_name = ? and column_name = 'member_id'",
        [table],
    ).fetchall()
    return bool(rows[0][0])


def build_member_masks(con: duckdb.DuckDBPyConnection, tables: list[str]) -> int:
    """Create `member_masks` (member_id, masked_id) for every member in the tables; return count."""
    union = " union ".join(f"select member_id from {t} where member_id is not null" for t in tables)
    ids = con.sql(f"select distinct member_id from ({union})").fetchall() if tables else []
    key = mask_key(con)
    members = [r[0] for r in ids]
    masks = pa.table(
        {
            "member_id": pa.array(members, pa.string()),
            "masked_id": pa.array([mask_id(key, m) for m in members], pa.string()),
        }
    )
    con.register("member_masks_arrow", masks)
    try:
        con.execute("create or replace table member_masks as select * from member_masks_arrow")
    finally:
        con.unregister("member_masks_arrow")
    return len(members)


def prepare_exports(con: duckdb.DuckDBPyConnection, mask_members: bool) -> None:
    """Create the export views, masking member_id through `member_masks` when asked."""
    masked = [t for t in EXPORTED if mask_members and has_member_id(con, t)]
    if mask_members:
        build_member_masks(con, masked)
    for table, view in EXPORTED.items():
        if table in masked:
            con.execute(
                f"create or replace temp view {view} as "
                f"select {table}.* replace (member_masks.masked_id as member_id) from {table} "
                f"left join member_masks on member_masks.member_id = {table}.member_id"
            )
        else:
            con.execute(f"create or replace temp view {view} as select * from {table}")

"""Member-id masking for the exports: pseudonymisation with a keyed hash (HMAC-SHA256).

The masked id is `MBR-` plus the first 16 hex digits of HMAC-SHA256(key, member_id). The key
comes from the operator, never from the audit: the file named by `--mask-key-file` (which must
lie outside `--out`) or the environment variable INO_AUDIT_MASK_KEY; ino-audit neither generates
nor stores one, so the outputs and the database beside them cannot undo the mapping. The same key
gives the same masked ids on every run. The HMAC runs once per distinct member into the
temporary table `member_masks`, which the export views `export_determinations` and
`export_findings` join, and which is dropped when the exports are written. In masked exports the
findings' exact ages in days (which with a service date give the birth date) become age bands.
The database itself keeps raw ids: it is the audit's working data, owner-only, not an export.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import duckdb
import pyarrow as pa

from ino_audit.infra.errors import AuditError

KEY_ENV = "INO_AUDIT_MASK_KEY"
PREFIX = "MBR-"
EXPORTED = {"determinations": "export_determinations", "findings": "export_findings"}
# The run's key, set by use_key for the run and forgotten after it (never written anywhere).
_run_key: bytes | None = None
# Exact ages in days in a masked export become these bands (contract §2: newborn <= 28 days,
# infant < 1 year, adult >= 18 years).
AGE_BAND = (
    "case when d is null then null when d <= 28 then 'newborn (0-28 days)' "
    "when d < 365 then 'infant (29 days to 1 year)' when d < 6575 then 'child (1-17 years)' "
    "else 'adult (18 years or more)' end"
)
COARSE_FINDINGS = (
    "select findings.* replace ("
    "regexp_replace(message, 'age [0-9]+ days', 'age under 1 year', 'g') as message, "
    "case when json_exists(evidence, '$.age_days') then json_merge_patch(evidence, "
    "json_object('age_days', null, 'age_band', age_band((evidence->>'$.age_days')::bigint))) "
    "else evidence end as evidence) from findings"
)


def load_key(key_file: Path | None, out: Path) -> bytes:
    """Return the masking key from the key file (outside out) or INO_AUDIT_MASK_KEY, or refuse."""
    if key_file is not None:
        if key_file.resolve().is_relative_to(out.resolve()):
            raise AuditError(
                f"The masking key file {key_file} is inside the output folder {out}; keep the "
                "key away from the data it protects."
            )
        try:
            key = key_file.read_bytes().strip()
        except OSError as e:
            raise AuditError(
                f"The masking key file {key_file} cannot be read ({e.strerror})."
            ) from None
        if not key:
            raise AuditError(f"The masking key file {key_file} is empty.")
        return key
    return env_key()


def env_key() -> bytes:
    """Return INO_AUDIT_MASK_KEY, or refuse with one sentence when it is not set."""
    env = os.environ.get(KEY_ENV, "")
    if env:
        return env.encode("utf-8")
    raise AuditError(
        f"--mask-members needs a key: give --mask-key-file (a file outside --out) or set "
        f"{KEY_ENV}; ino-audit does not generate or store one."
    )


def use_key(key: bytes | None) -> None:
    """Set (or with None, forget) the run's masking key."""
    global _run_key
    _run_key = key


def mask_id(key: bytes, member_id: str) -> str:
    """Return the masked form of one member id."""
    return PREFIX + hmac.new(key, member_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def mask_key() -> bytes:
    """Return the run's key (use_key), else INO_AUDIT_MASK_KEY; refuse when there is none."""
    if _run_key is not None:
        return _run_key
    return env_key()


def has_member_id(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Return whether a table has a member_id column."""
    rows = con.execute(
        "select count(*) from duckdb_columns() where table_name = ? and column_name = 'member_id'",
        [table],
    ).fetchall()
    return bool(rows[0][0])


def build_member_masks(con: duckdb.DuckDBPyConnection, tables: list[str]) -> int:
    """Add to `member_masks` (member_id, masked_id) every member of the tables it lacks (a run
    that prepares its exports twice hashes each member once); return how many were added."""
    con.execute(
        "create temp table if not exists member_masks (member_id varchar, masked_id varchar)"
    )
    union = " union ".join(f"select member_id from {t} where member_id is not null" for t in tables)
    ids = (
        con.sql(
            f"select distinct member_id from ({union}) anti join member_masks using (member_id)"
        ).fetchall()
        if tables
        else []
    )
    key = mask_key()
    members = [r[0] for r in ids]
    masks = pa.table(
        {
            "member_id": pa.array(members, pa.string()),
            "masked_id": pa.array([mask_id(key, m) for m in members], pa.string()),
        }
    )
    con.register("member_masks_arrow", masks)
    try:
        con.execute("insert into member_masks select * from member_masks_arrow")
    finally:
        con.unregister("member_masks_arrow")
    return len(members)


def drop_id_map(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the member-id map, and any key or map an earlier version kept in the database."""
    for view in EXPORTED.values():
        con.execute(f"drop view if exists {view}")
    con.execute("drop table if exists temp.member_masks")
    for table in ("member_masks", "mask_key"):
        con.execute(f"drop table if exists main.{table}")


def prepare_exports(con: duckdb.DuckDBPyConnection, mask_members: bool) -> None:
    """Create the export views: member_id masked and ages coarsened when asked."""
    masked = [t for t in EXPORTED if mask_members and has_member_id(con, t)]
    if mask_members:
        build_member_masks(con, masked)
        con.execute(f"create or replace temp macro age_band(d) as {AGE_BAND}")
    for table, view in EXPORTED.items():
        source = f"({COARSE_FINDINGS})" if mask_members and table == "findings" else table
        if table in masked:
            con.execute(
                f"create or replace temp view {view} as "
                f"select {table}.* replace (member_masks.masked_id as member_id) "
                f"from {source} as {table} "
                f"left join member_masks on member_masks.member_id = {table}.member_id"
            )
        else:
            con.execute(f"create or replace temp view {view} as select * from {source}")

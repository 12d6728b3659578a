"""`ino-audit recover`: adjustments.csv/.parquet and one overpayment letter per provider."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ino_audit.engine import policy
from ino_audit.infra import safe_io
from ino_audit.infra.sqlfiles import read_sql
from ino_audit.outputs import masking
from ino_audit.outputs import review_codes as codes
from ino_audit.recovery import letters

ADJUSTMENT_COLUMNS = (
    "claim_id, provider_id, group_code, carc, rarc, adjustment_amount, policy_reference"
)
STATUS_COLUMNS = (
    "claim_id, provider_id, determination, rule_ids, paid_date, paid_amount, review_status, "
    "disposition, reviewer, reviewed_on, reviewed_rule_ids, conflict, lookback_months, "
    "lookback_opens, lookback_status, confirmed_overpayment, recoverable_overpayment, open_at_risk"
)
TEMPLATE = letters.TEMPLATES / "recovery_letter.html.j2"


@dataclass
class RecoveryResult:
    """What `recover` wrote: adjustments, letters and their totals per provider."""

    out: Path
    adjustments: int = 0
    total: Decimal = Decimal("0.00")
    letters: dict[str, tuple[Path, Decimal]] = field(default_factory=dict)
    outside_lookback: int = 0


def install_policy_numbers(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp table `recovery_policy_numbers`: each policy version's number (the
    policy files' [source] number), which the adjustments cite."""
    rows = [(v, policy.load(v).source_info.get("number") or v) for v in policy.available()]
    con.execute(
        "create or replace temp table recovery_policy_numbers "
        "(policy_version varchar, policy_number varchar)"
    )
    con.executemany("insert into recovery_policy_numbers values (?, ?)", rows)


def build_adjustments(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp table `recovery_adjustments` from the current decisions."""
    install_policy_numbers(con)
    con.execute(
        "create or replace temp table recovery_adjustments as "
        + read_sql("recovery/adjustments.sql"),
        {"recovery_remark": codes.RECOVERY_REMARK},
    )


def write_tables(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """Write adjustments.csv/.parquet (contract columns) and review_status.csv."""
    safe_io.ensure_dir(out)
    query = f"select {ADJUSTMENT_COLUMNS} from recovery_adjustments order by provider_id, claim_id"
    safe_io.write_csv(con, query, out / "adjustments.csv")
    safe_io.write_parquet(con, query, out / "adjustments.parquet")
    status = f"select {STATUS_COLUMNS} from review_claim_status order by claim_id"
    safe_io.write_csv(con, status, out / "review_status.csv")


def rows(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> list[dict]:
    """Run a query and return its rows as dicts."""
    result = con.execute(query, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


def member_masker(con: duckdb.DuckDBPyConnection, mask: bool):
    """Return a function giving the member id shown to templates (masked when asked)."""
    if not mask:
        return lambda member_id: member_id
    key = masking.mask_key()
    return lambda member_id: masking.mask_id(key, member_id) if member_id else member_id


def used_codes(claims: list[dict]) -> list[dict[str, str]]:
    """Return the codes a letter uses with the value set's descriptions, in print order."""
    keys: dict[tuple[str, str], None] = {}
    for c in claims:
        keys[("group", c["group_code"])] = None
        keys[("carc", c["carc"])] = None
        keys.update({("rarc", r): None for r in (c["rarc"] or "").split(";") if r})
    return [{"code": code, "description": codes.describe(kind, code)} for kind, code in keys]


def write_letters(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    plan: dict[str, Any],
    as_of: dt.date,
    template: Path,
    mask_members: bool,
) -> dict[str, tuple[Path, Decimal]]:
    """Render one PDF per provider with adjustments; return provider -> (path, total)."""
    shown = member_masker(con, mask_members)
    run_id = con.execute("select any_value(run_id) from params").fetchall()[0][0]
    totals = con.execute(
        "select provider_id, sum(adjustment_amount)::decimal(18, 2) from recovery_adjustments "
        "group by provider_id order by provider_id"
    ).fetchall()
    written = {}
    for provider_id, total in totals:
        claims = rows(
            con,
            "select * from recovery_adjustments where provider_id is not distinct from ? "
            "order by claim_start_date, claim_id",
            [provider_id],
        )
        for c in claims:
            c["member_id"] = shown(c["member_id"])
        rec = plan["recovery"]
        context = {
            "plan": plan,
            "provider_id": provider_id or "unknown",
            "reference": f"OP-{letters.safe_name(provider_id)}-{as_of:%Y%m%d}",
            "letter_date": as_of,
            "appeal_deadline": as_of + dt.timedelta(days=int(rec["appeal_days"])),
            "payment_due": as_of + dt.timedelta(days=int(rec.get("payment_days", 30))),
            "claims": claims,
            "total": total,
            "codes": used_codes(claims),
            "run_id": run_id,
        }
        path = out / "letters" / f"{letters.safe_name(provider_id)}.pdf"
        written[provider_id] = (letters.render_pdf(template, context, path), total)
    return written


def write_letter_index(out: Path, written: dict[str, tuple[Path, Decimal]]) -> None:
    """Write letters.csv beside letters/: provider, file, total (one line per letter)."""
    lines = ["provider_id,file,total_amount"]
    lines += [
        f"{p},letters/{path.name},{total:.2f}" for p, (path, total) in sorted(written.items())
    ]
    safe_io.write_text(out / "letters.csv", "\n".join(lines) + "\n")


def recover(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    as_of: dt.date,
    plan_config: Path | None = None,
    template: Path | None = None,
    mask_members: bool = False,
) -> RecoveryResult:
    """Write adjustments, the review status of every claim and the providers' letters."""
    plan = letters.load_plan(plan_config)
    build_adjustments(con)
    write_tables(con, out)
    written = write_letters(con, out, plan, as_of, template or TEMPLATE, mask_members)
    write_letter_index(out, written)
    count, total = con.execute(
        "select count(*), coalesce(sum(adjustment_amount), 0) from recovery_adjustments"
    ).fetchall()[0]
    outside = con.execute(
        "select count(*) from review_claim_status where lookback_status <> 'inside' "
        "and confirmed_overpayment > 0"
    ).fetchall()[0][0]
    return RecoveryResult(out, count, Decimal(total), written, outside)

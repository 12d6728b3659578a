"""Audit periods: named periods (previous month, a given month) as paid-date bounds."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ino_audit.infra.errors import AuditError


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """Return the first and last day of a calendar month."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def resolve(period: str, today: date) -> tuple[date, date, str]:
    """Return (paid_from, paid_to, folder label) for `previous-month` or `YYYY-MM`."""
    if period == "previous-month":
        last_month = today.replace(day=1) - timedelta(days=1)
        year, month = last_month.year, last_month.month
    elif m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise AuditError(f"The period {period} is not a month (use YYYY-MM).")
    else:
        raise AuditError(f"The period {period} is not previous-month or a month like 2026-10.")
    first, last = month_bounds(year, month)
    return first, last, f"paid-{year:04d}-{month:02d}"

"""The review columns of cases.xlsx and of the review CSV (docs/contract.md §6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

DISPOSITIONS = ("upheld", "overturned", "partial", "records_not_received")
INPUT_COLUMNS = ("disposition", "reviewed_overpayment", "reviewer", "reviewed_on", "note")
CSV_COLUMNS = ("claim_id", *INPUT_COLUMNS)
CASES_SHEET = "Cases"
# A very hidden copy of the Cases sheet as the audit wrote it: import compares the protected
# cells with it, so an edited claim id, amount or rule list is refused with the column named.
WRITTEN_SHEET = "Cases as written"

VALIDATIONS: dict[str, dict[str, Any]] = {
    "disposition": {
        "validate": "list",
        "source": list(DISPOSITIONS),
        "error_title": "Disposition",
        "error_message": "Choose upheld, overturned, partial or records_not_received.",
    },
    "reviewed_overpayment": {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "input_title": "Reviewed overpayment",
        "input_message": "Empty with upheld or records_not_received = the whole paid amount.",
        "error_message": "Enter an amount of 0 or more (at most the paid amount).",
    },
    "reviewed_on": {
        "validate": "date",
        "criteria": ">=",
        "value": dt.date(2000, 1, 1),
        "error_message": "Enter the review date (YYYY-MM-DD).",
    },
}

"""Row-wise pandas baseline: what an analyst's notebook would do, for five core rules.

    python bench/pandas_baseline.py FOLDER   (generated Parquet: claims, encounters, members)

`DataFrame.apply` over claim lines to find iNO claims, then over iNO claims to link courses
and test INO-DOC-MISSING, INO-IA1-ROUTE, INO-IA2A-OI, INO-48H-NO-REVIEW and INO-DX-NOSUPPORT.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

INO_PCS = {"3E0F7SD", "3E0F8SD"}
SUPPORTING = (
    "I16",
    "I270",
    "I272",
    "J80",
    "J9601",
    "P0737",
    "P0738",
    "P0739",
    "P220",
    "P285",
    "P293",
    "Q210",
    "Q212",
    "U071",
    "U072",
    "Z98890",
)
DX = [f"diagnosis_code_{i}" for i in range(1, 26)]
PX = [f"procedure_code_{i}" for i in range(1, 26)]


def norm(code: object) -> str:
    """Normalise one code."""
    return str(code).replace(".", "").upper() if isinstance(code, str) else ""


def is_ino_line(row: pd.Series) -> bool:
    """Whether a claim line carries an iNO code."""
    return norm(row["hcpcs_code"]) == "94799" or any(norm(row[c]) in INO_PCS for c in PX)


def judge(claim: pd.Series, encounters: pd.DataFrame, lines: pd.DataFrame) -> list[str]:
    """Apply the five rules to one claim."""
    hits = []
    mine = lines[lines["claim_id"] == claim["claim_id"]]
    codes = {norm(c) for c in mine[DX].to_numpy().ravel() if isinstance(c, str)}
    if not any(c.startswith(SUPPORTING) for c in codes):
        hits.append("INO-DX-NOSUPPORT")
    linked = encounters[
        (encounters["member_id"] == claim["member_id"])
        & (encounters["ino_start"].dt.date <= claim["claim_end_date"])
        & (encounters["ino_stop"].dt.date >= claim["claim_start_date"])
    ]
    if linked.empty:
        return [*hits, "INO-DOC-MISSING"]
    for _, enc in linked.iterrows():
        if enc["delivery_route"] not in ("endotracheal", "tracheostomy") and isinstance(
            enc["delivery_route"], str
        ):
            hits.append("INO-IA1-ROUTE")
        if pd.notna(enc["oxygenation_index"]) and float(enc["oxygenation_index"]) < 25:
            hits.append("INO-IA2A-OI")
        hours = (enc["ino_stop"] - enc["ino_start"]).total_seconds() / 3600
        if hours > 48 and pd.isna(enc["medical_director_review_date"]):
            hits.append("INO-48H-NO-REVIEW")
    return sorted(set(hits))


def main() -> None:
    """Run the baseline on a generated folder."""
    folder = Path(sys.argv[1])
    lines = pd.read_parquet(folder / "claims.parquet")
    encounters = pd.read_parquet(folder / "encounters.parquet")
    for c in ("ino_start", "ino_stop"):
        encounters[c] = pd.to_datetime(encounters[c])
    lines["is_ino"] = lines.apply(is_ino_line, axis=1)
    ino_ids = set(lines.loc[lines["is_ino"], "claim_id"])
    ino_lines = lines[lines["claim_id"].isin(ino_ids)]
    claims = ino_lines.groupby("claim_id", as_index=False).agg(
        member_id=("member_id", "first"),
        claim_start_date=("claim_start_date", "min"),
        claim_end_date=("claim_end_date", "max"),
    )
    for c in ("claim_start_date", "claim_end_date"):
        claims[c] = pd.to_datetime(claims[c]).dt.date
    claims["rule_ids"] = claims.apply(judge, axis=1, args=(encounters, ino_lines))
    print(len(claims), "iNO claims judged")


if __name__ == "__main__":
    main()

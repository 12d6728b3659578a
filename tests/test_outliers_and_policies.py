"""Provider outliers (modified z-score), policy versions and the policy comparison."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.casebook import Case, write_book
from tests.conftest import audit_folder, read_csv, run_cli

# Hours per episode for each provider's five episodes; P6 is the outlier on mean hours.
START = datetime(2024, 3, 2, 8, 0)
PROVIDER_HOURS = {"P1": 20, "P2": 22, "P3": 24, "P4": 26, "P5": 28, "P6": 120}


def provider_cases(hours: dict[str, int], episodes: int = 5) -> list[Case]:
    """Return one reviewed newborn case per episode, billed by the given provider."""
    cases = []
    for provider, h in hours.items():
        for n in range(episodes):
            stop = (START + timedelta(hours=h)).isoformat(timespec="minutes")
            cases.append(
                Case(
                    f"{provider}-{n}",
                    courses=[{"ino_stop": stop, "medical_director_review_date": "2024-03-02"}],
                    claims=[{"facility_npi": provider, "claim_end_date": "2024-03-08"}],
                )
            )
    return cases


def outlier_providers(tmp_path, cases: list[Case]) -> dict[str, dict]:
    """Audit cases and return the INO-OUT-PROVIDER findings by provider."""
    out = audit_folder(write_book(cases, tmp_path), tmp_path / "out")
    return {
        f["provider_id"]: json.loads(f["evidence"])
        for f in read_csv(out / "findings.csv")
        if f["rule_id"] == "INO-OUT-PROVIDER"
    }


def test_provider_outlier_on_mean_hours(tmp_path):
    """Only the provider far above its peers' median fires, with its z-score as evidence."""
    cases = provider_cases(PROVIDER_HOURS)
    cases += provider_cases({"P7": 200}, episodes=4)  # too few episodes to be a peer
    found = outlier_providers(tmp_path, cases)
    assert set(found) == {"P6"}
    assert found["P6"]["z_hours"] > 3.5 and found["P6"]["episode_count"] == 5
    assert found["P6"]["peer_count"] == 6


def test_no_provider_outlier_when_mad_is_zero(tmp_path):
    """Identical peers (median absolute deviation 0) never fire."""
    assert outlier_providers(tmp_path, provider_cases(dict.fromkeys(PROVIDER_HOURS, 24))) == {}


SIXTY_HOURS = [Case("sixty", courses=[{"ino_stop": "2024-03-04T20:00"}])]


@pytest.mark.parametrize(
    ("version", "expected"),
    [("CP.MP.87-2020-05", "review_required"), ("CP.MP.87-2020-05-72h", "supported")],
)
def test_review_window_is_a_policy_parameter(tmp_path, version, expected):
    """A 60-hour unreviewed episode needs review under 48 h but not under the 72 h version."""
    out = audit_folder(write_book(SIXTY_HOURS, tmp_path), tmp_path / "out", policy_version=version)
    (row,) = read_csv(out / "determinations.csv")
    assert row["determination"] == expected
    assert json.loads((out / "summary.json").read_text())["policy_version"] == version


def test_compare_policies_lists_changed_claims(tmp_path):
    """compare-policies lists the claims whose determination changes between versions."""
    cases = [*SIXTY_HOURS, Case("short")]
    paths = write_book(cases, tmp_path)
    result = run_cli("compare-policies", paths, tmp_path / "cmp", "--other", "CP.MP.87-2020-05-72h")
    assert result.exit_code == 0, result.output
    rows = read_csv(tmp_path / "cmp" / "policy_comparison.csv")
    assert [(r["claim_id"], r["base_determination"], r["other_determination"]) for r in rows] == [
        ("C-sixty-0", "review_required", "supported")
    ]
    assert "INO-48H-NO-REVIEW" in rows[0]["base_rule_ids"]


def test_unknown_policy_version_is_refused(tmp_path):
    """An unknown --policy-version is one sentence listing the versions available."""
    paths = write_book(SIXTY_HOURS, tmp_path)
    result = run_cli("audit", paths, tmp_path / "o", "--policy-version", "X")
    assert result.exit_code == 2 and "CP.MP.87-2020-05-72h" in result.output

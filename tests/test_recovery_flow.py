"""The follow-up Prefect flows and the plan's own letter template."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ino_audit.outputs.masking import PREFIX
from tests.conftest import audit_folder, read_csv
from tests.test_recovery import SAMPLE, cli, pdf_text

HEAD = "claim_id,disposition,reviewed_overpayment,reviewer,reviewed_on,note\n"


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> Path:
    """Audit the committed sample once for this module."""
    return audit_folder(SAMPLE, tmp_path_factory.mktemp("flows") / "audit", run_id="flows")


def upheld_csv(audit_dir: Path, path: Path, n: int = 3) -> list[str]:
    """Write a review CSV upholding the first n denied claims paid recently; return them."""
    denied = [
        r
        for r in read_csv(audit_dir / "determinations.csv")
        if r["determination"] == "not_supported"
    ]
    claims = [r["claim_id"] for r in denied[:n]]
    path.write_text(HEAD + "".join(f"{c},upheld,,dr.lee,2026-11-01,\n" for c in claims))
    return claims


def test_follow_up_flows_run_each_step(audited, tmp_path):
    """request-records and recover-overpayments write what the CLI commands write."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.review_recovery import recover_overpayments, request_records

    audit_dir = Path(shutil.copytree(audited, tmp_path / "audit"))
    review = tmp_path / "review.csv"
    upheld_csv(audit_dir, review)
    with prefect_test_harness(server_startup_timeout=180):
        requested = request_records(str(audit_dir), str(tmp_path / "requests"))
        recovered = recover_overpayments(str(audit_dir), str(tmp_path / "rec"), str(review))
    assert requested["issued"] == len(read_csv(tmp_path / "requests" / "records_requests.csv"))
    assert recovered["import"]["appended"] == 3
    adjustments = read_csv(tmp_path / "rec" / "adjustments.csv")
    assert recovered["adjustments"] == len(adjustments)
    assert sum(float(a["adjustment_amount"]) for a in adjustments) == pytest.approx(
        float(recovered["total"])
    )


def test_plan_template_and_member_masking(audited, tmp_path, monkeypatch):
    """A plan template that names members shows them masked under --mask-members (the key
    from the environment, as for the audit); without a key, masking is refused."""
    audit_dir = Path(shutil.copytree(audited, tmp_path / "audit"))
    claims = upheld_csv(audit_dir, tmp_path / "review.csv", n=40)
    assert cli("review", "import", tmp_path / "review.csv", "--from", audit_dir).exit_code == 0
    template = tmp_path / "mine.html.j2"
    template.write_text(
        '{% extends "letter_base.html.j2" %}{% block body %}<h1>Plan letter</h1>'
        "{% for c in claims %}<p>{{ c.claim_id }} member {{ c.member_id }}</p>{% endfor %}"
        "<p>Total overpayment: {{ total|money }}</p>{% endblock %}"
    )
    members = {r["claim_id"]: r["member_id"] for r in read_csv(audit_dir / "determinations.csv")}
    monkeypatch.delenv("INO_AUDIT_MASK_KEY", raising=False)
    refused = cli("recover", "--from", audit_dir, "--out", tmp_path / "nokey", "--mask-members")
    assert refused.exit_code == 2 and "needs a key" in refused.output
    monkeypatch.setenv("INO_AUDIT_MASK_KEY", "a-test-key-kept-outside-the-output")
    for masked in (False, True):
        out = tmp_path / f"rec-{masked}"
        args = ["--mask-members"] if masked else []
        result = cli("recover", "--from", audit_dir, "--out", out, "--template", template, *args)
        assert result.exit_code == 0, result.output
        text = "".join(pdf_text(p) for p in (out / "letters").glob("*.pdf"))
        assert "Plan letter" in text
        shown = [members[c] for c in claims if c in text]
        assert shown and all((members[c] in text) != masked for c in claims if c in text)
        assert (PREFIX in text) == masked

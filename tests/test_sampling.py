"""Sampling and extrapolation (contract §5): RAT-STATS examples, properties, CLI, refusals."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import shutil
import time
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

from ino_audit.cli import app
from ino_audit.sampling import design
from ino_audit.sampling.estimate import estimate
from ino_audit.sampling.extrapolate import run_extrapolation
from tests.conftest import read_csv
from tests.test_flow import prefect_server  # noqa: F401  (module fixture: temporary server)

MONEY = st.floats(min_value=0, max_value=50_000, allow_nan=False, allow_infinity=False)


def invoke(*args: str):
    """Run `ino-audit` with arguments; return the result."""
    return CliRunner().invoke(app, [str(a) for a in args])


def scaled(n: int, mean: float, sd: float) -> np.ndarray:
    """Return n non-negative values whose mean and sample std dev are exactly mean and sd."""
    base = np.arange(n, dtype=float) ** 1.5  # right-skewed, like overpayments
    z = (base - base.mean()) / base.std(ddof=1)
    return mean + sd * z


def write_frame(path: Path, strata: dict[str, int]) -> dict[str, list[str]]:
    """Write frame.csv with N_h claims per stratum; return the claim ids by stratum."""
    ids: dict[str, list[str]] = {}
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["claim_id", "stratum", "paid_amount"])
        for stratum, size in strata.items():
            ids[stratum] = [f"S{stratum}-{i:06d}" for i in range(size)]
            w.writerows([c, stratum, "1000.00"] for c in ids[stratum])
    return ids


def write_results(path: Path, rows: list[tuple[str, float]], column: str = "overpayment") -> Path:
    """Write a reviewed-results CSV with full-precision values."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["claim_id", column])
        w.writerows((c, repr(float(v))) for c, v in rows)
    return path


def rat_stats_case(tmp_path: Path, design_: dict[str, tuple[int, int, float, float]]) -> dict:
    """Build a frame and results matching a RAT-STATS example; return extrapolation.json."""
    ids = write_frame(tmp_path / "frame.csv", {h: d[0] for h, d in design_.items()})
    rows = []
    for h, (_, n, mean, sd) in design_.items():
        values = scaled(n, mean, sd)
        assert values.min() >= 0
        rows += list(zip(ids[h][:n], values, strict=True))
    write_results(tmp_path / "reviewed.csv", rows)
    return run_extrapolation(tmp_path / "frame.csv", tmp_path / "reviewed.csv", tmp_path / "x")


def test_rat_stats_unrestricted_variable_appraisal(tmp_path):
    """N 10,000, n 50, mean 70.60, s 48.2519: the companion manual's figures to the dollar."""
    x = rat_stats_case(tmp_path, {"1": (10_000, 50, 70.60, 48.2519)})
    o = x["overall"]
    assert o["point_estimate"] == 706_000.00
    assert o["standard_error"] == pytest.approx(68_067.7, abs=0.05)
    # published to the dollar: 569,213 - 842,787; written to the cent
    assert o["confidence"]["95"]["lower"] == pytest.approx(569_213, abs=1)
    assert o["confidence"]["95"]["upper"] == pytest.approx(842_787, abs=1)
    assert round(o["confidence"]["95"]["lower"], 2) == o["confidence"]["95"]["lower"]
    assert o["confidence"]["95"]["precision_pct"] == 19.37
    assert o["distribution"] == "student_t" and o["degrees_of_freedom"] == 49
    t80 = stats.t.ppf(0.90, 49)
    assert x["demand_amount_pim"] == pytest.approx(706_000 - t80 * 68_067.6814, abs=0.01)
    assert x["demand_amount_pim"] == o["confidence"]["80"]["lower"]
    assert x["demand_amount_cia"] == o["confidence"]["90"]["lower"]
    s = x["strata"][0]
    assert (s["stratum"], s["frame_size"], s["sample_size"]) == (1, 10_000, 50)
    assert (s["mean"], s["std_dev"]) == (70.60, 48.25)
    assert x["warnings"] == []


def test_rat_stats_two_stratum_variable_appraisal(tmp_path):
    """Strata of 5,200 and 3,500 with 25 each: 1,605,948, SE 38,870, 95% 1,529,764-1,682,132."""
    x = rat_stats_case(
        tmp_path, {"1": (5_200, 25, 99.24, 26.3317), "2": (3_500, 25, 311.40, 39.6432)}
    )
    o = x["overall"]
    assert o["point_estimate"] == 1_605_948.00
    assert round(o["standard_error"]) == 38_870
    assert o["confidence"]["95"]["lower"] == pytest.approx(1_529_764, abs=1)  # 1,529,763.46
    assert o["confidence"]["95"]["upper"] == pytest.approx(1_682_132, abs=1)  # 1,682,132.54
    assert o["confidence"]["95"]["precision_pct"] == 4.74
    assert o["distribution"] == "normal"
    assert [s["point_estimate"] for s in x["strata"]] == [516_048.00, 1_089_900.00]
    warned = [w for w in x["warnings"] if "fewer than 30" in w]
    assert len(warned) == 2  # 25 sampled in each stratum


def test_demand_falls_back_to_sample_total_when_lower_limit_is_negative(tmp_path):
    """Few, lumpy overpayments: negative lower limit, demand = the sample's own overpayments."""
    ids = write_frame(tmp_path / "frame.csv", {"1": 1000})["1"]
    values = [0.0] * 26 + [5.0, 9000.0]
    write_results(tmp_path / "reviewed.csv", list(zip(ids, values, strict=False)))
    x = run_extrapolation(tmp_path / "frame.csv", tmp_path / "reviewed.csv", tmp_path / "x")
    assert x["overall"]["confidence"]["90"]["lower"] < 0
    assert x["demand_amount_pim"] == x["demand_amount_cia"] == 9005.00
    text = " ".join(x["warnings"])
    assert "negative" in text and "fewer than 30" in text and "non-zero" in text
    page = (tmp_path / "x" / "extrapolation.html").read_text()
    assert "actually found in the sample" in page and "$9,005.00" in page


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(MONEY, min_size=1, max_size=12), min_size=1, max_size=4))
def test_census_has_no_sampling_error(groups):
    """n_h = N_h in every stratum: standard error 0 and the exact total."""
    codes = np.concatenate([np.full(len(g), h) for h, g in enumerate(groups)])
    values = np.concatenate([np.array(g) for g in groups])
    est = estimate([str(h) for h in range(len(groups))], [len(g) for g in groups], codes, values)
    assert est.standard_error == 0
    assert est.point_estimate == pytest.approx(values.sum(), rel=1e-9, abs=1e-6)
    assert all(i.lower == i.upper == est.point_estimate for i in est.confidence.values())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(MONEY, min_size=2, max_size=15), min_size=1, max_size=4),
    st.floats(min_value=0.01, max_value=1000),
    st.integers(min_value=0, max_value=5000),
)
def test_scaling_overpayments_scales_every_figure(groups, k, extra):
    """Multiplying every overpayment by k multiplies every estimate, error and limit by k."""
    labels = [str(h) for h in range(len(groups))]
    sizes = [len(g) + extra for g in groups]
    codes = np.concatenate([np.full(len(g), h) for h, g in enumerate(groups)])
    values = np.concatenate([np.array(g) for g in groups])
    a, b = estimate(labels, sizes, codes, values), estimate(labels, sizes, codes, values * k)

    def close(x: float, y: float) -> bool:
        return y == pytest.approx(k * x, rel=1e-7, abs=1e-6 * k)

    assert close(a.point_estimate, b.point_estimate)
    assert close(a.standard_error, b.standard_error)
    for level in a.confidence:
        assert close(a.confidence[level].lower, b.confidence[level].lower)
        assert close(a.confidence[level].upper, b.confidence[level].upper)
    for sa, sb in zip(a.strata, b.strata, strict=True):
        assert close(sa.mean, sb.mean) and close(sa.std_dev, sb.std_dev)


# -- drawing the sample ---------------------------------------------------------------------


def fake_audit(folder: Path, claims: int, seed: int = 1) -> Path:
    """Write a minimal audit output folder (determinations.csv, summary.json) of n claims."""
    rng = np.random.default_rng(seed)
    paid = np.round(rng.lognormal(9, 1, claims), 2) + 1
    flagged = rng.random(claims) < 0.3
    dets = np.where(flagged, "not_supported", "supported")
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "determinations.csv", "w", newline="") as f:
        f.write("claim_id,member_id,determination,rule_ids,paid_amount,amount_at_risk\n")
        f.writelines(
            f"C{i:08d},M{i:08d},{d},{'INO-IA2-NONE' if d != 'supported' else ''},"
            f"{p:.2f},{p if d != 'supported' else 0:.2f}\n"
            for i, (d, p) in enumerate(zip(dets, paid, strict=True))
        )
    (folder / "summary.json").write_text(json.dumps({"run_id": "fake", "policy_version": "v"}))
    return folder


@pytest.fixture(scope="module")
def small_audit(tmp_path_factory) -> Path:
    """A fake audit of 400 claims."""
    return fake_audit(tmp_path_factory.mktemp("fake") / "audit", 400)


def sample_ids(audit: Path, out: Path, seed: int, *extra: str) -> list[tuple[str, ...]]:
    """Draw a sample with the CLI; return sample.csv's rows."""
    r = invoke("sample", "--from", audit, "--out", out, "--seed", seed, *extra)
    assert r.exit_code == 0, r.output
    with open(out / "sample.csv", newline="") as f:
        return [tuple(row) for row in csv.reader(f)]


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=2**40), st.integers(min_value=1, max_value=2**40))
def test_same_seed_same_sample_other_seed_other_sample(small_audit, tmp_path_factory, seed, step):
    """The same inputs and seed draw the same sample; another seed draws another."""
    root = tmp_path_factory.mktemp("draws")
    first = sample_ids(small_audit, root / "a", seed, "--size", "40", "--strata", "3")
    again = sample_ids(small_audit, root / "b", seed, "--size", "40", "--strata", "3")
    other = sample_ids(small_audit, root / "c", seed + step, "--size", "40", "--strata", "3")
    assert first == again
    assert {r[0] for r in first} != {r[0] for r in other}


def test_random_numbers_follow_the_documented_formula(small_audit, tmp_path):
    """A provider's statistician reproduces every random number and the selection with hashlib."""
    sample_ids(small_audit, tmp_path / "s", 20260101, "--size", "25")
    plan = json.loads((tmp_path / "s" / "sampling_plan.json").read_text())
    frame = read_csv(tmp_path / "s" / "frame.csv")
    rows = read_csv(tmp_path / "s" / "sample.csv")

    def number(claim_id: str) -> float:
        digest = hashlib.sha256(f"20260101:{claim_id}".encode()).hexdigest()
        return int(digest[:13], 16) / 2**52

    ranked = sorted(frame, key=lambda r: (number(r["claim_id"]), r["claim_id"]))
    assert [r["claim_id"] for r in rows] == [r["claim_id"] for r in ranked[:25]]
    assert all(float(r["random_number"]) == number(r["claim_id"]) for r in rows)
    assert [int(r["selection_order"]) for r in rows] == list(range(1, 26))
    assert plan["seed"] == 20260101 and plan["generator"]["name"] == "sha256-uniform"
    assert (
        plan["files"]["sample_sha256"]
        == hashlib.sha256((tmp_path / "s" / "sample.csv").read_bytes()).hexdigest()
    )


def test_stratified_design_with_certainty_stratum(small_audit, tmp_path):
    """Strata partition the frame, bounds hold, the certainty stratum is taken whole."""
    sample_ids(
        small_audit,
        tmp_path / "s",
        5,
        "--strata",
        "3",
        "--certainty-above",
        "40000",
        "--size",
        "60",
        "--allocation",
        "neyman",
    )
    plan = json.loads((tmp_path / "s" / "sampling_plan.json").read_text())
    frame = read_csv(tmp_path / "s" / "frame.csv")
    sample = read_csv(tmp_path / "s" / "sample.csv")
    assert len(frame) == plan["frame_size"] == 400
    assert list(frame[0]) == ["claim_id", "stratum", "paid_amount"]
    assert list(sample[0]) == [
        "claim_id",
        "stratum",
        "paid_amount",
        "random_number",
        "selection_order",
    ]
    for s in plan["strata"]:
        members = [float(r["paid_amount"]) for r in frame if int(r["stratum"]) == s["stratum"]]
        drawn = [r for r in sample if int(r["stratum"]) == s["stratum"]]
        assert len(members) == s["frame_size"] and len(drawn) == s["sample_size"]
        assert s["lower_bound"] is None or min(members) >= s["lower_bound"]
        assert s["upper_bound"] is None or max(members) < s["upper_bound"]
    certainty = [s for s in plan["strata"] if s["certainty"]]
    assert len(certainty) == 1 and certainty[0]["sample_size"] == certainty[0]["frame_size"]
    assert sum(s["sample_size"] for s in plan["strata"] if not s["certainty"]) == 60
    book = openpyxl.load_workbook(tmp_path / "s" / "review_worksheet.xlsx", read_only=True)
    assert book["Sample"].max_row == len(sample) + 1


def test_sqrt_f_and_equal_dollar_boundaries():
    """Cumulative sqrt(f) on a two-cluster frame cuts between the clusters; equal dollars too."""
    amounts = np.concatenate([np.full(100, 100.0), np.full(100, 10_000.0)])
    for method in design.METHODS:
        codes, cuts = design.stratify(amounts, 2, method)
        assert len(cuts) == 1 and 100 < cuts[0] <= 10_000
        assert (codes[:100] == 0).all() and (codes[100:] == 1).all()
    skewed = np.random.default_rng(3).lognormal(8, 1.2, 5000)
    codes, cuts = design.stratify(skewed, 4, "equal-dollars")
    dollars = np.bincount(codes, weights=skewed)
    assert dollars.max() / dollars.min() < 1.5


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=6),
    st.lists(st.floats(min_value=0, max_value=100), min_size=6, max_size=6),
    st.integers(min_value=1, max_value=3000),
)
def test_allocation_sums_and_respects_bounds(sizes, raw, total):
    """Allocation gives exactly the total (within limits), at least 2 and at most N_h each."""
    sizes_a = np.array(sizes)
    shares = design.weights(sizes_a, np.array(raw[: len(sizes)]), "neyman")
    n = design.allocate(total, sizes_a, shares)
    lo = np.minimum(sizes_a, 2)
    assert n.sum() == min(max(total, lo.sum()), sizes_a.sum())
    assert (n >= lo).all() and (n <= sizes_a).all()


def test_precision_sizing_matches_cochran():
    """One stratum: n = N^2 S^2 / ((E/z)^2 + N S^2), rounded up."""
    big_n, s, e, conf = 5000, 1200.0, 150_000.0, 90.0
    z = design.z_value(conf)
    n = design.size_for_precision(np.array([big_n]), np.array([s]), np.array([1.0]), e, z)
    assert n == math.ceil(big_n**2 * s**2 / ((e / z) ** 2 + big_n * s**2))
    # Neyman shares give the closed form (sum N_h S_h)^2 / ((E/z)^2 + sum N_h S_h^2)
    sizes, sds = np.array([3000, 1000]), np.array([200.0, 2000.0])
    shares = design.weights(sizes, sds, "neyman")
    n2 = design.size_for_precision(sizes, sds, shares, e, z)
    exact = (sizes * sds).sum() ** 2 / ((e / z) ** 2 + (sizes * sds**2).sum())
    assert n2 == math.ceil(exact - 1e-9)


@pytest.mark.parametrize("allocation", design.ALLOCATIONS)
@pytest.mark.parametrize(
    "basis", [[], ["--error-rate", "0.3"], ["--expected-sd", "5000", "--expected-mean", "2000"]]
)
def test_precision_sizing_reaches_its_target(small_audit, tmp_path, allocation, basis):
    """The sized design's anticipated precision meets the target, with caps and minimums."""
    sample_ids(
        small_audit,
        tmp_path / "s",
        8,
        "--strata",
        "4",
        "--precision",
        "8",
        "--confidence",
        "95",
        "--allocation",
        allocation,
        *basis,
    )
    sizing = json.loads((tmp_path / "s" / "sampling_plan.json").read_text())["design"]["sizing"]
    assert sizing["method"] == "precision" and sizing["confidence_pct"] == 95
    assert sizing["anticipated_precision_pct"] <= 8


def test_sample_is_fast_on_a_large_frame(tmp_path):
    """300,000 claims (ten times a 10 M-line audit's iNO claims) sample in seconds."""
    audit = fake_audit(tmp_path / "big", 300_000, seed=9)
    started = time.perf_counter()
    sample_ids(
        audit,
        tmp_path / "s",
        11,
        "--strata",
        "6",
        "--certainty-above",
        "200000",
        "--precision",
        "5",
        "--confidence",
        "90",
    )
    assert time.perf_counter() - started < 30
    assert len(read_csv(tmp_path / "s" / "frame.csv")) == 300_000


# -- end to end on a real audit, and refusals ---------------------------------------------------


@pytest.fixture(scope="module")
def audited(casebook_run, tmp_path_factory) -> Path:
    """A private copy of the casebook audit's output folder."""
    folder = tmp_path_factory.mktemp("sampled") / "audit"
    shutil.copytree(casebook_run, folder)
    return folder


@pytest.fixture(scope="module")
def drawn(audited) -> Path:
    """The flagged claims of the casebook audit sampled into audit/sampling."""
    out = audited / "sampling"
    r = invoke(
        "sample",
        "--from",
        audited,
        "--out",
        out,
        "--seed",
        42,
        "--universe",
        "flagged",
        "--size",
        "12",
    )
    assert r.exit_code == 0, r.output
    assert "Report refreshed" in r.output
    return out


def reviewed_from_audit(audited: Path, drawn: Path, path: Path) -> Path:
    """Write reviewed results: each sampled claim's overpayment is the audit's amount at risk."""
    at_risk = {r["claim_id"]: r["amount_at_risk"] for r in read_csv(audited / "determinations.csv")}
    rows = [(r["claim_id"], float(at_risk[r["claim_id"]])) for r in read_csv(drawn / "sample.csv")]
    return write_results(path, rows)


def test_cli_sample_extrapolate_and_report(audited, drawn, tmp_path):
    """audit -> sample -> reviewed.csv -> extrapolate; the report shows plan and demand."""
    dets = read_csv(audited / "determinations.csv")
    flagged = [d for d in dets if d["determination"] != "supported"]
    frame = read_csv(drawn / "frame.csv")
    assert {r["claim_id"] for r in frame} == {d["claim_id"] for d in flagged}
    assert len(read_csv(drawn / "sample.csv")) == 12
    plan = json.loads((drawn / "sampling_plan.json").read_text())
    assert plan["universe"]["name"] == "flagged" and plan["seed"] == 42
    summary = json.loads((audited / "summary.json").read_text())
    assert plan["source"]["run_id"] == summary["run_id"]
    assert (
        plan["source"]["determinations_csv_sha256"]
        == hashlib.sha256((audited / "determinations.csv").read_bytes()).hexdigest()
    )
    reviewed = reviewed_from_audit(audited, drawn, tmp_path / "reviewed.csv")
    r = invoke("extrapolate", "--frame", drawn / "frame.csv", "--results", reviewed, "--out", drawn)
    assert r.exit_code == 0, r.output
    x = json.loads((drawn / "extrapolation.json").read_text())
    assert set(x) >= {"overall", "demand_amount_pim", "demand_amount_cia", "strata", "warnings"}
    assert set(x["overall"]["confidence"]) == {"80", "90", "95"}
    assert set(x["strata"][0]) >= {
        "stratum",
        "frame_size",
        "sample_size",
        "nonzero",
        "mean",
        "std_dev",
        "point_estimate",
        "standard_error",
    }
    assert x["demand_amount_pim"] >= x["demand_amount_cia"]
    html = (audited / "report.html").read_text(encoding="utf-8")
    assert 'id="sampling"' in html and "Demand, CMS PIM" in html and "Demand, OIG CIA" in html
    page = (drawn / "extrapolation.html").read_text(encoding="utf-8")
    assert f"{x['demand_amount_cia']:,.2f}" in page
    for member in {d["member_id"] for d in dets if d["member_id"]}:
        assert member not in page and member not in html.split('id="sampling"')[1]


def test_audited_amount_gives_paid_minus_audited(drawn, tmp_path):
    """audited_amount instead of overpayment: overpayment = paid - audited."""
    sample = read_csv(drawn / "sample.csv")
    half = [(r["claim_id"], float(r["paid_amount"]) / 2) for r in sample]
    a = run_extrapolation(
        drawn / "frame.csv",
        write_results(tmp_path / "a.csv", half, "audited_amount"),
        tmp_path / "a",
    )
    b = run_extrapolation(
        drawn / "frame.csv", write_results(tmp_path / "b.csv", half), tmp_path / "b"
    )
    assert a["overall"]["point_estimate"] == b["overall"]["point_estimate"]


REFUSALS = [
    ("unknown claim", "claim_id,overpayment\nNOT-A-CLAIM,10\n", "row 1, column claim_id"),
    ("nan", "claim_id,overpayment\n{c0},nan\n", "row 1, column overpayment"),
    ("inf", "claim_id,overpayment\n{c0},1\n{c1},inf\n", "row 2, column overpayment"),
    ("text", "claim_id,overpayment\n{c0},ten dollars\n", "not a finite number"),
    ("empty", "claim_id,overpayment\n{c0},\n", "row 1, column overpayment: is empty"),
    ("negative", "claim_id,overpayment\n{c0},-5\n", "negative"),
    ("duplicate", "claim_id,overpayment\n{c0},1\n{c0},2\n", "row 2, column claim_id"),
    ("no amount column", "claim_id,amount\n{c0},1\n", "neither an overpayment"),
    ("audited above paid", "claim_id,audited_amount\n{c0},99999999\n", "above the claim's paid"),
    ("one claim", "claim_id,overpayment\n{c0},1\n", "at least 2"),
]


@pytest.mark.parametrize(("kind", "text", "expected"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_extrapolate_refuses_bad_results(drawn, tmp_path, kind, text, expected):
    """Bad reviewed results stop with one sentence naming the file, row and column (exit 2)."""
    ids = [r["claim_id"] for r in read_csv(drawn / "sample.csv")]
    results = tmp_path / "reviewed.csv"
    results.write_text(text.format(c0=ids[0], c1=ids[1]))
    r = invoke(
        "extrapolate", "--frame", drawn / "frame.csv", "--results", results, "--out", tmp_path / "x"
    )
    assert r.exit_code == 2, r.output
    assert expected in " ".join(r.output.split()), r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "x" / "extrapolation.json").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--universe", "bogus"], "--universe must be"),
        (["--size", "5", "--precision", "10"], "not both"),
        (["--strata", "0"], "--strata must be"),
        (["--universe", "supported", "--precision", "10"], "no dollars at risk"),
        (["--error-rate", "2"], "--error-rate"),
        (["--stratify", "magic", "--strata", "2"], "--stratify must be"),
    ],
)
def test_sample_refuses_bad_options(audited, tmp_path, args, expected):
    """Contradictory or out-of-range design options stop with one sentence."""
    r = invoke("sample", "--from", audited, "--out", tmp_path / "s", "--seed", 1, *args)
    assert r.exit_code == 2, r.output
    assert expected in " ".join(r.output.split()), r.output


def test_sample_refuses_a_folder_that_is_not_an_audit(tmp_path):
    """--from must be an audit's output folder."""
    r = invoke("sample", "--from", tmp_path, "--out", tmp_path / "s", "--seed", 1)
    assert r.exit_code == 2 and "determinations.csv" in r.output


def test_sample_period_filter_uses_the_audit_database(audited, tmp_path):
    """A service-date window keeps only the claims that start inside it."""
    import duckdb

    con = duckdb.connect(str(audited / "ino_audit.duckdb"), read_only=True)
    first = con.execute("select min(claim_start_date) from ino_claims").fetchall()[0][0]
    inside = con.execute(
        "select count(*) from ino_claims where claim_start_date = ? and paid_amount > 0", [first]
    ).fetchall()[0][0]
    con.close()
    r = invoke(
        "sample",
        "--from",
        audited,
        "--out",
        tmp_path / "s",
        "--seed",
        3,
        "--service-from",
        first.isoformat(),
        "--service-to",
        first.isoformat(),
        "--size",
        "2",
        "--no-report",
    )
    assert r.exit_code == 0, r.output
    assert 0 < len(read_csv(tmp_path / "s" / "frame.csv")) == inside
    plan = json.loads((tmp_path / "s" / "sampling_plan.json").read_text())
    assert plan["universe"]["period"]["service_from"] == first.isoformat()


@pytest.mark.usefixtures("prefect_server")
def test_flow_draws_the_same_sample_and_extrapolates(audited, drawn, tmp_path):
    """The sample-and-extrapolate flow draws what the CLI drew, then extrapolates the review."""
    from flows.sample_extrapolate import sample_and_extrapolate

    out = tmp_path / "flow"
    first = sample_and_extrapolate(str(audited), str(out), 42, universe="flagged", size=12)
    assert first["extrapolation"] is None
    assert (out / "sample.csv").read_bytes() == (drawn / "sample.csv").read_bytes()
    reviewed = reviewed_from_audit(audited, drawn, tmp_path / "reviewed.csv")
    second = sample_and_extrapolate(str(audited), str(out), 42, reviewed=str(reviewed))
    assert second["plan"] is None  # the sample under review is never drawn again
    direct = run_extrapolation(drawn / "frame.csv", reviewed, tmp_path / "direct")
    assert second["extrapolation"]["overall"] == direct["overall"]


def test_filled_in_worksheet_is_accepted_as_results(audited, drawn, tmp_path):
    """The reviewers' worksheet, filled in, extrapolates like the CSV of the same amounts."""
    book = openpyxl.load_workbook(drawn / "review_worksheet.xlsx")
    sheet = book["Sample"]
    header = [c.value for c in sheet[1]]
    column = header.index("Overpayment") + 1
    at_risk = {
        r["claim_id"]: float(r["amount_at_risk"]) for r in read_csv(audited / "determinations.csv")
    }
    for row in range(2, sheet.max_row + 1):
        claim = sheet.cell(row, header.index("Claim ID") + 1).value
        sheet.cell(row, column).value = at_risk[claim]
    book.save(tmp_path / "filled.xlsx")
    a = run_extrapolation(drawn / "frame.csv", tmp_path / "filled.xlsx", tmp_path / "a")
    csv_results = reviewed_from_audit(audited, drawn, tmp_path / "reviewed.csv")
    b = run_extrapolation(drawn / "frame.csv", csv_results, tmp_path / "b")
    assert a["overall"] == b["overall"]
    sheet.cell(3, column).value = None
    book.save(tmp_path / "gap.xlsx")
    with pytest.raises(Exception, match="row 2, column overpayment"):
        run_extrapolation(drawn / "frame.csv", tmp_path / "gap.xlsx", tmp_path / "c")


def test_spreadsheet_saved_csv_is_read(drawn, tmp_path):
    """A byte-order mark, "Claim ID" headers and "$1,234.56" amounts read as plain numbers."""
    sample = read_csv(drawn / "sample.csv")
    plain = write_results(tmp_path / "plain.csv", [(r["claim_id"], 1234.56) for r in sample])
    saved = tmp_path / "saved.csv"
    saved.write_text(
        "\ufeffClaim ID,Overpayment\n" + "".join(f'{r["claim_id"]},"$1,234.56"\n' for r in sample),
        encoding="utf-8",
    )
    a = run_extrapolation(drawn / "frame.csv", plain, tmp_path / "a")
    b = run_extrapolation(drawn / "frame.csv", saved, tmp_path / "b")
    assert a["overall"] == b["overall"]


def test_unpaid_claims_are_in_the_frame(tmp_path):
    """`--universe all` frames every iNO claim, a 0.00 claim too (contract §5: one row per claim
    of the universe); only a claim whose lines net below zero is left out, and counted."""
    audit = fake_audit(tmp_path / "audit", 60)
    rows = (audit / "determinations.csv").read_text().splitlines()
    rows[1] = ",".join([*rows[1].split(",")[:4], "0.00", "0.00"])
    rows[2] = ",".join([*rows[2].split(",")[:4], "-10.00", "0.00"])
    (audit / "determinations.csv").write_text("\n".join(rows) + "\n")
    result = invoke(
        "sample", "--from", str(audit), "--out", str(tmp_path / "s"), "--seed", "1", "--size", "10"
    )
    assert result.exit_code == 0, result.output
    frame = (tmp_path / "s" / "frame.csv").read_text()
    assert "C00000000," in frame and "C00000001," not in frame
    assert len(frame.splitlines()) == 1 + 59
    plan = json.loads((tmp_path / "s" / "sampling_plan.json").read_text())
    assert plan["universe"]["claims_excluded_negative_paid"] == 1


def test_sample_config_takes_every_option_by_name():
    """The command's and the flow's parameters reach the SampleConfig whole, by name; the
    folder is `out_dir` for the command and `out` for the flow; other parameters are ignored."""
    from datetime import date, datetime

    from ino_audit.sampling.config import sample_config_of

    options = {
        "universe": "flagged",
        "strata": 3,
        "stratify": "equal",
        "certainty_above": 5000.0,
        "allocation": "proportional",
        "size": None,
        "precision": 10.0,
        "confidence": 90.0,
        "error_rate": None,
        "expected_sd": 100.0,
        "expected_mean": 50.0,
    }
    dates = {"paid_from": datetime(2026, 1, 1), "service_to": date(2026, 6, 30)}
    command = sample_config_of(
        {"audit_dir": "a", "out_dir": "s", "seed": 9, "report": True, **options, **dates}
    )
    flow = sample_config_of(
        {"audit_dir": "a", "out": "s", "seed": 9, "reviewed": None, **options, **dates}
    )
    assert command == flow
    assert (command.audit_dir, command.out, command.seed) == (Path("a"), Path("s"), 9)
    assert {k: getattr(command, k) for k in options} == options
    assert command.period.paid_from == date(2026, 1, 1) and command.period.paid_to is None
    assert command.period.service_to == date(2026, 6, 30)

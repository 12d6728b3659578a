"""The options of `ino-audit sample` (and of the sample-and-extrapolate flow), checked.

`sample_config_of` builds a SampleConfig from the parameters of the command or the flow;
`check` refuses options that contradict each other or are out of range, in one sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from ino_audit.infra.errors import AuditError
from ino_audit.sampling.universe import Period


@dataclass
class SampleConfig:
    """What to sample and how (`ino-audit sample` options)."""

    audit_dir: Path
    out: Path
    seed: int
    universe: str = "all"
    strata: int = 1
    stratify: str = "sqrt-f"
    certainty_above: float | None = None
    allocation: str = "neyman"
    size: int | None = None
    precision: float | None = None
    confidence: float | None = None
    error_rate: float | None = None
    expected_sd: float | None = None
    expected_mean: float | None = None
    period: Period = field(default_factory=Period)


DATES = ("paid_from", "paid_to", "service_from", "service_to")


def sample_config_of(parameters: Mapping[str, Any]) -> SampleConfig:
    """Return the SampleConfig of a command's or flow's parameters, taken by name.

    The folder of the sample is `out_dir` (the command) or `out` (the flow); dates may be dates
    or datetimes; parameters that are not sampling options (`report`, `reviewed`, ...) are
    left out.
    """
    names = {f.name for f in fields(SampleConfig)} - {"audit_dir", "out", "seed", "period"}
    dates = (parameters.get(d) for d in DATES)
    return SampleConfig(
        Path(parameters["audit_dir"]),
        Path(parameters["out_dir"] if "out_dir" in parameters else parameters["out"]),
        parameters["seed"],
        period=Period(*(d.date() if isinstance(d, datetime) else d for d in dates)),
        **{name: parameters[name] for name in names if name in parameters},
    )


def check(cfg: SampleConfig) -> None:
    """Refuse options that contradict each other or are out of range, in one sentence."""
    if cfg.seed < 0:
        raise AuditError("--seed must be a whole number of zero or more.")
    if cfg.strata < 1:
        raise AuditError("--strata must be at least 1.")
    if cfg.size is not None and (cfg.precision is not None or cfg.confidence is not None):
        raise AuditError("Give --size or --precision/--confidence, not both.")
    if cfg.size is not None and cfg.size < 1:
        raise AuditError("--size must be at least 1.")
    if cfg.precision is not None and not 0 < cfg.precision < 100:
        raise AuditError("--precision is a percentage of the total, above 0 and below 100.")
    if cfg.confidence is not None and not 50 <= cfg.confidence < 100:
        raise AuditError("--confidence is a percentage such as 90 (from 50 to below 100).")
    if cfg.certainty_above is not None and not cfg.certainty_above > 0:
        raise AuditError("--certainty-above must be a positive dollar amount.")
    expectations = [cfg.error_rate is not None, cfg.expected_sd is not None]
    if cfg.size is not None and (any(expectations) or cfg.expected_mean is not None):
        raise AuditError("--error-rate and --expected-sd size the sample with --precision only.")
    if all(expectations):
        raise AuditError("Give --error-rate or --expected-sd, not both.")
    if cfg.error_rate is not None and not 0 < cfg.error_rate <= 1:
        raise AuditError("--error-rate is the expected share of claims in error, above 0 up to 1.")
    if (cfg.expected_sd is None) != (cfg.expected_mean is None):
        raise AuditError("--expected-sd and --expected-mean go together.")
    if cfg.expected_sd is not None and not (
        cfg.expected_sd >= 0 and cfg.expected_mean is not None and cfg.expected_mean > 0
    ):
        raise AuditError("--expected-sd must be 0 or more and --expected-mean above 0.")

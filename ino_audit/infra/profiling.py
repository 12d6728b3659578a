"""Wall time of the audit's inner phases for summary.json and bench/ (names only, no data)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_SECONDS: dict[str, float] = {}


def reset() -> None:
    """Forget the phases timed so far (a new run starts)."""
    _SECONDS.clear()


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Add the wall time of the enclosed block to the phase `name`."""
    t = time.perf_counter()
    try:
        yield
    finally:
        _SECONDS[name] = _SECONDS.get(name, 0.0) + time.perf_counter() - t


def seconds() -> dict[str, float]:
    """Return the phases timed since the last reset, rounded to milliseconds."""
    return {k: round(v, 3) for k, v in _SECONDS.items()}

"""The helper process (ino_audit/infra/workers.py): results come back, failures fall back, and a
killed audit never leaves a helper behind holding its output pipes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ino_audit.infra import workers

ROOT = Path(__file__).resolve().parent.parent


def test_helper_runs_work_in_another_process():
    """Work submitted to the helper runs there and its result comes back."""
    assert workers.call(pow, 2, 10) == 1024
    assert workers.call(os.getpid) != os.getpid()


def test_errors_of_the_work_are_raised():
    """An error raised by the work is the caller's error, not a reason to retry in-process."""
    with pytest.raises(ZeroDivisionError):
        workers.call(divmod, 1, 0)


def test_without_a_helper_work_runs_in_process(monkeypatch):
    """No helper (processes refused, or INO_AUDIT_WORKERS=0): the same work runs here."""

    def refuse() -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(workers, "_executor", refuse)
    assert workers.call(os.getpid) == os.getpid()
    monkeypatch.undo()
    monkeypatch.setenv("INO_AUDIT_WORKERS", "0")
    assert workers.call(os.getpid) == os.getpid()


def test_helper_exits_with_a_killed_parent():
    """SIGKILL the process that started a helper: the helper goes, and so do the pipes it had."""
    script = (
        "import os, time\n"
        "from ino_audit.infra import workers\n"
        "print(workers.call(os.getpid), flush=True)\n"
        "time.sleep(120)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    helper = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)  # returns only when no process holds the pipes
    assert out == b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(helper, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    pytest.fail(f"helper {helper} outlived its killed parent")

"""A minimal headless-Chromium driver over the DevTools protocol on a pipe (no extra packages).

Chromium started with `--remote-debugging-pipe` reads NUL-terminated JSON commands on fd 3 and
writes responses and events on fd 4. `open_page` loads one URL in a fresh profile and returns
every request the page made (Network.requestWillBeSent fires even for requests a Content Security
Policy then blocks), the console/log entries, and the value of a JavaScript expression.

The browser runs with a dead proxy and a host resolver that resolves nothing, so even Chromium's
own background traffic cannot leave the machine while a test runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--remote-debugging-pipe",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def chromium() -> str | None:
    """Return the Chromium binary, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageResult:
    """What a page did while loading."""

    requests: list[str]
    log: list[dict[str, Any]]
    value: Any
    events: list[dict[str, Any]] = field(default_factory=list)


class Browser:
    """One Chromium process driven over the DevTools pipe."""

    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        """Start Chromium with a temporary profile."""
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="ino-chromium-")
        cmd_r, self.cmd_w = os.pipe()
        self.out_r, out_w = os.pipe()

        def child() -> None:
            os.dup2(cmd_r, 3)
            os.dup2(out_w, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4),
            preexec_fn=child,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(cmd_r)
        os.close(out_w)
        self.buf = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        """Return the browser."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the browser (kill it if it does not exit) and remove its profile."""
        with contextlib.suppress(OSError, EOFError, TimeoutError, RuntimeError):
            self.send("Browser.close")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        for fd in (self.cmd_w, self.out_r):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def read(self) -> dict[str, Any]:
        """Read the next message (recording events)."""
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.out_r], [], [], left)[0]:
                raise TimeoutError("Chromium sent nothing within the timeout")
            chunk = os.read(self.out_r, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self.events.append(message)
        return message

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and return its result."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.cmd_w, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == message["id"]:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """Return the first event of a kind for a session, waiting for it if needed."""
        for event in self.events:
            if event["method"] == method and event.get("sessionId") == session:
                return event
        while True:
            event = self.read()
            if event.get("method") == method and event.get("sessionId") == session:
                return event


def open_page(url: str, expression: str, settle: float = 0.5) -> PageResult:
    """Load url in a new tab; return its requests, log entries and the expression's value."""
    binary = chromium()
    assert binary, "chromium is not installed"
    with Browser(binary) as b:
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Network", "Page", "Log", "Runtime"):
            b.send(f"{domain}.enable", session=session)
        b.send("Page.navigate", {"url": url}, session=session)
        b.wait_for("Page.loadEventFired", session)
        time.sleep(settle)  # let anything late (lazy loads, timers) show up
        value = b.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
        )["result"].get("value")
        events = [e for e in b.events if e.get("sessionId") == session]
    requests = [
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    ]
    log = [
        e["params"].get("entry", e["params"])
        for e in events
        if e["method"] in ("Log.entryAdded", "Runtime.exceptionThrown")
    ]
    return PageResult(requests, log, value, events)

"""The HTML report in a real browser: headless Chromium opens each page offline, and the test checks
that it rendered (a full-size screenshot, heatmaps laid out), that nothing was logged as an error
and that no request left the page.

Chromium is driven over the DevTools protocol on ``--remote-debugging-pipe`` (file descriptors 3
and 4, JSON messages ended by NUL), so no Python package is needed. Debian's ``chromium`` package
provides it (``.ci/run`` installs it); without it these tests skip. Set ``REPORT_SHOTS=DIR`` to
keep the screenshots for a person to look at.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.reports import render
from grader.results.model import SubmissionResult
from tests.test_report_cases import everything, graded_once, hostile

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--remote-debugging-pipe",
)
WIDTH = 1200
#: Screenshots stop here: enough to see a page, and a hostile page is many screens long.
MAX_HEIGHT = 8_000
TIMEOUT = 60.0
#: What the page reports about itself once loaded (run by the browser, not by the page: the page
#: has no script and its Content-Security-Policy allows none).
PROBE = """({
  height: document.documentElement.scrollHeight,
  heatmaps: [...document.querySelectorAll('svg.hm')].map(s => s.getBoundingClientRect().width),
  outlined: document.querySelectorAll('svg.hm .outline rect').length,
  text: document.body.innerText.length,
})"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason="needs Debian's chromium (apt-get install chromium; .ci/run does it)"),
]


class Chromium:
    """One headless browser for the module, spoken to over the DevTools pipe."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="report-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The browser expects the pipe on fds 3 and 4: park both high first so that moving them
        # there cannot overwrite the other.
        parked = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100) for fd in (to_browser_r, from_browser_w)]
        for fd in (to_browser_r, from_browser_w):
            os.close(fd)

        def onto_3_and_4() -> None:
            os.dup2(parked[0], 3)
            os.dup2(parked[1], 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=onto_3_and_4, close_fds=False,
        )
        for fd in parked:
            os.close(fd)
        self._id = 0
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_browser, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for message in messages:
                self._inbox.put(json.loads(message))
        self._inbox.put(None)

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()

    def _next(self, deadline: float) -> dict[str, Any]:
        message = self._inbox.get(timeout=max(0.1, deadline - time.monotonic()))
        if message is None:
            raise RuntimeError("chromium closed the pipe: " + self.stderr.decode()[-2000:])
        return message

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._next(deadline)
            if reply.get("id") != self._id:
                self.events.append(reply)
            elif "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            else:
                return dict(reply.get("result", {}))

    def wait_for(self, method: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._next(deadline))

    def open(self, path: Path) -> tuple[bytes, dict[str, Any], list[dict[str, Any]]]:
        """Load a page; its full-page screenshot, what it says about itself, and the events."""
        self.events = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
        self.send("Page.navigate", {"url": path.as_uri()}, session)
        self.wait_for("Page.loadEventFired")
        probe = self.send("Runtime.evaluate", {"expression": PROBE, "returnByValue": True},
                          session)["result"]["value"]
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": WIDTH, "height": min(probe["height"], MAX_HEIGHT),
                     "scale": 1},
        }, session)
        self.send("Target.closeTarget", {"targetId": target})
        return base64.b64decode(shot["data"]), probe, self.events

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, queue.Empty, OSError):  # it may be gone already
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    browser = Chromium()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def pages(variant: Callable[[str], Path]) -> dict[str, Callable[[], SubmissionResult]]:
    """The results whose pages are opened, built or graded when first asked for."""
    return {
        "solution": lambda: graded_once("solution", variant),
        "stub": lambda: graded_once("stub", variant),
        "corr2d_flipped_kernel": lambda: graded_once("corr2d_flipped_kernel", variant),
        "laplacian_and_answers": everything,
        "hostile": hostile,
    }


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def problems(events: list[dict[str, Any]]) -> list[str]:
    """Console errors and warnings, uncaught exceptions and log errors (a CSP violation is one)."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(str(params.get("exceptionDetails")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            found.append(str(params.get("args")))
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            found.append(str(params["entry"].get("text")))
    return found


@pytest.mark.parametrize(
    "name", ["solution", "stub", "corr2d_flipped_kernel", "laplacian_and_answers", "hostile"]
)
def test_when_the_page_opens_in_chromium_then_it_renders_offline_without_errors_or_requests(
    name: str, chromium: Chromium, pages: dict[str, Callable[[], SubmissionResult]], tmp_path: Path,
) -> None:
    path = tmp_path / f"{name}.html"
    path.write_text(render(pages[name](), "html"), encoding="utf-8")
    shot, probe, events = chromium.open(path)
    keep = os.environ.get("REPORT_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{name}.png").write_bytes(shot)

    requested = [e["params"]["request"]["url"] for e in events
                 if e.get("method") == "Network.requestWillBeSent"]
    assert requested == [path.as_uri()]
    assert problems(events) == []
    width, height = png_size(shot)
    assert width == WIDTH and height >= 600 and len(shot) > 20_000
    assert probe["text"] > 500
    assert all(w > 20 for w in probe["heatmaps"])
    if name in ("corr2d_flipped_kernel", "laplacian_and_answers"):
        assert len(probe["heatmaps"]) >= 6 and probe["outlined"] >= 2

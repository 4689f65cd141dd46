"""The probe: the one piece of grader code that runs inside the student's kernel.

It is imported in the kernel by a constant bootstrap line and listens on a Jupyter comm. Each
request names an operation and carries its arguments as data (``grader.probe.wire``); the probe calls the
student's code on the requested device and sends back the raw outcome (value, gradients, the inputs
after the call, the exception raised). It judges nothing: every verdict is made in the grader.

``handle`` is a pure function of a namespace and a request so that tests can drive it in-process;
``install`` only wires it to the kernel's comm manager.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping
from typing import Any


def _sibling(name: str, filename: str) -> Any:
    """Load a module that sits next to this file by path, as the kernel must (see BOOTSTRAP)."""
    import importlib.util
    from pathlib import Path

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(filename))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if __package__:
    from grader.probe import operations, wire
else:  # loaded by path inside the kernel: the modules it needs sit next to this file
    wire = _sibling("_grader_wire", "wire.py")
    operations = _sibling("_grader_operations", "operations.py")


COMM_TARGET = "grader.probe"
#: Where the launcher tells the kernel this file is. Loading it by path (not ``import grader``)
#: means a student's own ``grader.py`` next to their notebook cannot shadow the probe.
PROBE_PATH_VARIABLE = "GRADER_PROBE_PATH"
BOOTSTRAP = (
    "def _grader_bootstrap():\n"
    "    import importlib.util, os, sys\n"
    "    spec = importlib.util.spec_from_file_location('_grader_probe', os.environ['GRADER_PROBE_PATH'])\n"
    "    module = importlib.util.module_from_spec(spec)\n"
    "    sys.modules['_grader_probe'] = module\n"
    "    spec.loader.exec_module(module)\n"
    "    module.install()\n"
    "_grader_bootstrap()\n"
    "del _grader_bootstrap\n"
)
PROBE_FILE = __file__


#: What the student's code may print in all before the rest is dropped (with a note). Without it a
#: print loop sends one message of hundreds of MB, past what the grader accepts from a kernel.
MAX_PRINTED = 8 * 2**20
TRUNCATED = "\n[the grader stopped showing output here: over {size} MiB printed]\n"
#: ``install`` outside a Jupyter kernel: there is no comm manager to listen on.
NOT_IN_A_KERNEL = "the grader's probe runs inside a Jupyter kernel, and this process is not one"


class _CappedStream:
    """A stdout/stderr that forwards at most ``budget`` characters, then one note."""

    def __init__(self, stream: Any, budget: list[int]) -> None:
        self._stream = stream
        self._budget = budget  # shared by stdout and stderr

    def write(self, text: str) -> int:
        if self._budget[0] > 0:
            kept = text[: self._budget[0]]
            self._budget[0] -= len(kept)
            self._stream.write(kept)
            if self._budget[0] <= 0:
                self._stream.write(TRUNCATED.format(size=MAX_PRINTED // 2**20))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def install() -> None:
    """Cap what the kernel prints and register the comm target; runs before the student's cells."""
    from IPython.core.getipython import get_ipython

    shell = get_ipython()
    # A kernel's shell (ipykernel's ZMQInteractiveShell) holds its kernel; a terminal IPython has none.
    kernel = getattr(shell, "kernel", None)
    if shell is None or kernel is None:
        raise RuntimeError(NOT_IN_A_KERNEL)
    budget = [MAX_PRINTED]
    sys.stdout = _CappedStream(sys.stdout, budget)
    sys.stderr = _CappedStream(sys.stderr, budget)
    namespace = shell.user_ns

    def on_open(comm: Any, _open_msg: Any) -> None:
        def on_msg(msg: Mapping[str, Any]) -> None:
            content = msg["content"]["data"]
            buffers = [bytes(b) for b in msg.get("buffers") or ()]
            try:
                reply, out = handle(namespace, content, buffers)
            except BaseException as exc:  # a second interrupt, or a bug in the probe itself
                reply, out = {"status": "probe_error", "message": repr(exc)}, []
            reply["id"] = content.get("id")
            for stream in (sys.stdout, sys.stderr):  # so printed output arrives before the reply
                with contextlib.suppress(Exception):
                    stream.flush()
            comm.send(reply, buffers=out)

        comm.on_msg(on_msg)

    kernel.comm_manager.register_target(COMM_TARGET, on_open)


def handle(
    namespace: Mapping[str, Any], request: Mapping[str, Any], buffers: list[bytes]
) -> tuple[dict[str, Any], list[bytes]]:
    """Run one request against the student's namespace; never raises for the student's errors."""
    operation = operations.OPERATIONS.get(str(request.get("op")))
    if operation is None:
        return {"status": "bad_request", "message": f"unknown op {request.get('op')!r}"}, []
    out: list[bytes] = []
    max_bytes = int(request.get("max_bytes", 16 * 2**20))
    try:
        reply = operation(namespace, request, buffers)
    except KeyboardInterrupt:
        return {"status": "interrupted"}, []
    except BaseException as exc:  # the student's code may raise anything, SystemExit included
        return {"status": "raised", "exception": operations.describe_exception(exc)}, []
    if reply.get("status") != "ok":
        return reply, []
    try:
        return {k: wire.encode(v, out, max_bytes=max_bytes) for k, v in reply.items()}, out
    except OverflowError as exc:
        return {"status": "too_large", "message": str(exc)}, []
    except KeyboardInterrupt:
        return {"status": "interrupted"}, []
    except Exception as exc:  # encoding is our code: a failure here is not the student's
        return {"status": "probe_error", "message": f"{type(exc).__name__}: {exc}"}, []

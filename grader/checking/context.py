"""What a check sees: the device it runs on, seeded inputs, and calls into the student's code.

Checks are plain functions ``def check(ctx: CheckContext) -> None`` that raise ``CheckFailed`` (or
let a ``StudentCodeError`` from a call propagate). Every call goes through the channel as data and
comes back as data; the truth a check judges by is computed here, in the grader, and never sent over.
What a check shows is kept in its ``Evidence``; ``grader.checking.answers`` reads structured answers.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from grader import messages
from grader.checking import answers, calls, tracebacks
from grader.checking.calls import SEQUENCE, CallResult, ModuleRun
from grader.checking.channel import Channel
from grader.checking.evidence import Evidence
from grader.errors import (
    CallTimedOut,
    KernelDied,
    MissingName,
    StudentCodeError,
    WrongReturn,
)
from grader.probe import wire
from grader.submission import Submission


class CheckContext:
    """The handle a check gets; one per (check, device)."""

    def __init__(
        self,
        *,
        channel: Channel,
        submission: Submission,
        device: str,
        seed: int,
        call_timeout: float,
        max_result_bytes: int,
        quarantine: dict[str, StudentCodeError] | None = None,
    ) -> None:
        self.device = device
        self.seed = seed
        self._channel = channel
        self._submission = submission
        self._call_timeout = call_timeout
        self._max_result_bytes = max_result_bytes
        # Functions that hung or killed the kernel, shared by every check of a submission.
        self._quarantine = quarantine if quarantine is not None else {}
        self.stdout = ""
        self.last_stdout = ""
        # What the report shows beside the verdict; shared with the ``on()`` twins of this context.
        self.evidence = Evidence()

    def on(self, device: str) -> CheckContext:
        """The same context with calls placed on another device (e.g. a CPU call before a meta one)."""
        twin = copy.copy(self)
        twin.device = device
        return twin

    # -- inputs -------------------------------------------------------------------------------
    def generator(self, salt: int = 0) -> Any:
        """A seeded CPU generator: the same inputs on every device and every run with this seed."""
        import torch

        return torch.Generator().manual_seed(self.seed * 1_000_003 + salt)

    @property
    def torch_device(self) -> Any:
        """Where the truth is computed: the check's device (the CPU for ``meta`` checks)."""
        import torch

        return torch.device("cpu" if self.device == "meta" else self.device)

    # -- calls into the student's kernel --------------------------------------------------------
    def call(
        self,
        name: str,
        *args: Any,
        grad: Sequence[int] = (),
        return_inputs: bool = False,
        count_ops: bool = False,
        **kwargs: Any,
    ) -> CallResult:
        """Call the student's ``name(*args, **kwargs)`` with tensors placed on ``self.device``."""
        reply, buffers = self._send(
            {
                "op": "call",
                "name": name,
                "grad": list(grad),
                "return_inputs": return_inputs,
                "count_ops": count_ops,
            },
            name,
            args=args,
            kwargs=kwargs,
        )
        return CallResult(
            value=calls.decode(reply.get("value"), buffers),
            grads=tuple(calls.decode(reply.get("grads", {"$list": []}), buffers, SEQUENCE)),
            grad_error=calls.decode(reply.get("grad_error"), buffers),
            inputs_after=tuple(calls.decode(reply.get("inputs_after", {"$list": []}), buffers, SEQUENCE)),
            ops=calls.decode(reply.get("ops", {"$dict": {}}), buffers, dict),
            stdout=self.last_stdout,
        )

    def call_tensor(self, name: str, *args: Any, **kwargs: Any) -> wire.TensorValue:
        """Call and insist on a plain tensor result (the usual case)."""
        return self.expect_tensor(self.call(name, *args, **kwargs).value, name)

    def build_module(
        self,
        name: str,
        *args: Any,
        params: Mapping[str, Any] | None = None,
        forward: Sequence[Any] = (),
        backward: bool = False,
    ) -> ModuleRun:
        """Instantiate the student's class ``name(*args)``, set parameters, run forward/backward."""
        reply, buffers = self._send(
            {"op": "module", "name": name, "backward": backward},
            name,
            args=args,
            params=dict(params or {}),
            forward=list(forward),
        )
        return ModuleRun(
            is_module=bool(reply.get("is_module")),
            type_name=str(calls.decode(reply.get("type", ""), buffers)),
            parameters=calls.decode(reply.get("parameters", {"$dict": {}}), buffers, dict),
            attributes=calls.decode(reply.get("attributes", {"$dict": {}}), buffers, dict),
            output=calls.decode(reply.get("output"), buffers),
            grads=calls.decode(reply.get("grads", {"$dict": {}}), buffers, dict),
            grad_error=calls.decode(reply.get("grad_error"), buffers),
        )

    def get(self, name: str) -> Any:
        """The value of a variable in the student's namespace (structured or free-text answers)."""
        reply, buffers = self._send({"op": "get", "name": name}, name)
        return calls.decode(reply.get("value"), buffers)

    def warm_up(self, devices: Sequence[str], timeout: float) -> None:
        """Let torch pay its one-time costs (meta decompositions, a CUDA context) untimed."""
        self._channel.request(
            {"op": "warm_up", "devices": list(devices), "name": "warm_up"}, [], timeout=timeout
        )

    def kinds(self, names: Sequence[str]) -> dict[str, str]:
        """What each name is in the student's namespace: function, class, value:..., missing."""
        reply, buffers = self._send({"op": "describe", "names": list(names)}, "describe")
        kinds = calls.decode(reply.get("kinds", {"$dict": {}}), buffers, dict)
        return {str(k): str(v) for k, v in kinds.items()}

    def missing_error(self, name: str) -> MissingName:
        """The error for a name the student did not define (saying which cell should have)."""
        cell = self._submission.defining_cell(name)
        where = f" ({self._submission.where(cell.number, None)} defines it but did not run)" \
            if cell else ""
        return MissingName(messages.MISSING_NAME.format(name=name, where=where),
                           hint=messages.HINT_MISSING_NAME.format(name=name))

    def expect_tensor(self, value: Any, name: str) -> wire.TensorValue:
        """Accept a plain ``torch.Tensor`` only; say what was returned instead."""
        if isinstance(value, wire.TensorValue) and value.is_plain:
            return value
        got = answers.describe_kind(value)
        raise WrongReturn(messages.WRONG_RETURN.format(name=name, expected="a torch.Tensor", got=got),
                          hint=messages.HINT_RETURN_TENSOR)

    # -- what the check shows, and the structured answers it reads -----------------------------
    def exhibit(self, label: str, value: Any, note: str = "", *, reveals: bool = False) -> None:
        """Show a value in the report (the student's X and X.T, a kernel's responses), pass or fail."""
        self.evidence.exhibit(label, value, note, reveals=reveals)

    def detail(self, key: str, value: Any) -> None:
        """Report a figure for information only (an op count, a time); never judged."""
        self.evidence.detail(key, value)

    def record_answer(self, question: str, given: Any, truth: Any, choices: Sequence[str] = ()) -> bool:
        """Keep a structured answer beside the truth computed for it; returns whether they agree."""
        return self.evidence.record_answer(question, given, truth, choices)

    def choice(self, name: str, choices: Sequence[str]) -> str:
        """A structured answer that picks one of ``choices``; None (the stub's value) is not answered."""
        return answers.choice(self.get(name), name, choices)

    def value_answer(self, name: str, kinds: tuple[type, ...], expected: str) -> Any:
        """A structured answer that is a value (a bool, a number); None is not answered."""
        return answers.value_answer(self.get(name), name, kinds, expected)

    # -- plumbing -------------------------------------------------------------------------------
    def _send(
        self, request: dict[str, Any], name: str, **values: Any
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Send a request; map any non-ok status to the matching student error."""
        buffers: list[bytes] = []
        for key, value in values.items():
            request[key] = wire.encode(calls.as_wire(value), buffers, max_bytes=2**31)
        request.update(device=self.device, seed=self.seed, max_bytes=self._max_result_bytes)
        if name in self._quarantine:
            earlier = self._quarantine[name]
            raise type(earlier)(messages.QUARANTINED.format(name=name, reason=earlier.message),
                                hint=earlier.hint)
        try:
            reply, out, stdout = self._channel.request(request, buffers, timeout=self._call_timeout)
        except (CallTimedOut, KernelDied) as exc:  # calling it again would cost the same again
            self._quarantine[name] = exc
            raise
        if not isinstance(reply, dict):
            raise KernelDied(messages.PROBE_BROKE.format(name=name, detail="not a mapping"))
        self.last_stdout = stdout
        self.stdout += stdout
        if reply.get("status") == "ok":
            return reply, out
        raise calls.error_for(reply, name, call_timeout=self._call_timeout,
                              missing=self.missing_error, raised=self.student_exception)

    def student_exception(self, name: str, exc: Mapping[str, Any]) -> StudentCodeError:
        """Turn an exception the probe reported into NotImplementedYet or StudentRaised."""
        return tracebacks.student_exception(self._submission, name, exc)

"""What checking needs of whatever runs the student's code: one request in, one reply out.

Checks never know how the code runs (a kernel, a fork, the grader's own tests); the execution
layer's runners satisfy this protocol structurally, so checking does not import execution.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from grader.results import ExecutionInfo


class Channel(Protocol):
    """Carries probe requests to the student's namespace and their replies back, as data."""

    def request(
        self, request: Mapping[str, Any], buffers: list[bytes], *, timeout: float
    ) -> tuple[dict[str, Any], list[bytes], str]:
        """Send one probe request; return the reply, its buffers and what the code printed.

        Raises ``CallTimedOut`` or ``KernelDied`` (after recovering, so the next request works).
        """
        ...

    def execution(self) -> ExecutionInfo:
        """How execution has gone so far, restarts included."""
        ...

"""The port through which services write log events (Glue job output, Lambda logs).

A service that produces logs depends on :class:`LogWriter` only; the composition
root injects CloudWatch Logs' engine, which satisfies it. Knows no storage, no HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One event: epoch milliseconds and the message text."""

    timestamp: int
    message: str


class LogWriter(Protocol):
    def write(
        self, account: str, region: str, group: str, stream: str, events: Sequence[LogEvent]
    ) -> None:
        """Append ``events`` to ``group``/``stream``, creating both when missing."""
        ...


def lines_as_events(text: str, timestamp: int) -> list[LogEvent]:
    """One event per non-empty line of ``text``, all at ``timestamp``.

    >>> [e.message for e in lines_as_events("a\\n\\nb\\n", 5)]
    ['a', 'b']
    """
    return [LogEvent(timestamp, line) for line in text.splitlines() if line.strip()]

"""The port through which services write log events (Glue job output, Lambda logs).

A service that produces logs depends on :class:`LogWriter` only; the composition
root injects CloudWatch Logs' engine, which satisfies it. Knows no storage, no HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

BATCH_EVENTS = 10_000


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


def file_events(path: Path, timestamp: int, batch: int = BATCH_EVENTS) -> Iterator[list[LogEvent]]:
    """A text file's non-empty lines as events, ``batch`` at a time (memory stays bounded
    however large the file). Yields one empty batch for a missing or empty file, so a
    writer still creates the stream.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", delete=False); _ = f.write("a\\nb\\nc\\n"); f.close()
    >>> [[e.message for e in b] for b in file_events(Path(f.name), 0, batch=2)]
    [['a', 'b'], ['c']]
    >>> os.unlink(f.name); list(file_events(Path(f.name), 0))
    [[]]
    """
    pending: list[LogEvent] = []
    sent = False
    if path.exists():
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                text = line.rstrip("\r\n")
                if text.strip():
                    pending.append(LogEvent(timestamp, text))
                if len(pending) == batch:
                    yield pending
                    pending, sent = [], True
    if pending or not sent:
        yield pending

"""The one injectable clock. Engines ask it for the time; nothing else calls time.time().

Knows nothing of services. ``Clock`` is real time optionally scaled; ``FixedClock``
is for tests.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time, optionally running faster than real time.

    >>> c = Clock(scale=1.0)
    >>> abs(c.now() - time.time()) < 1
    True
    """

    def __init__(self, scale: float = 1.0) -> None:
        self._scale = scale
        self._origin_real = time.time()
        self._origin_virtual = self._origin_real
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, as a float."""
        real = time.time()
        if self._scale == 1.0:
            return real + self._offset
        return self._origin_virtual + (real - self._origin_real) * self._scale + self._offset

    def advance(self, seconds: float) -> None:
        """Jump forward (tests and demos skip waits with this)."""
        with self._lock:
            self._offset += seconds

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)


class FixedClock(Clock):
    """A clock that only moves when told to.

    >>> c = FixedClock(100.0); c.advance(5); c.now()
    105.0
    """

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        super().__init__()
        self._t = start

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._t += seconds

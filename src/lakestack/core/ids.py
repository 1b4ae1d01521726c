"""Identifier sources: request ids, version ids, resource ids. Seedable for tests.

Knows nothing of services beyond the id formats AWS uses.
"""

from __future__ import annotations

import base64
import os
import random
import threading
import uuid


class Ids:
    """Makes ids. With a seed, every id sequence is reproducible.

    >>> a, b = Ids(seed=1), Ids(seed=1)
    >>> a.uuid() == b.uuid()
    True
    """

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed) if seed is not None else None
        self._lock = threading.Lock()

    def _bytes(self, n: int) -> bytes:
        if self._rng is None:
            return os.urandom(n)
        with self._lock:
            return self._rng.randbytes(n)

    def uuid(self) -> str:
        """A random UUID4 string (Athena query ids, SQS message ids, ...)."""
        return str(uuid.UUID(bytes=self._bytes(16), version=4))

    def hex(self, n: int = 16) -> str:
        """``n`` random bytes as lowercase hex."""
        return self._bytes(n).hex()

    def request_id(self) -> str:
        """An id for one HTTP request: 16 upper-case hex characters, as S3 uses."""
        return self._bytes(8).hex().upper()

    def version_id(self) -> str:
        """An S3-style version id: 32 URL-safe characters."""
        return base64.urlsafe_b64encode(self._bytes(24)).decode().rstrip("=")

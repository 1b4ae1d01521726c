"""Hash large buffers on a worker thread while the caller does other I/O.

hashlib releases the GIL for buffers over 2 KiB, so MD5 (the ETag) and SHA-256 (a
signed payload) of a big upload run on the second core while the first writes the
file. Knows nothing of what is being hashed.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

# Below this size a thread hand-off costs more than it saves.
PARALLEL_MIN_BYTES = 256 << 10
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="lakestack-hash")


class _Hash(Protocol):
    def update(self, data: Any, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...


class BackgroundHash:
    """Wraps a hashlib object; large updates run on a worker, in order.

    >>> import hashlib
    >>> h = BackgroundHash(hashlib.md5())
    >>> h.update(b"a" * 300_000); h.update(b"b")
    >>> h.hexdigest() == hashlib.md5(b"a" * 300_000 + b"b").hexdigest()
    True
    """

    __slots__ = ("_hash", "_pending")

    def __init__(self, hash_: _Hash) -> None:
        self._hash = hash_
        self._pending: Future[None] | None = None

    def update(self, data: bytes) -> None:
        self._wait()  # keep updates in order: one in flight at a time
        if len(data) >= PARALLEL_MIN_BYTES:
            self._pending = _POOL.submit(self._hash.update, data)
        else:
            self._hash.update(data)

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def digest(self) -> bytes:
        self._wait()
        return self._hash.digest()

    def hexdigest(self) -> str:
        self._wait()
        return self._hash.hexdigest()

"""One SQLite database behind one re-entrant lock: WAL, atomic write transactions.

Every engine keeps its metadata this way; this module owns the connection rules
(journal mode, durability, locking, transactions) and knows no schema.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class SqliteDatabase:
    """A metadata database. Subclasses add their schema and queries.

    >>> import tempfile
    >>> db = SqliteDatabase(Path(tempfile.mkdtemp()) / "m.sqlite", "CREATE TABLE t (v)")
    >>> with db.transaction() as c:
    ...     _ = c.execute("INSERT INTO t VALUES (1)")
    >>> db.query("SELECT v FROM t"), db.writes
    ([(1,)], 1)
    >>> db.close()
    """

    def __init__(self, path: Path, schema: str, durable: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self.writes = 0  # committed write transactions, so readers can tell nothing changed
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self._conn.executescript(schema)

    @property
    def lock(self) -> threading.RLock:
        """Hold it to make a read and the following writes one atomic step."""
        return self._lock

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; the lock is held throughout; rolled back on error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self.writes += 1

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> None:
        """One statement in its own implicit transaction."""
        with self._lock:
            self._conn.execute(sql, args)
            self.writes += 1

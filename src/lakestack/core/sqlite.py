"""One SQLite database behind one re-entrant lock: WAL, atomic write transactions, and
the row codec every store uses (a model as JSON in one column).

Every engine keeps its metadata this way; this module owns the connection rules
(journal mode, durability, locking, transactions) and the model <-> JSON mapping, and
knows no schema.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sqlite3
import threading
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from lakestack.core.storage.private import private_dir, private_file

M = TypeVar("M")


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
        private_dir(path.parent)
        private_file(path)  # 0600; SQLite gives its -wal and -shm files the same mode
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


# -- the row codec: models as JSON text in one column ------------------------------------
#
# Every store keeps a resource as one row whose ``body`` is the model as JSON. Datetimes
# are tagged ``{"$dt": iso}`` and bytes ``{"$b": latin-1 text}`` so both round-trip
# exactly; ``load`` rebuilds nested dataclasses (and enums) from the type hints.


def _default(o: Any) -> Any:
    if isinstance(o, datetime):
        return {"$dt": o.isoformat()}
    if isinstance(o, bytes):
        return {"$b": o.decode("latin-1")}
    raise TypeError(f"cannot store {type(o).__name__}")


def _hook(d: dict[str, Any]) -> Any:
    if len(d) == 1:
        if "$dt" in d:
            return datetime.fromisoformat(d["$dt"])
        if "$b" in d:
            return d["$b"].encode("latin-1")
    return d


def dumps(value: Any) -> str:
    """JSON that keeps datetimes and bytes.

    >>> from datetime import UTC
    >>> loads(dumps({"d": datetime(2026, 1, 1, tzinfo=UTC), "b": b"\\x00"}))["b"]
    b'\\x00'
    """
    return json.dumps(value, default=_default, separators=(",", ":"))


def loads(text: str) -> Any:
    """The value ``dumps`` wrote (datetimes and bytes restored)."""
    return json.loads(text, object_hook=_hook)


def dump(model: Any) -> str:
    """A dataclass model as its stored JSON."""
    return dumps(dataclasses.asdict(model))


def load(cls: type[M], text: str) -> M:
    """Rebuild a model (nested dataclasses, lists, dicts, enums) from ``dump`` output;
    stored fields the model no longer has are ignored.

    >>> @dataclasses.dataclass
    ... class Point:
    ...     x: int
    ...     at: datetime | None = None
    >>> load(Point, dump(Point(1, datetime(2026, 1, 2)))).at.day
    2
    """
    return typing.cast(M, _build(cls, loads(text)))


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value) if len(inner) == 1 else value
    if origin is list and isinstance(value, list):
        (item,) = typing.get_args(tp) or (Any,)
        return [_build(item, v) for v in value]
    if origin is dict and isinstance(value, dict):
        args = typing.get_args(tp)
        item = args[1] if len(args) == 2 else Any
        return {k: _build(item, v) for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp) and isinstance(value, dict):
        hints = _hints(tp)
        return tp(
            **{
                f.name: _build(hints[f.name], value[f.name])
                for f in dataclasses.fields(tp)
                if f.name in value and f.init
            }
        )
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    return value

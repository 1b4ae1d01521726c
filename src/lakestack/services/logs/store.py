"""CloudWatch Logs' records in SQLite: ``<data_dir>/logs/logs.sqlite``.

Groups are one row each (the model as JSON); streams keep their timestamps in
columns for ordering; events are rows ordered by ``(timestamp, seq)`` where ``seq``
is the insertion order. Knows no Logs rules: the engine decides, the store records.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lakestack.core.sqlite import SqliteDatabase, dump, load
from lakestack.services.logs.models import LogGroup, LogStream

_SCHEMA = """
CREATE TABLE IF NOT EXISTS groups(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, name));
CREATE TABLE IF NOT EXISTS streams(
  account TEXT NOT NULL, region TEXT NOT NULL, grp TEXT NOT NULL, name TEXT NOT NULL,
  arn TEXT NOT NULL, created INTEGER NOT NULL, first_ts INTEGER, last_ts INTEGER,
  last_ingest INTEGER, upload_seq INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY(account, region, grp, name));
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL,
  grp TEXT NOT NULL, stream TEXT NOT NULL, ts INTEGER NOT NULL, ingest INTEGER NOT NULL,
  message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_stream ON events(account, region, grp, stream, ts, seq);
CREATE INDEX IF NOT EXISTS events_group ON events(account, region, grp, ts, seq);
"""
_STREAM_COLUMNS = "name, arn, created, first_ts, last_ts, last_ingest, upload_seq"

# One stored event: (seq, stream, timestamp, message, ingestion time).
EventRow = tuple[int, str, int, str, int]


def _stream(row: Sequence[Any]) -> LogStream:
    return LogStream(*row)


class LogsStore(SqliteDatabase):
    """Groups, streams and events of every (account, region)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    # -- groups ------------------------------------------------------------------------
    def get_group(self, account: str, region: str, name: str) -> LogGroup | None:
        rows = self.query(
            "SELECT body FROM groups WHERE account=? AND region=? AND name=?",
            (account, region, name),
        )
        return load(LogGroup, rows[0][0]) if rows else None

    def put_group(self, account: str, region: str, group: LogGroup) -> None:
        self.execute(
            "INSERT OR REPLACE INTO groups VALUES(?,?,?,?)",
            (account, region, group.name, dump(group)),
        )

    def list_groups(self, account: str, region: str, after: str | None) -> Iterator[LogGroup]:
        """Groups in name order, starting after ``after``."""
        rows = self.query(
            "SELECT body FROM groups WHERE account=? AND region=? AND name>? ORDER BY name",
            (account, region, after or ""),
        )
        return (load(LogGroup, r[0]) for r in rows)

    def delete_group(self, account: str, region: str, name: str) -> None:
        with self.transaction() as c:
            key = (account, region, name)
            c.execute("DELETE FROM events WHERE account=? AND region=? AND grp=?", key)
            c.execute("DELETE FROM streams WHERE account=? AND region=? AND grp=?", key)
            c.execute("DELETE FROM groups WHERE account=? AND region=? AND name=?", key)

    # -- streams -----------------------------------------------------------------------
    def get_stream(self, account: str, region: str, group: str, name: str) -> LogStream | None:
        rows = self.query(
            f"SELECT {_STREAM_COLUMNS} FROM streams "
            "WHERE account=? AND region=? AND grp=? AND name=?",
            (account, region, group, name),
        )
        return _stream(rows[0]) if rows else None

    def insert_stream(self, account: str, region: str, group: str, stream: LogStream) -> None:
        self.execute(
            "INSERT INTO streams(account, region, grp, name, arn, created) VALUES(?,?,?,?,?,?)",
            (account, region, group, stream.name, stream.arn, stream.creation_time),
        )

    def list_streams(self, account: str, region: str, group: str) -> list[LogStream]:
        rows = self.query(
            f"SELECT {_STREAM_COLUMNS} FROM streams WHERE account=? AND region=? AND grp=? "
            "ORDER BY name",
            (account, region, group),
        )
        return [_stream(r) for r in rows]

    def delete_stream(self, account: str, region: str, group: str, name: str) -> None:
        with self.transaction() as c:
            key = (account, region, group, name)
            c.execute("DELETE FROM events WHERE account=? AND region=? AND grp=? AND stream=?", key)
            c.execute("DELETE FROM streams WHERE account=? AND region=? AND grp=? AND name=?", key)

    # -- events ------------------------------------------------------------------------
    def append(
        self,
        account: str,
        region: str,
        group: str,
        stream: str,
        events: Sequence[tuple[int, str]],
        ingest: int,
    ) -> None:
        """Store ``(timestamp, message)`` events and update the stream's times, atomically."""
        with self.transaction() as c:
            c.executemany(
                "INSERT INTO events(account, region, grp, stream, ts, ingest, message) "
                "VALUES(?,?,?,?,?,?,?)",
                [(account, region, group, stream, ts, ingest, msg) for ts, msg in events],
            )
            where = "WHERE account=? AND region=? AND grp=? AND name=?"
            key = (account, region, group, stream)
            if not events:
                c.execute(f"UPDATE streams SET upload_seq = upload_seq + 1 {where}", key)
                return
            first = min(ts for ts, _ in events)
            last = max(ts for ts, _ in events)
            c.execute(
                "UPDATE streams SET first_ts = MIN(COALESCE(first_ts, ?), ?), "
                "last_ts = MAX(COALESCE(last_ts, ?), ?), last_ingest = ?, "
                f"upload_seq = upload_seq + 1 {where}",
                (first, first, last, last, ingest, *key),
            )

    def stream_events(
        self,
        account: str,
        region: str,
        group: str,
        stream: str,
        window: tuple[int, int],
        position: tuple[int, int] | None,
        forward: bool,
        limit: int,
    ) -> list[EventRow]:
        """Up to ``limit`` events of a stream with ``window[0] <= ts < window[1]``,
        after (``forward``) or before ``position`` (a ``(ts, seq)`` pair), nearest first."""
        cmp, order = (">", "ASC") if forward else ("<", "DESC")
        sql = (
            "SELECT seq, stream, ts, message, ingest FROM events "
            "WHERE account=? AND region=? AND grp=? AND stream=? AND ts>=? AND ts<?"
        )
        args: tuple[Any, ...] = (account, region, group, stream, *window)
        if position is not None:
            sql += f" AND (ts, seq) {cmp} (?, ?)"
            args += position
        sql += f" ORDER BY ts {order}, seq {order} LIMIT ?"
        return [tuple(r) for r in self.query(sql, (*args, limit))]

    def group_events(
        self,
        account: str,
        region: str,
        group: str,
        window: tuple[int, int],
        position: tuple[int, int] | None,
        limit: int,
    ) -> list[EventRow]:
        """Up to ``limit`` events of a whole group in ``(ts, seq)`` order after ``position``."""
        sql = (
            "SELECT seq, stream, ts, message, ingest FROM events "
            "WHERE account=? AND region=? AND grp=? AND ts>=? AND ts<=?"
        )
        args: tuple[Any, ...] = (account, region, group, *window)
        if position is not None:
            sql += " AND (ts, seq) > (?, ?)"
            args += position
        sql += " ORDER BY ts, seq LIMIT ?"
        return [tuple(r) for r in self.query(sql, (*args, limit))]

    def reset(self) -> None:
        with self.transaction() as c:
            _clear(c)


def _clear(c: sqlite3.Connection) -> None:
    for table in ("events", "streams", "groups"):
        c.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

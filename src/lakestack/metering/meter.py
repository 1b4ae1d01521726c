"""Usage records: counters aggregated in memory and persisted to SQLite, plus
time-integrated gauges (stored bytes -> byte-hours), and the notes that say why a
quantity is what it is (a Glue run's "10 DPU x 10-minute minimum (Glue 0.9)"), counted
per distinct text.

Owns the usage ledger. Knows no prices (see ``pricing.py``) and no service.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lakestack.core.clock import Clock
from lakestack.core.storage.private import private_dir, private_file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
  account TEXT, region TEXT, service TEXT, operation TEXT, dimension TEXT, unit TEXT,
  resource TEXT, quantity REAL,
  PRIMARY KEY (account, region, service, operation, dimension, unit, resource));
CREATE TABLE IF NOT EXISTS notes (
  account TEXT, region TEXT, service TEXT, operation TEXT, dimension TEXT, unit TEXT,
  resource TEXT, note TEXT, count INTEGER,
  PRIMARY KEY (account, region, service, operation, dimension, unit, resource, note));
CREATE TABLE IF NOT EXISTS gauges (
  account TEXT, region TEXT, service TEXT, operation TEXT, dimension TEXT, unit TEXT,
  resource TEXT, value REAL, since REAL,
  PRIMARY KEY (account, region, service, operation, dimension, unit, resource));
"""

Key = tuple[str, str, str, str, str, str, str]
GaugeKey = Key


class UsageSink(Protocol):
    """What engines depend on (STYLE §2: the ``Meter`` protocol)."""

    def record(
        self,
        service: str,
        operation: str,
        dimension: str,
        quantity: float,
        unit: str,
        account: str,
        region: str,
        resource: str | None = None,
        note: str | None = None,
    ) -> None:
        """Add ``quantity``; ``note`` explains it (shown on the bill, counted per text)."""
        ...

    def set_gauge(
        self,
        service: str,
        operation: str,
        dimension: str,
        value: float,
        unit: str,
        account: str,
        region: str,
        resource: str | None = None,
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class UsageRow:
    account: str
    region: str
    service: str
    operation: str
    dimension: str
    unit: str
    resource: str
    quantity: float
    notes: tuple[tuple[str, int], ...] = ()
    """(why, how many records said so), e.g. ``(("10 DPU x 10-minute minimum (Glue 0.9)",
    3),)``."""

    def __post_init__(self) -> None:  # rows read back from JSON carry lists
        object.__setattr__(self, "notes", tuple((str(n), int(c)) for n, c in self.notes))


class Meter:
    """Records usage. ``path=None`` keeps it in memory only.

    Counters are summed in memory and written on ``flush()`` (the emulator flushes
    every few seconds and on shutdown), so recording costs a dict update. A gauge
    (e.g. bytes stored) accrues ``value x hours`` into ``<unit>-Hrs`` usage each time
    it changes and when read.

    >>> from lakestack.core.clock import FixedClock
    >>> clock = FixedClock(0.0); m = Meter(None, clock)
    >>> m.record("s3", "PutObject", "Requests-Tier1", 1, "Requests", "1", "us-east-1", "b")
    >>> m.set_gauge("s3", "StandardStorage", "TimedStorage", 2**30, "Bytes", "1", "us-east-1", "b")
    >>> clock.advance(3600)
    >>> sorted((r.operation, r.quantity) for r in m.rows())
    [('PutObject', 1.0), ('StandardStorage', 1073741824.0)]
    """

    def __init__(self, path: Path | None, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: dict[Key, float] = {}
        self._notes: dict[tuple[Key, str], int] = {}
        self._gauges: dict[GaugeKey, tuple[float, float]] = {}
        self._db: sqlite3.Connection | None = None
        if path is not None:
            private_dir(path.parent)
            private_file(path)  # 0600; SQLite gives its -wal and -shm files the same mode
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            for row in self._db.execute("SELECT * FROM gauges"):
                self._gauges[tuple(row[:7])] = (row[7], row[8])

    def record(
        self,
        service: str,
        operation: str,
        dimension: str,
        quantity: float,
        unit: str,
        account: str,
        region: str,
        resource: str | None = None,
        note: str | None = None,
    ) -> None:
        key = (account, region, service, operation, dimension, unit, resource or "")
        with self._lock:
            self._pending[key] = self._pending.get(key, 0.0) + quantity
            if note:
                self._notes[(key, note)] = self._notes.get((key, note), 0) + 1

    def set_gauge(
        self,
        service: str,
        operation: str,
        dimension: str,
        value: float,
        unit: str,
        account: str,
        region: str,
        resource: str | None = None,
    ) -> None:
        """Set a level (e.g. bytes stored); time at the previous level is accrued first.

        The accrued usage is ``value x hours`` under ``unit + "-Hrs"``.
        """
        key = (account, region, service, operation, dimension, unit, resource or "")
        now = self.clock.now()
        with self._lock:
            self._accrue(key, now)
            self._gauges[key] = (value, now)

    def _accrue(self, key: GaugeKey, now: float) -> None:
        value, since = self._gauges.get(key, (0.0, now))
        if value and now > since:
            account, region, service, operation, dimension, unit, resource = key
            hours = (now - since) / 3600.0
            ukey = (account, region, service, operation, dimension, f"{unit}-Hrs", resource)
            self._pending[ukey] = self._pending.get(ukey, 0.0) + value * hours
        self._gauges[key] = (value, now)

    def flush(self) -> None:
        """Write pending counters and gauge levels to disk."""
        with self._lock:
            now = self.clock.now()
            for key in list(self._gauges):
                self._accrue(key, now)
            pending, self._pending = self._pending, {}
            notes, self._notes = self._notes, {}
            gauges = [(*k, v, s) for k, (v, s) in self._gauges.items()]
        if self._db is None:
            with self._lock:
                for key, qty in pending.items():
                    self._pending[key] = self._pending.get(key, 0.0) + qty
                for nkey, count in notes.items():
                    self._notes[nkey] = self._notes.get(nkey, 0) + count
            return
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO usage VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE "
                "SET quantity = quantity + excluded.quantity",
                [(*k, q) for k, q in pending.items()],
            )
            self._db.executemany(
                "INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE "
                "SET count = count + excluded.count",
                [(*k, note, count) for (k, note), count in notes.items()],
            )
            self._db.executemany("INSERT OR REPLACE INTO gauges VALUES (?,?,?,?,?,?,?,?,?)", gauges)
            self._db.execute("COMMIT")

    def rows(self) -> list[UsageRow]:
        """All usage so far (persisted plus pending), gauges accrued up to now."""
        self.flush()
        totals: dict[Key, float] = {}
        notes: dict[Key, dict[str, int]] = {}
        if self._db is not None:
            with self._lock:
                for row in self._db.execute("SELECT * FROM usage"):
                    totals[tuple(row[:7])] = row[7]
                for row in self._db.execute("SELECT * FROM notes"):
                    notes.setdefault(tuple(row[:7]), {})[row[7]] = row[8]
        with self._lock:
            for key, qty in self._pending.items():
                totals[key] = totals.get(key, 0.0) + qty
            for (key, note), count in self._notes.items():
                mine = notes.setdefault(key, {})
                mine[note] = mine.get(note, 0) + count
        return [
            UsageRow(*k, q, tuple(sorted(notes.get(k, {}).items())))
            for k, q in sorted(totals.items())
        ]

    def reset(self) -> None:
        with self._lock:
            self._pending.clear()
            self._notes.clear()
            self._gauges.clear()
            if self._db is not None:
                self._db.execute("DELETE FROM usage")
                self._db.execute("DELETE FROM notes")
                self._db.execute("DELETE FROM gauges")

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None

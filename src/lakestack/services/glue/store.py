"""The Data Catalog's metadata in SQLite (WAL): databases, tables and partitions of
every (account, region) catalog in one file.

Owns the catalog's schema: each resource is one row holding its model as JSON
(``core.sqlite``'s row codec). Partitions are keyed by
their values as a JSON array (``vkey``), so a prefix of leading values is a
prefix of ``vkey`` and narrows a scan through the primary key. Knows nothing of
Glue rules: the engine decides, the store records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lakestack.core.sqlite import SqliteDatabase, dump, load
from lakestack.services.glue.models import Database, Partition, Table

_SCAN_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS databases(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, name));
CREATE TABLE IF NOT EXISTS tables(
  account TEXT NOT NULL, region TEXT NOT NULL, db TEXT NOT NULL, name TEXT NOT NULL,
  body TEXT NOT NULL, PRIMARY KEY(account, region, db, name));
CREATE TABLE IF NOT EXISTS partitions(
  account TEXT NOT NULL, region TEXT NOT NULL, db TEXT NOT NULL, tbl TEXT NOT NULL,
  vkey TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, db, tbl, vkey));
CREATE INDEX IF NOT EXISTS partitions_seq ON partitions(account, region, db, tbl, seq);
"""


def values_key(values: Sequence[str]) -> str:
    """The stored key of a partition's values.

    >>> values_key(["2026", "07"])
    '["2026","07"]'
    """
    return json.dumps(list(values), separators=(",", ":"))


def prefix_key(values: Sequence[str]) -> str:
    """What every ``values_key`` starting with ``values`` starts with.

    >>> values_key(["2026", "07"]).startswith(prefix_key(["2026"]))
    True
    """
    return values_key(values)[:-1] + ","


class GlueStore(SqliteDatabase):
    """The catalog database of one data directory (``<data_dir>/glue/catalog.sqlite``);
    one connection behind one lock, owned by the catalog engine."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)
        row = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM partitions").fetchone()
        self._seq: int = row[0]

    def _rows(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        return self.query(sql, args)

    # -- databases ------------------------------------------------------------------

    def get_database(self, account: str, region: str, name: str) -> Database | None:
        rows = self._rows(
            "SELECT body FROM databases WHERE account=? AND region=? AND name=?",
            (account, region, name),
        )
        return load(Database, rows[0][0]) if rows else None

    def list_databases(self, account: str, region: str, after: str, limit: int) -> list[Database]:
        rows = self._rows(
            "SELECT body FROM databases WHERE account=? AND region=? AND name>? "
            "ORDER BY name LIMIT ?",
            (account, region, after, limit),
        )
        return [load(Database, r[0]) for r in rows]

    def put_database(self, account: str, region: str, db: Database) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO databases VALUES(?,?,?,?)",
                (account, region, db.name, dump(db)),
            )

    def delete_database(self, account: str, region: str, name: str) -> None:
        """Delete a database with all its tables and partitions."""
        with self.transaction() as c:
            for table in ("partitions", "tables"):
                c.execute(
                    f"DELETE FROM {table} WHERE account=? AND region=? AND db=?",
                    (account, region, name),
                )
            c.execute(
                "DELETE FROM databases WHERE account=? AND region=? AND name=?",
                (account, region, name),
            )

    # -- tables ---------------------------------------------------------------------

    def get_table(self, account: str, region: str, db: str, name: str) -> Table | None:
        rows = self._rows(
            "SELECT body FROM tables WHERE account=? AND region=? AND db=? AND name=?",
            (account, region, db, name),
        )
        return load(Table, rows[0][0]) if rows else None

    def list_tables(self, account: str, region: str, db: str | None) -> list[Table]:
        """Tables of one database (every database when ``db`` is None), by (db, name)."""
        sql = "SELECT body FROM tables WHERE account=? AND region=?"
        args: tuple[Any, ...] = (account, region)
        if db is not None:
            sql, args = sql + " AND db=?", (*args, db)
        return [load(Table, r[0]) for r in self._rows(sql + " ORDER BY db, name", args)]

    def put_table(self, account: str, region: str, table: Table) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO tables VALUES(?,?,?,?,?)",
                (account, region, table.database_name, table.name, dump(table)),
            )

    def delete_table(self, account: str, region: str, db: str, name: str) -> None:
        with self.transaction() as c:
            c.execute(
                "DELETE FROM partitions WHERE account=? AND region=? AND db=? AND tbl=?",
                (account, region, db, name),
            )
            c.execute(
                "DELETE FROM tables WHERE account=? AND region=? AND db=? AND name=?",
                (account, region, db, name),
            )

    # -- partitions -----------------------------------------------------------------

    def get_partition(
        self, account: str, region: str, db: str, tbl: str, values: Sequence[str]
    ) -> Partition | None:
        rows = self._rows(
            "SELECT body FROM partitions WHERE account=? AND region=? AND db=? "
            "AND tbl=? AND vkey=?",
            (account, region, db, tbl, values_key(values)),
        )
        return load(Partition, rows[0][0]) if rows else None

    def scan_partitions(
        self,
        account: str,
        region: str,
        db: str,
        tbl: str,
        after_seq: int,
        prefix: Sequence[str] = (),
    ) -> Iterator[tuple[int, Partition]]:
        """(seq, partition) in creation order after ``after_seq``, optionally only those
        whose leading values are ``prefix``; read in chunks, so stopping early is cheap."""
        sql = (
            "SELECT seq, body FROM partitions WHERE account=? AND region=? AND db=? "
            "AND tbl=? AND seq>?"
        )
        extra: tuple[Any, ...] = ()
        if prefix:
            start = prefix_key(prefix)
            sql += " AND vkey>=? AND vkey<?"
            extra = (start, start[:-1] + chr(ord(",") + 1))
        sql += f" ORDER BY seq LIMIT {_SCAN_CHUNK}"
        while True:
            rows = self._rows(sql, (account, region, db, tbl, after_seq, *extra))
            for seq, body in rows:
                yield seq, load(Partition, body)
            if len(rows) < _SCAN_CHUNK:
                return
            after_seq = rows[-1][0]

    def insert_partition(self, account: str, region: str, p: Partition) -> bool:
        """Insert a new partition; False when one with the same values exists."""
        with self._lock:
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO partitions VALUES(?,?,?,?,?,?,?)",
                (
                    account,
                    region,
                    p.database_name,
                    p.table_name,
                    values_key(p.values),
                    self._seq + 1,
                    dump(p),
                ),
            )
            if cur.rowcount != 1:
                return False
            self._seq += 1
            return True

    def replace_partition(self, account: str, region: str, p: Partition) -> bool:
        """Overwrite an existing partition's body; False when it does not exist."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE partitions SET body=? WHERE account=? AND region=? AND db=? AND tbl=? "
                "AND vkey=?",
                (dump(p), account, region, p.database_name, p.table_name, values_key(p.values)),
            )
            return cur.rowcount == 1

    def delete_partition(
        self, account: str, region: str, db: str, tbl: str, values: Sequence[str]
    ) -> bool:
        with self._lock:
            cur = self._conn.execute(
                "DELETE FROM partitions WHERE account=? AND region=? AND db=? AND tbl=? AND vkey=?",
                (account, region, db, tbl, values_key(values)),
            )
            return cur.rowcount == 1

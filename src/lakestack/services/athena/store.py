"""Athena's metadata in SQLite (WAL): work groups, named queries and query executions of
every (account, region), in ``<data_dir>/athena/athena.sqlite``.

Each resource is one row holding its model as JSON (``core.sqlite``'s row codec);
executions also keep their work group, submission order and client request token in
columns for listing and idempotency. Knows no Athena rules: the engine decides, the store records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lakestack.core.sqlite import SqliteDatabase, dump, load
from lakestack.services.athena.models import NamedQuery, QueryExecution, WorkGroup

_SCHEMA = """
CREATE TABLE IF NOT EXISTS workgroups(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, name));
CREATE TABLE IF NOT EXISTS named_queries(
  account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL, workgroup TEXT NOT NULL,
  seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY(account, region, id));
CREATE TABLE IF NOT EXISTS executions(
  account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL, workgroup TEXT NOT NULL,
  seq INTEGER NOT NULL, token TEXT, state TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, id));
CREATE INDEX IF NOT EXISTS executions_wg ON executions(account, region, workgroup, seq);
CREATE UNIQUE INDEX IF NOT EXISTS executions_token ON executions(account, region, token);
"""


class AthenaStore(SqliteDatabase):
    """One SQLite connection, guarded by ``lock`` (re-entrant)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        return self.query(sql, args)

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        self.execute(sql, args)

    # -- work groups ----------------------------------------------------------------------

    def get_workgroup(self, account: str, region: str, name: str) -> WorkGroup | None:
        rows = self._rows(
            "SELECT body FROM workgroups WHERE account=? AND region=? AND name=?",
            (account, region, name),
        )
        return load(WorkGroup, rows[0][0]) if rows else None

    def list_workgroups(self, account: str, region: str) -> list[WorkGroup]:
        rows = self._rows(
            "SELECT body FROM workgroups WHERE account=? AND region=? ORDER BY name",
            (account, region),
        )
        return [load(WorkGroup, r[0]) for r in rows]

    def put_workgroup(self, account: str, region: str, wg: WorkGroup) -> None:
        self._write(
            "INSERT OR REPLACE INTO workgroups VALUES (?,?,?,?)",
            (account, region, wg.name, dump(wg)),
        )

    def delete_workgroup(self, account: str, region: str, name: str) -> None:
        with self.lock:
            self._conn.execute(
                "DELETE FROM workgroups WHERE account=? AND region=? AND name=?",
                (account, region, name),
            )
            self._conn.execute(
                "DELETE FROM named_queries WHERE account=? AND region=? AND workgroup=?",
                (account, region, name),
            )

    # -- named queries --------------------------------------------------------------------

    def get_named_query(self, account: str, region: str, query_id: str) -> NamedQuery | None:
        rows = self._rows(
            "SELECT body FROM named_queries WHERE account=? AND region=? AND id=?",
            (account, region, query_id),
        )
        return load(NamedQuery, rows[0][0]) if rows else None

    def put_named_query(self, account: str, region: str, q: NamedQuery) -> None:
        with self.lock:
            seq = self._conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM named_queries"
            ).fetchone()[0]
            self._conn.execute(
                "INSERT INTO named_queries VALUES (?,?,?,?,?,?)",
                (account, region, q.id, q.work_group, seq, dump(q)),
            )

    def list_named_queries(self, account: str, region: str, workgroup: str) -> list[str]:
        rows = self._rows(
            "SELECT id FROM named_queries WHERE account=? AND region=? AND "
            "workgroup=? ORDER BY seq",
            (account, region, workgroup),
        )
        return [r[0] for r in rows]

    def delete_named_query(self, account: str, region: str, query_id: str) -> None:
        self._write(
            "DELETE FROM named_queries WHERE account=? AND region=? AND id=?",
            (account, region, query_id),
        )

    # -- executions -----------------------------------------------------------------------

    def insert_execution(self, account: str, region: str, q: QueryExecution) -> None:
        with self.lock:
            seq = self._conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM executions").fetchone()[
                0
            ]
            self._conn.execute(
                "INSERT INTO executions VALUES (?,?,?,?,?,?,?,?)",
                (
                    account,
                    region,
                    q.id,
                    q.work_group,
                    seq,
                    q.client_request_token,
                    q.state.value,
                    dump(q),
                ),
            )

    def update_execution(self, account: str, region: str, q: QueryExecution) -> None:
        self._write(
            "UPDATE executions SET state=?, body=? WHERE account=? AND region=? AND id=?",
            (q.state.value, dump(q), account, region, q.id),
        )

    def get_execution(self, account: str, region: str, query_id: str) -> QueryExecution | None:
        rows = self._rows(
            "SELECT body FROM executions WHERE account=? AND region=? AND id=?",
            (account, region, query_id),
        )
        return load(QueryExecution, rows[0][0]) if rows else None

    def execution_by_token(self, account: str, region: str, token: str) -> QueryExecution | None:
        rows = self._rows(
            "SELECT body FROM executions WHERE account=? AND region=? AND token=?",
            (account, region, token),
        )
        return load(QueryExecution, rows[0][0]) if rows else None

    def list_execution_ids(
        self, account: str, region: str, workgroup: str, before: int | None, limit: int
    ) -> list[tuple[int, str]]:
        """(seq, id) newest first, only seq < ``before`` when given."""
        rows = self._rows(
            "SELECT seq, id FROM executions WHERE account=? AND region=? AND "
            "workgroup=? AND seq < ? ORDER BY seq DESC LIMIT ?",
            (account, region, workgroup, before if before is not None else 2**62, limit),
        )
        return [(r[0], r[1]) for r in rows]

    def unfinished_executions(self) -> list[tuple[str, str, QueryExecution]]:
        rows = self._rows(
            "SELECT account, region, body FROM executions WHERE state IN ('QUEUED', 'RUNNING')"
        )
        return [(r[0], r[1], load(QueryExecution, r[2])) for r in rows]

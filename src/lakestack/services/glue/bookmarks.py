"""Job bookmarks: GetJobBookmark / ResetJobBookmark, and the load/commit calls a job's
``Job.init`` / ``Job.commit`` make (through lakestack's internal route).

A bookmark is Glue's ``JobBookmarkEntry``: ``Version`` (+1 per update), ``Run`` (+1 per
committed run), ``Attempt``, ``RunId``/``PreviousRunId`` and ``JobBookmark``, an opaque
JSON string (here: per ``transformation_ctx``, the S3 keys processed and their
last-modified times). The state after every committed run is kept, so a reset with a
``RunId`` rewinds to it. Deleting the job deletes its bookmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lakestack.core.sqlite import SqliteDatabase
from lakestack.services.glue.errors import EntityNotFoundException
from lakestack.services.glue.jobs import JobOps

_SCHEMA = """
CREATE TABLE IF NOT EXISTS job_bookmarks(
  account TEXT NOT NULL, region TEXT NOT NULL, job TEXT NOT NULL,
  version INTEGER NOT NULL, run INTEGER NOT NULL, attempt INTEGER NOT NULL,
  run_id TEXT, previous_run_id TEXT, state TEXT NOT NULL,
  PRIMARY KEY(account, region, job));
CREATE TABLE IF NOT EXISTS job_bookmark_runs(
  account TEXT NOT NULL, region TEXT NOT NULL, job TEXT NOT NULL, run_id TEXT NOT NULL,
  state TEXT NOT NULL, PRIMARY KEY(account, region, job, run_id));
"""
EMPTY_STATE = "{}"


@dataclass(slots=True)
class JobBookmarkEntry:
    job_name: str
    version: int
    run: int
    attempt: int
    previous_run_id: str | None
    run_id: str | None
    job_bookmark: str


class BookmarkStore(SqliteDatabase):
    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def get(self, account: str, region: str, job: str) -> JobBookmarkEntry | None:
        rows = self.query(
            "SELECT version, run, attempt, previous_run_id, run_id, state FROM job_bookmarks "
            "WHERE account=? AND region=? AND job=?",
            (account, region, job),
        )
        return JobBookmarkEntry(job, *rows[0]) if rows else None

    def put(self, account: str, region: str, e: JobBookmarkEntry) -> None:
        self.execute(
            "INSERT OR REPLACE INTO job_bookmarks VALUES(?,?,?,?,?,?,?,?,?)",
            (
                account,
                region,
                e.job_name,
                e.version,
                e.run,
                e.attempt,
                e.run_id,
                e.previous_run_id,
                e.job_bookmark,
            ),
        )

    def remember_run(self, account: str, region: str, job: str, run_id: str, state: str) -> None:
        self.execute(
            "INSERT OR REPLACE INTO job_bookmark_runs VALUES(?,?,?,?,?)",
            (account, region, job, run_id, state),
        )

    def run_state(self, account: str, region: str, job: str, run_id: str) -> str | None:
        rows = self.query(
            "SELECT state FROM job_bookmark_runs WHERE account=? AND region=? AND job=? "
            "AND run_id=?",
            (account, region, job, run_id),
        )
        return rows[0][0] if rows else None

    def forget(self, account: str, region: str, job: str) -> None:
        with self.transaction() as c:
            for table in ("job_bookmarks", "job_bookmark_runs"):
                c.execute(
                    f"DELETE FROM {table} WHERE account=? AND region=? AND job=?",
                    (account, region, job),
                )


class BookmarkOps(JobOps):
    def _open(self) -> None:
        super()._open()
        self._bookmarks = BookmarkStore(self._root / "catalog.sqlite")

    def close(self) -> None:
        self._bookmarks.close()
        super().close()

    def reset(self) -> None:
        self._bookmarks.close()
        super().reset()

    def delete_job(self, account: str, region: str, name: str) -> str:
        self._bookmarks.forget(account, region, name)
        return super().delete_job(account, region, name)

    def get_job_bookmark(self, account: str, region: str, job_name: str) -> JobBookmarkEntry:
        """Raises: EntityNotFoundException (no such job, or it never committed a bookmark)."""
        self.get_job(account, region, job_name)
        entry = self._bookmarks.get(account, region, job_name)
        if entry is None:
            raise EntityNotFoundException(f"Continuation for job {job_name} not found")
        return entry

    def reset_job_bookmark(
        self, account: str, region: str, job_name: str, run_id: str | None = None
    ) -> JobBookmarkEntry:
        """Forget what the bookmark has seen, or (with ``run_id``) rewind it to the state a
        committed run left. Target files are never deleted.

        Raises:
            EntityNotFoundException: no such job, bookmark or run.
        """
        with self._bookmarks.lock:
            entry = self.get_job_bookmark(account, region, job_name)
            state = EMPTY_STATE
            if run_id is not None:
                found = self._bookmarks.run_state(account, region, job_name, run_id)
                if found is None:
                    raise EntityNotFoundException(
                        f"Job bookmark for job {job_name} and run {run_id} not found"
                    )
                state = found
            entry.version += 1
            entry.job_bookmark = state
            if run_id is None:
                entry.run, entry.run_id, entry.previous_run_id = 0, None, entry.run_id
            self._bookmarks.put(account, region, entry)
            return entry

    # -- what Job.init / Job.commit call -------------------------------------------------

    def load_job_bookmark(
        self, account: str, region: str, job_name: str, run_id: str | None = None
    ) -> str:
        """The bookmark state a run starts from (after ``run_id`` when given; ``{}`` when
        the job never committed one)."""
        if run_id:
            return self._bookmarks.run_state(account, region, job_name, run_id) or EMPTY_STATE
        entry = self._bookmarks.get(account, region, job_name)
        return entry.job_bookmark if entry else EMPTY_STATE

    def commit_job_bookmark(
        self, account: str, region: str, job_name: str, run_id: str, state: str
    ) -> JobBookmarkEntry:
        """Save the state a run commits (``Job.commit``): Version and Run go up by one."""
        with self._bookmarks.lock:
            entry = self._bookmarks.get(account, region, job_name) or JobBookmarkEntry(
                job_name, 0, 0, 0, None, None, EMPTY_STATE
            )
            entry.version += 1
            entry.run += 1
            entry.previous_run_id, entry.run_id = entry.run_id, run_id
            entry.job_bookmark = state
            self._bookmarks.put(account, region, entry)
            self._bookmarks.remember_run(account, region, job_name, run_id, state)
            return entry

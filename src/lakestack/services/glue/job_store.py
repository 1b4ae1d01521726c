"""Glue jobs, job runs and job bookmarks in SQLite (WAL): ``<data_dir>/glue/jobs.sqlite``,
a file the jobs engine alone opens.

Each job and run is one row holding its model as JSON (``core.sqlite``'s row codec);
runs also keep their job, submission order and state in columns for listing and
counting. A bookmark is a row of plain columns, and the state every committed run
left is kept beside it so a reset can rewind to it. Knows nothing of Glue rules: the
engine decides, the store records.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lakestack.core.sqlite import SqliteDatabase, dump, load
from lakestack.services.glue.job_models import ACTIVE, Job, JobRun

JOBS_FILE = "jobs.sqlite"
LEGACY_TABLES = ("jobs", "job_runs", "job_bookmarks", "job_bookmark_runs")
"""Tables an older lakestack kept in ``catalog.sqlite`` (moved here once, on upgrade)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, name));
CREATE TABLE IF NOT EXISTS job_runs(
  account TEXT NOT NULL, region TEXT NOT NULL, job TEXT NOT NULL, id TEXT NOT NULL,
  seq INTEGER NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(account, region, id));
CREATE INDEX IF NOT EXISTS job_runs_seq ON job_runs(account, region, job, seq);
CREATE TABLE IF NOT EXISTS job_bookmarks(
  account TEXT NOT NULL, region TEXT NOT NULL, job TEXT NOT NULL,
  version INTEGER NOT NULL, run INTEGER NOT NULL, attempt INTEGER NOT NULL,
  run_id TEXT, previous_run_id TEXT, state TEXT NOT NULL,
  PRIMARY KEY(account, region, job));
CREATE TABLE IF NOT EXISTS job_bookmark_runs(
  account TEXT NOT NULL, region TEXT NOT NULL, job TEXT NOT NULL, run_id TEXT NOT NULL,
  state TEXT NOT NULL, PRIMARY KEY(account, region, job, run_id));
"""


@dataclass(slots=True)
class JobBookmarkEntry:
    job_name: str
    version: int
    run: int
    attempt: int
    previous_run_id: str | None
    run_id: str | None
    job_bookmark: str


class JobStore(SqliteDatabase):
    """Jobs, runs and bookmarks of one data directory; one connection behind one lock."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def get_job(self, account: str, region: str, name: str) -> Job | None:
        rows = self.query(
            "SELECT body FROM jobs WHERE account=? AND region=? AND name=?", (account, region, name)
        )
        return load(Job, rows[0][0]) if rows else None

    def list_jobs(self, account: str, region: str, after: str, limit: int) -> list[Job]:
        rows = self.query(
            "SELECT body FROM jobs WHERE account=? AND region=? AND name>? ORDER BY name LIMIT ?",
            (account, region, after, limit),
        )
        return [load(Job, r[0]) for r in rows]

    def put_job(self, account: str, region: str, job: Job) -> None:
        self.execute(
            "INSERT OR REPLACE INTO jobs VALUES(?,?,?,?)", (account, region, job.name, dump(job))
        )

    def delete_job(self, account: str, region: str, name: str) -> None:
        """Delete a job with its runs and its bookmark, in one transaction."""
        with self.transaction() as c:
            for table in ("job_runs", "job_bookmarks", "job_bookmark_runs"):
                c.execute(
                    f"DELETE FROM {table} WHERE account=? AND region=? AND job=?",
                    (account, region, name),
                )
            c.execute(
                "DELETE FROM jobs WHERE account=? AND region=? AND name=?", (account, region, name)
            )

    def get_run(self, account: str, region: str, run_id: str) -> JobRun | None:
        rows = self.query(
            "SELECT body FROM job_runs WHERE account=? AND region=? AND id=?",
            (account, region, run_id),
        )
        return load(JobRun, rows[0][0]) if rows else None

    def list_runs(
        self, account: str, region: str, job: str, before: int, limit: int
    ) -> list[tuple[int, JobRun]]:
        """(seq, run), newest first, with seq below ``before``."""
        rows = self.query(
            "SELECT seq, body FROM job_runs WHERE account=? AND region=? "
            "AND job=? AND seq<? ORDER BY seq DESC LIMIT ?",
            (account, region, job, before, limit),
        )
        return [(r[0], load(JobRun, r[1])) for r in rows]

    def count_active(self, account: str, region: str, job: str) -> int:
        marks = ",".join("?" * len(ACTIVE))
        rows = self.query(
            f"SELECT COUNT(*) FROM job_runs WHERE account=? AND region=? "
            f"AND job=? AND state IN ({marks})",
            (account, region, job, *ACTIVE),
        )
        return int(rows[0][0])

    def active_runs(self) -> list[tuple[str, str, JobRun]]:
        marks = ",".join("?" * len(ACTIVE))
        rows = self.query(
            f"SELECT account, region, body FROM job_runs WHERE state IN ({marks})", tuple(ACTIVE)
        )
        return [(r[0], r[1], load(JobRun, r[2])) for r in rows]

    def insert_run(self, account: str, region: str, run: JobRun) -> None:
        self.execute(
            "INSERT INTO job_runs SELECT ?,?,?,?,COALESCE(MAX(seq),0)+1,?,? FROM job_runs",
            (account, region, run.job_name, run.id, run.job_run_state, dump(run)),
        )

    def update_run(self, account: str, region: str, run: JobRun) -> None:
        self.execute(
            "UPDATE job_runs SET state=?, body=? WHERE account=? AND region=? AND id=?",
            (run.job_run_state, dump(run), account, region, run.id),
        )

    # -- bookmarks ----------------------------------------------------------------------

    def get_bookmark(self, account: str, region: str, job: str) -> JobBookmarkEntry | None:
        rows = self.query(
            "SELECT version, run, attempt, previous_run_id, run_id, state FROM job_bookmarks "
            "WHERE account=? AND region=? AND job=?",
            (account, region, job),
        )
        return JobBookmarkEntry(job, *rows[0]) if rows else None

    def put_bookmark(self, account: str, region: str, e: JobBookmarkEntry) -> None:
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

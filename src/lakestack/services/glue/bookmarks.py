"""Job bookmarks: GetJobBookmark / ResetJobBookmark, and the load/commit calls a job's
``Job.init`` / ``Job.commit`` make (through lakestack's internal route).

A bookmark is Glue's ``JobBookmarkEntry``: ``Version`` (+1 per update), ``Run`` (+1 per
committed run), ``Attempt``, ``RunId``/``PreviousRunId`` and ``JobBookmark``, an opaque
JSON string (here: per ``transformation_ctx``, the S3 keys processed and their
last-modified times). The state after every committed run is kept, so a reset with a
``RunId`` rewinds to it. Deleting the job deletes its bookmark (the store does both).

:class:`JobBookmarks` works on the jobs engine's store, which the engine hands it; the
engine checks that the job exists before calling it. Knows no HTTP.
"""

from __future__ import annotations

from lakestack.services.glue.errors import EntityNotFoundException
from lakestack.services.glue.job_store import JobBookmarkEntry, JobStore

__all__ = ["EMPTY_STATE", "JobBookmarkEntry", "JobBookmarks"]

EMPTY_STATE = "{}"


class JobBookmarks:
    """``JobBookmarks(store)``: the bookmarks of every job in ``store``."""

    def __init__(self, store: JobStore) -> None:
        self._store = store

    def get(self, account: str, region: str, job_name: str) -> JobBookmarkEntry:
        """Raises: EntityNotFoundException (the job never committed a bookmark)."""
        entry = self._store.get_bookmark(account, region, job_name)
        if entry is None:
            raise EntityNotFoundException(f"Continuation for job {job_name} not found")
        return entry

    def reset(
        self, account: str, region: str, job_name: str, run_id: str | None = None
    ) -> JobBookmarkEntry:
        """Forget what the bookmark has seen, or (with ``run_id``) rewind it to the state a
        committed run left. Target files are never deleted.

        Raises:
            EntityNotFoundException: no bookmark, or no such committed run.
        """
        with self._store.lock:
            entry = self.get(account, region, job_name)
            state = EMPTY_STATE
            if run_id is not None:
                found = self._store.run_state(account, region, job_name, run_id)
                if found is None:
                    raise EntityNotFoundException(
                        f"Job bookmark for job {job_name} and run {run_id} not found"
                    )
                state = found
            entry.version += 1
            entry.job_bookmark = state
            if run_id is None:
                entry.run, entry.run_id, entry.previous_run_id = 0, None, entry.run_id
            self._store.put_bookmark(account, region, entry)
            return entry

    def load(self, account: str, region: str, job_name: str, run_id: str | None = None) -> str:
        """The bookmark state a run starts from (after ``run_id`` when given; ``{}`` when
        the job never committed one)."""
        if run_id:
            return self._store.run_state(account, region, job_name, run_id) or EMPTY_STATE
        entry = self._store.get_bookmark(account, region, job_name)
        return entry.job_bookmark if entry else EMPTY_STATE

    def commit(
        self, account: str, region: str, job_name: str, run_id: str, state: str
    ) -> JobBookmarkEntry:
        """Save the state a run commits (``Job.commit``): Version and Run go up by one."""
        with self._store.lock:
            entry = self._store.get_bookmark(account, region, job_name) or JobBookmarkEntry(
                job_name, 0, 0, 0, None, None, EMPTY_STATE
            )
            entry.version += 1
            entry.run += 1
            entry.previous_run_id, entry.run_id = entry.run_id, run_id
            entry.job_bookmark = state
            self._store.put_bookmark(account, region, entry)
            self._store.remember_run(account, region, job_name, run_id, state)
            return entry

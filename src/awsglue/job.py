"""Job: ``init`` loads the job's bookmark, ``commit`` saves what this run processed."""

from __future__ import annotations

import sys
import uuid
from typing import Any

from awsglue._bookmarks import DISABLE, OPTIONS, PAUSE, Bookmarks


class Job:
    """``Job(glue_context)``; ``job.init(args["JOB_NAME"], args)`` ... ``job.commit()``."""

    def __init__(self, glue_context: Any) -> None:
        self._glue_context = glue_context
        self._job_name: str | None = None
        self._bookmarks: Bookmarks | None = None

    @classmethod
    def continuation_options(cls) -> list[str]:
        return [
            "--continuation-option",
            "continuation-enabled",
            "continuation-readonly",
            "continuation-ignore",
        ]

    @classmethod
    def job_bookmark_options(cls) -> list[str]:
        return ["--job-bookmark-option", *OPTIONS]

    @classmethod
    def job_bookmark_range_options(cls) -> list[str]:
        return ["--job-bookmark-from", "--job-bookmark-to"]

    @classmethod
    def id_params(cls) -> list[str]:
        return ["--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION"]

    @classmethod
    def encryption_type_options(cls) -> list[str]:
        return ["--encryption-type", "sse-s3"]

    @classmethod
    def data_lineage_options(cls) -> list[str]:
        return ["--enable-data-lineage"]

    def init(self, job_name: str, args: dict[str, Any] | None = None) -> None:
        """Start the run: the bookmark option comes from ``args`` (as getResolvedOptions
        returns it) or the command line; the default is ``job-bookmark-disable``."""
        args = dict(args or {})
        cli = _argv_options(sys.argv)
        option = args.get("job_bookmark_option") or cli.get("job-bookmark-option") or DISABLE
        run_id = args.get("JOB_RUN_ID") or cli.get("JOB_RUN_ID") or f"jr_{uuid.uuid4().hex}"
        from_run = args.get("job_bookmark_from") or cli.get("job-bookmark-from")
        to_run = args.get("job_bookmark_to") or cli.get("job-bookmark-to")
        if option == PAUSE and bool(from_run) != bool(to_run):
            raise RuntimeError(
                "Missing option or value for --job-bookmark-from / --job-bookmark-to: "
                "give both or neither"
            )
        self._job_name = job_name
        self._bookmarks = Bookmarks.open(
            self._glue_context.lake, job_name, run_id, option, from_run, to_run
        )
        self._glue_context.bookmarks = self._bookmarks

    def isInitialized(self) -> bool:  # noqa: N802 - upstream name
        return self._job_name is not None

    def commit(self) -> None:
        """Save the bookmark (``job-bookmark-enable``): the next run skips these files."""
        if self._bookmarks is None:
            raise RuntimeError("Job.commit() called before Job.init()")
        self._bookmarks.commit()


def _argv_options(argv: list[str]) -> dict[str, str]:
    """``--key value`` pairs of a command line.

    >>> _argv_options(["s.py", "--JOB_NAME", "j", "--job-bookmark-option", "job-bookmark-enable"])
    {'JOB_NAME': 'j', 'job-bookmark-option': 'job-bookmark-enable'}
    """
    out = {}
    for i, item in enumerate(argv):
        if item.startswith("--") and i + 1 < len(argv):
            key, eq, value = item[2:].partition("=")
            out[key] = value if eq else argv[i + 1]
    return out

"""Job bookmarks for S3 sources, as Glue keeps them: per ``transformation_ctx``, the
objects a committed run processed and their last-modified times. A source with a
``transformation_ctx`` then reads only objects that are new or modified since.

Options (``--job-bookmark-option``): ``job-bookmark-enable`` (filter, and save on
``Job.commit``), ``job-bookmark-disable`` (read everything, save nothing, the default),
``job-bookmark-pause`` (filter against the saved state, or between the states of
``--job-bookmark-from`` / ``--job-bookmark-to`` runs, and save nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

ENABLE = "job-bookmark-enable"
DISABLE = "job-bookmark-disable"
PAUSE = "job-bookmark-pause"
OPTIONS = (ENABLE, DISABLE, PAUSE)


class File(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def last_modified(self) -> float: ...


class Store(Protocol):
    def load_bookmark(self, job: str, run_id: str | None = None) -> dict[str, Any]: ...

    def commit_bookmark(self, job: str, run_id: str, state: dict[str, Any]) -> None: ...


class Bookmarks:
    """One run's bookmark: what it may skip and what it has processed.

    >>> class F:
    ...     def __init__(self, key, t): self.key, self.last_modified = key, t
    >>> b = Bookmarks(None, "j", "r1", ENABLE, {"src": {"a": 1.0}})
    >>> [f.key for f in b.select("src", [F("a", 1.0), F("b", 2.0), F("c", 3.0)])]
    ['b', 'c']
    >>> [f.key for f in b.select("", [F("a", 1.0)])]  # no transformation_ctx: no bookmark
    ['a']
    >>> b.state()["src"]
    {'a': 1.0, 'b': 2.0, 'c': 3.0}
    """

    def __init__(
        self,
        store: Store | None,
        job: str,
        run_id: str,
        option: str,
        saved: dict[str, Any],
        upper: dict[str, Any] | None = None,
    ) -> None:
        if option not in OPTIONS:
            raise ValueError(f"unknown job bookmark option {option!r} (one of {OPTIONS})")
        self._store = store
        self.job = job
        self.run_id = run_id
        self.option = option
        self._saved = saved
        self._upper = upper
        self._seen: dict[str, dict[str, float]] = {}

    @classmethod
    def open(
        cls,
        store: Store,
        job: str,
        run_id: str,
        option: str,
        from_run: str | None = None,
        to_run: str | None = None,
    ) -> Bookmarks:
        if option == DISABLE:
            return cls(store, job, run_id, option, {})
        if option == PAUSE and from_run and to_run:
            lower = store.load_bookmark(job, from_run)
            upper = store.load_bookmark(job, to_run)
            return cls(store, job, run_id, option, lower, upper)
        return cls(store, job, run_id, option, store.load_bookmark(job))

    def select(self, ctx: str, files: Sequence[File]) -> list[Any]:
        """The files a source with ``transformation_ctx=ctx`` reads this run."""
        if not ctx or self.option == DISABLE:
            return list(files)
        done = self._saved.get(ctx, {})
        upper = None if self._upper is None else self._upper.get(ctx, {})
        chosen = [
            f
            for f in files
            if f.last_modified > done.get(f.key, float("-inf"))
            and (upper is None or f.last_modified <= upper.get(f.key, float("-inf")))
        ]
        seen = self._seen.setdefault(ctx, {})
        seen.update((f.key, f.last_modified) for f in chosen)
        return chosen

    def state(self) -> dict[str, Any]:
        """The saved state with this run's files added."""
        merged = {ctx: dict(files) for ctx, files in self._saved.items()}
        for ctx, files in self._seen.items():
            merged.setdefault(ctx, {}).update(files)
        return merged

    def commit(self) -> bool:
        """Save the state (``job-bookmark-enable`` only); whether anything was saved."""
        if self.option != ENABLE or self._store is None:
            return False
        self._store.commit_bookmark(self.job, self.run_id, self.state())
        return True

"""DuckDB for a SQL service (Athena today, Redshift next): one in-memory database per
engine, locked down before any user statement runs, and the translation of DuckDB's
exceptions into the service's errors.

The lock-down, so that SQL reaching DuckDB — by a bug in translation or quoting — can
neither read nor write host files nor change the rules:

- ``allowed_directories`` lists the only directories DuckDB may touch (the object
  store's blob directory, the service's link tree and its staging directory for
  ``COPY ... TO``), then ``enable_external_access=false`` forbids every other path,
  symlinks leading outside included, and every extension install or load;
- ``autoinstall_known_extensions`` and ``autoload_known_extensions`` are off, so no
  extension is fetched or loaded behind a statement's back;
- ``python_enable_replacements`` is off: a query cannot name a Python variable;
- ``lock_configuration=true`` comes last: no ``SET``, ``RESET`` or ``PRAGMA`` can undo it.

Session settings (time zone, profiling) cannot be changed once the configuration is
locked, so the session makes every cursor it will hand out before locking; each worker
thread gets one of them for good (DuckDB cursors are per thread).

Must not know: the catalog, Athena's or Redshift's semantics, HTTP.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakestack.core.errors import AwsError, ErrorTable
from lakestack.core.storage.private import private_dir
from lakestack.sql.quoting import quote_list, quote_literal

if TYPE_CHECKING:
    import duckdb

# Kinds of DuckDB failure a service maps to its own errors, most specific first
# (DuckDB's classes share bases: ConversionException and OutOfRangeException are
# both DataErrors).
ERROR_KINDS = (
    "conversion",
    "out_of_range",
    "binder",
    "parser",
    "catalog",
    "permission",
    "invalid_input",
    "io",
    "not_implemented",
)
_ERROR_CLASSES = {
    "conversion": "ConversionException",
    "out_of_range": "OutOfRangeException",
    "binder": "BinderException",
    "parser": "ParserException",
    "catalog": "CatalogException",
    "permission": "PermissionException",
    "invalid_input": "InvalidInputException",
    "io": "IOException",
    "not_implemented": "NotImplementedException",
}


def error_table(by_kind: Mapping[str, type[AwsError]]) -> ErrorTable:
    """DuckDB's exception classes -> a service's errors, for
    :func:`lakestack.core.errors.translating`, most specific first.

    Args:
        by_kind: :data:`ERROR_KINDS` name -> the service's error class; kinds left out
            are not translated (they propagate as bugs).

    >>> from lakestack.core.errors import ValidationException
    >>> [(d.__name__, a.__name__) for d, a in error_table({"parser": ValidationException})]
    [('ParserException', 'ValidationException')]
    """
    import duckdb

    unknown = set(by_kind) - set(ERROR_KINDS)
    if unknown:
        raise ValueError(f"unknown DuckDB error kinds: {sorted(unknown)}")
    return tuple(
        (getattr(duckdb, _ERROR_CLASSES[kind]), by_kind[kind])
        for kind in ERROR_KINDS
        if kind in by_kind
    )


class SqlSession:
    """A locked DuckDB database and the cursors that may use it.

    Args:
        allowed_dirs: the only directories DuckDB may read or write (made if missing).
        temp_dir: where DuckDB spills (inside the data dir, never the working directory).
        cursors: how many cursors to make (one per worker thread that runs SQL).
        session_sql: statements every cursor runs before the lock (``SET TimeZone='UTC'``,
            ``PRAGMA enable_profiling='no_output'``...), written by lakestack only.

    The database is made on the first :meth:`cursor` call, so an engine that never runs
    SQL never loads DuckDB.
    """

    def __init__(
        self,
        allowed_dirs: Sequence[Path],
        temp_dir: Path,
        *,
        cursors: int,
        session_sql: Sequence[str] = (),
    ) -> None:
        self._allowed = [Path(d) for d in allowed_dirs]
        self._temp = Path(temp_dir)
        self._count = cursors
        self._session_sql = tuple(session_sql)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._db: duckdb.DuckDBPyConnection | None = None
        self._free: list[duckdb.DuckDBPyConnection] = []

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (the same one on every call from the thread).

        Raises:
            RuntimeError: more threads asked for a cursor than the session made.
        """
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is not None:
            return cursor
        with self._lock:
            if self._db is None:
                self._db, self._free = _open(
                    self._allowed, self._temp, self._count, self._session_sql
                )
            if not self._free:
                raise RuntimeError(f"all {self._count} DuckDB cursors are in use")
            cursor = self._free.pop()
        self._local.cursor = cursor
        return cursor

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db, self._free = None, []
            self._local = threading.local()


def _open(
    allowed: Sequence[Path], temp: Path, count: int, session_sql: Sequence[str]
) -> tuple[Any, list[Any]]:
    import duckdb

    dirs = [*allowed, temp]
    for d in dirs:
        private_dir(d)
    db = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        for statement in (
            f"SET temp_directory={quote_literal(str(temp))}",
            f"SET allowed_directories={quote_list(_allowed_forms(dirs))}",
            "SET allow_community_extensions=false",
            "SET GLOBAL python_enable_replacements=false",
            "SET enable_external_access=false",
        ):
            db.execute(statement)
        cursors = [db.cursor() for _ in range(count)]
        for cursor in cursors:
            for statement in ("SET python_enable_replacements=false", *session_sql):
                cursor.execute(statement)
        db.execute("SET lock_configuration=true")
    except BaseException:
        db.close()
        raise
    return db, cursors


def _allowed_forms(dirs: Sequence[Path]) -> list[str]:
    """Each directory as given (absolute) and resolved, ending in ``/``: DuckDB compares
    the paths it is handed, which may or may not go through a symlinked parent.

    >>> _allowed_forms([Path("/tmp/x/../y")])
    ['/tmp/x/../y/', '/tmp/y/']
    """
    forms: list[str] = []
    for d in dirs:
        for form in (str(d.absolute()), str(d.resolve())):
            form = form.rstrip("/") + "/"
            if form not in forms:
                forms.append(form)
    return forms

"""Shared plumbing of the Athena engine: construction, the store, work group lookup,
paging tokens and validation helpers.

The resource mixins (``workgroups``, ``named_queries``, ``executions``, ``catalogs``)
build on :class:`AthenaBase`; ``engine.AthenaEngine`` composes them. Knows no HTTP.
"""

from __future__ import annotations

import shutil
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lakestack.core import pagination
from lakestack.core.clock import Clock
from lakestack.core.ids import Ids
from lakestack.core.storage.private import private_dir
from lakestack.metering.meter import UsageSink
from lakestack.services.athena.errors import InvalidRequestException, workgroup_not_found
from lakestack.services.athena.hive_mirror import HiveMirror
from lakestack.services.athena.models import PRIMARY, WorkGroup
from lakestack.services.athena.ports import Catalog, ObjectStore
from lakestack.services.athena.runner import QueryRunner
from lakestack.services.athena.store import AthenaStore
from lakestack.sql.session import SqlSession

SERVICE = "athena"
# Every cursor's session: Athena's zone, DuckDB's profiler on (bytes scanned come from
# it), no progress bar.
SESSION_SQL = (
    "SET TimeZone='UTC'",
    "PRAGMA enable_profiling='no_output'",
    "SET profiling_coverage='ALL'",
    "SET enable_progress_bar=false",
    # DuckDB 2.0 pushes TRY_CAST into read_csv as a strict cast ("Could not convert
    # string"), failing Hive text tables whose empty fields must read as NULL.
    "SET disabled_optimizers='type_pushdown'",
)


def encode_token(position: str) -> str:
    """An opaque NextToken.

    >>> decode_token(encode_token("12"))
    '12'
    """
    return pagination.encode_token("athena", position)


def decode_token(token: str | None) -> str | None:
    try:
        return pagination.decode_token("athena", token)
    except pagination.BadToken:
        raise InvalidRequestException(
            "Invalid NextToken", athena_error_code="INVALID_INPUT"
        ) from None


def check_max_results(value: int | None, limit: int, default: int | None = None) -> int:
    if value is None:
        return default or limit
    if not 1 <= value <= limit:
        raise InvalidRequestException(
            f"1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy "
            f"constraint: Member must have value less than or equal to {limit}"
        )
    return value


class AthenaBase:
    """``AthenaEngine(data_dir, clock, ids, meter, objects, catalog, workers=2)``.

    Args:
        objects: the object store results and CTAS data are written to (S3 engine).
        catalog: the Data Catalog (Glue, through the emulator's adapter).
        workers: threads running queries.
        blob_dirs: where the object store keeps object bytes, the only files DuckDB may
            read besides Athena's own (default: the S3 engine's ``<data_dir>/s3/blobs``).
    """

    def __init__(
        self,
        data_dir: Path,
        clock: Clock,
        ids: Ids,
        meter: UsageSink,
        objects: ObjectStore,
        catalog: Catalog,
        workers: int = 2,
        blob_dirs: Sequence[Path] | None = None,
    ) -> None:
        self._root = Path(data_dir) / "athena"
        self._clock = clock
        self._ids = ids
        self._meter = meter
        self._objects = objects
        self._catalog = catalog
        self._workers = workers
        self._mirror = HiveMirror(self._root / "hive")
        staging = self._root / "staging"
        self._runner = QueryRunner(catalog, objects, self._mirror, staging)
        self._lock = threading.RLock()
        blobs = list(blob_dirs or [Path(data_dir) / "s3" / "blobs"])
        self._sql = SqlSession(
            [*blobs, self._mirror.root, staging],
            self._root / "spill",
            cursors=workers,
            session_sql=SESSION_SQL,
        )
        self._jobs: dict[str, Any] = {}  # query id -> executions._Job
        self._results: OrderedDict[str, Any] = OrderedDict()  # query id -> parsed result
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="athena")
        self._open()

    def _open(self) -> None:
        private_dir(self._root)
        self._store = AthenaStore(self._root / "athena.sqlite")

    def _reset_store(self) -> None:
        self._mirror.clear()
        self._store.close()
        shutil.rmtree(self._root, ignore_errors=True)
        self._open()

    def _workgroup(self, account: str, region: str, name: str | None) -> WorkGroup:
        """A work group; ``primary`` always exists (made on first use)."""
        name = name or PRIMARY
        with self._store.lock:
            wg = self._store.get_workgroup(account, region, name)
            if wg is None and name == PRIMARY:
                wg = WorkGroup(
                    PRIMARY, creation_time=self._clock.utcnow(), enforce_configuration=False
                )
                self._store.put_workgroup(account, region, wg)
        if wg is None:
            raise workgroup_not_found(name)
        return wg

"""The Athena engine: work groups, named queries, query executions running real SQL on
DuckDB over the files of the object store, and the ``AwsDataCatalog`` metadata API.

``AthenaEngine`` composes the resource mixins. Public methods are named after the
Athena operations, take typed values (account, region, then the members) and return
models from ``models.py``, raising only ``errors.py`` classes. Other services are
reached only through the :mod:`ports` protocols the emulator injects.

On disk: ``<data_dir>/athena/athena.sqlite`` (WAL); results and CTAS data go to S3.
"""

from __future__ import annotations

from pathlib import Path

from lakestack.core.clock import Clock
from lakestack.core.ids import Ids
from lakestack.metering.meter import UsageSink
from lakestack.services.athena.catalogs import CatalogOps
from lakestack.services.athena.executions import ExecutionOps
from lakestack.services.athena.named_queries import NamedQueryOps
from lakestack.services.athena.ports import Catalog, ObjectStore
from lakestack.services.athena.workgroups import WorkGroupOps, WorkGroupUpdate

__all__ = ["AthenaEngine", "WorkGroupUpdate"]


class AthenaEngine(WorkGroupOps, NamedQueryOps, ExecutionOps, CatalogOps):
    """``AthenaEngine(data_dir, clock, ids, meter, objects, catalog, workers=2)``.

    Thread-safe: metadata through one locked SQLite connection, queries on a pool of
    ``workers`` threads each with its own cursor of one locked DuckDB database
    (:class:`lakestack.sql.session.SqlSession`).
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
    ) -> None:
        super().__init__(data_dir, clock, ids, meter, objects, catalog, workers)
        self._recover()

    def reset(self) -> None:
        """Cancel running queries and forget every work group, query and result."""
        self._stop_all()
        with self._lock:
            self._results.clear()
            self._reset_store()

    def close(self) -> None:
        self._stop_all()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._store.close()
        self._sql.close()

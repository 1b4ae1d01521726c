"""The Glue Data Catalog engine: one catalog per (account, region) shared by the Glue API,
Athena DDL, awswrangler, Glue jobs and crawlers.

:class:`GlueCatalogEngine` is the union of its operation groups (databases, tables,
partitions: methods only, over the one store ``CatalogBase`` opens). Each public
method is named after the Glue operation, takes typed values (catalog id as
``account``, region, then the operation's members) and returns models from
``models.py``, raising only ``errors.py`` classes; in-process callers (the Athena
adapter, the crawlers engine) use exactly this API plus the unbilled lookups below.
Knows nothing of HTTP, jobs or crawlers.

On disk: ``<data_dir>/glue/catalog.sqlite`` (WAL), opened by this engine alone.
"""

from __future__ import annotations

from lakestack.services.glue.catalog_databases import DatabaseOps
from lakestack.services.glue.catalog_partitions import PartitionOps
from lakestack.services.glue.catalog_tables import SearchFilter, TableOps
from lakestack.services.glue.models import Database, Table

__all__ = ["GlueCatalogEngine", "SearchFilter"]


class GlueCatalogEngine(DatabaseOps, TableOps, PartitionOps):
    """``GlueCatalogEngine(data_dir, clock, ids, meter)``.

    Thread-safe: every read and write goes through one locked SQLite connection;
    check-then-write steps hold the store lock.
    """

    # -- lookups for collaborators (a crawl): not Glue requests, so not billed -----------

    def find_database(self, account: str, region: str, name: str) -> Database | None:
        return self._store.get_database(account, region, (name or "").lower())

    def find_table(self, account: str, region: str, database: str, name: str) -> Table | None:
        return self._store.get_table(account, region, (database or "").lower(), name.lower())

    def tables_in(self, account: str, region: str, database: str) -> list[Table]:
        return self._store.list_tables(account, region, (database or "").lower())

"""The Glue Data Catalog engine: one catalog per (account, region) shared by the
Glue API, Athena DDL, awswrangler and Glue jobs.

``GlueEngine`` composes the resource mixins (databases, tables, partitions, and the jobs and job
runs of ``jobs.py``, their bookmarks in ``bookmarks.py``, the crawlers of ``crawlers.py``). Each
public method is named after the Glue operation, takes typed values (catalog id
as ``account``, region, then the operation's members) and returns models from
``models.py``, raising only ``errors.py`` classes; in-process callers (the Athena
engine) use exactly this API. Knows nothing of HTTP or JSON.

On disk: ``<data_dir>/glue/catalog.sqlite`` (WAL).
"""

from __future__ import annotations

from lakestack.services.glue.bookmarks import BookmarkOps
from lakestack.services.glue.catalog_databases import DatabaseOps
from lakestack.services.glue.catalog_partitions import PartitionOps
from lakestack.services.glue.catalog_tables import SearchFilter, TableOps
from lakestack.services.glue.crawlers import CrawlerOps

__all__ = ["GlueEngine", "SearchFilter"]


class GlueEngine(DatabaseOps, TableOps, PartitionOps, BookmarkOps, CrawlerOps):
    """``GlueEngine(data_dir, clock, ids, meter, *, scripts=None, endpoint=None,
    warm_spark=False)``.

    Thread-safe: every read and write goes through one locked SQLite connection;
    check-then-write steps hold the store lock.
    """

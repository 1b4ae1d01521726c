"""Glue as three engines composed, not mixed in: the Data Catalog
(:class:`GlueCatalogEngine`), jobs with their runs and bookmarks
(:class:`GlueJobsEngine`) and crawlers (:class:`GlueCrawlersEngine`, which reads and
writes the catalog through the ``CrawlerCatalog`` port).

:func:`build_glue` is the one place they are built and wired; ``emulator.py`` calls it.
Each engine owns one SQLite file under ``<data_dir>/glue/`` (``catalog.sqlite``,
``jobs.sqlite``, ``crawlers.sqlite``) and its own open/close/reset. A data dir written
by an older lakestack, whose ``catalog.sqlite`` also held the jobs, runs, bookmarks and
crawlers tables, is upgraded once by :func:`migrate_legacy_catalog` before the engines
open: the rows move to the engines' own files, so state survives the upgrade.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lakestack.core.clock import Clock
from lakestack.core.credentials import CredentialStore
from lakestack.core.ids import Ids
from lakestack.core.logs import LogWriter
from lakestack.core.objects import ObjectLister
from lakestack.core.sqlite import SqliteDatabase
from lakestack.metering.meter import UsageSink
from lakestack.services.glue.catalog import GlueCatalogEngine, SearchFilter
from lakestack.services.glue.catalog_base import CATALOG_FILE
from lakestack.services.glue.crawlers import CRAWLERS_FILE, CrawlerStore, GlueCrawlersEngine
from lakestack.services.glue.job_models import ScriptSource
from lakestack.services.glue.job_store import JOBS_FILE, LEGACY_TABLES, JobStore
from lakestack.services.glue.jobs import GlueJobsEngine

__all__ = [
    "GlueCatalogEngine",
    "GlueCrawlersEngine",
    "GlueEngine",
    "GlueEngines",
    "GlueJobsEngine",
    "SearchFilter",
    "build_glue",
    "migrate_legacy_catalog",
]

LOG = logging.getLogger(__name__)


class GlueObjects(ScriptSource, ObjectLister, Protocol):
    """What Glue needs from S3: objects' bytes (scripts) and listings (crawls)."""


@dataclass(frozen=True)
class GlueEngines:
    """The three Glue engines, closed and reset together."""

    catalog: GlueCatalogEngine
    jobs: GlueJobsEngine
    crawlers: GlueCrawlersEngine

    def close(self) -> None:
        """Stop crawls and runs first (they write the catalog), then the catalog."""
        self.crawlers.close()
        self.jobs.close()
        self.catalog.close()

    def reset(self) -> None:
        """Forget every crawler, job, run, bookmark and catalog entry."""
        self.crawlers.reset()
        self.jobs.reset()
        self.catalog.reset()


GlueEngine = GlueEngines
"""Glue's engine under the registry's ``<Name>Engine`` convention: the composition."""


def build_glue(
    data_dir: Path,
    clock: Clock,
    ids: Ids,
    meter: UsageSink,
    *,
    objects: GlueObjects | None = None,
    endpoint: Callable[[], str | None] | None = None,
    warm_spark: bool = False,
    logs: LogWriter | None = None,
    credentials: CredentialStore | None = None,
) -> GlueEngines:
    """Build Glue's engines on ``data_dir`` (upgrading an older data dir first).

    Args:
        objects: the S3 engine (scripts for runs, listings for crawls).
        endpoint: the URL job scripts' boto3 calls go to, asked when a run starts.
        warm_spark: start a Spark driver as soon as a glueetl job is created.
        logs: where runs' stdout and stderr go (CloudWatch Logs).
        credentials: where the keys job scripts sign with (as their job's role) live;
            without it scripts sign with the default pair.
    """
    migrate_legacy_catalog(Path(data_dir) / "glue")
    catalog = GlueCatalogEngine(data_dir, clock, ids, meter)
    jobs = GlueJobsEngine(
        data_dir,
        clock,
        ids,
        meter,
        scripts=objects,
        endpoint=endpoint,
        warm_spark=warm_spark,
        logs=logs,
        credentials=credentials,
    )
    crawlers = GlueCrawlersEngine(data_dir, clock, ids, meter, catalog, objects)
    return GlueEngines(catalog, jobs, crawlers)


def migrate_legacy_catalog(root: Path) -> int:
    """Move the jobs, runs, bookmarks and crawlers tables an older lakestack kept in
    ``catalog.sqlite`` into ``jobs.sqlite`` and ``crawlers.sqlite``; returns how many
    tables moved. Idempotent: rows already moved are kept, a half-done move completes.
    """
    catalog = root / CATALOG_FILE
    if not catalog.exists():
        return 0
    moves: tuple[tuple[str, Callable[[Path], SqliteDatabase], tuple[str, ...]], ...] = (
        (JOBS_FILE, JobStore, LEGACY_TABLES),
        (CRAWLERS_FILE, CrawlerStore, ("crawlers",)),
    )
    conn = sqlite3.connect(catalog, isolation_level=None)
    moved = 0
    try:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for file, store, tables in moves:
            legacy = [t for t in tables if t in have]
            if not legacy:
                continue
            store(root / file).close()  # creates the schema
            conn.execute("ATTACH DATABASE ? AS target", (str(root / file),))
            try:
                conn.execute("BEGIN IMMEDIATE")
                for table in legacy:  # names from the constants above, never from input
                    conn.execute(f"INSERT OR IGNORE INTO target.{table} SELECT * FROM main.{table}")
                    conn.execute(f"DROP TABLE main.{table}")
                conn.execute("COMMIT")
            finally:
                conn.execute("DETACH DATABASE target")
            moved += len(legacy)
            LOG.info("moved Glue tables %s from %s into %s", legacy, catalog, root / file)
    finally:
        conn.close()
    return moved

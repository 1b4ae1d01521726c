"""Glue crawlers as plain dataclasses, the crawler state table, the crawler errors, the
validation CreateCrawler/UpdateCrawler apply, and the small protocols a crawl works
through (listing S3, reading and writing the catalog).

Field names are botocore's members in snake_case (``Crawler.last_crawl`` is
``LastCrawl``), so the provider maps them by name; what only lakestack keeps (tags,
run history) lives beside the crawler in :class:`CrawlerEntry`. Knows no HTTP and imports
no other service (the S3 engine satisfies ``core.objects.ObjectLister`` structurally;
``emulator.py`` passes it to ``build_glue`` as ``objects``).
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from lakestack.core.lifecycle import Lifecycle
from lakestack.services.glue.catalog_base import validation_error
from lakestack.services.glue.errors import InvalidInputException
from lakestack.services.glue.models import (
    Database,
    EntryError,
    Partition,
    PartitionInput,
    Table,
    TableInput,
)

# -- states ----------------------------------------------------------------------------------

READY, RUNNING, STOPPING = "READY", "RUNNING", "STOPPING"
SUCCEEDED, CANCELLED, FAILED = "SUCCEEDED", "CANCELLED", "FAILED"

LIFECYCLE: Lifecycle[str] = Lifecycle(
    {
        READY: frozenset({RUNNING}),
        RUNNING: frozenset({STOPPING, READY}),
        STOPPING: frozenset({READY}),
    },
    recovery={RUNNING: READY, STOPPING: READY},
    resting=frozenset({READY}),
)
"""A crawler's ``State``: a crawl ends by going back to READY (its LastCrawl says how);
one left RUNNING or STOPPING by a stopped lakestack goes back to READY, FAILED."""

UPDATE_IN_DATABASE, LOG_ONLY = "UPDATE_IN_DATABASE", "LOG"
DELETE_FROM_DATABASE, DEPRECATE_IN_DATABASE = "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE"
CRAWL_EVERYTHING = "CRAWL_EVERYTHING"
LOG_GROUP = "/aws-glue/crawlers"


def can_move(current: str, new: str) -> bool:
    """Whether a crawler may go from ``current`` to ``new``.

    >>> can_move("READY", "RUNNING"), can_move("STOPPING", "RUNNING")
    (True, False)
    """
    return LIFECYCLE.can_move(current, new)


# -- resources -------------------------------------------------------------------------------


@dataclass(slots=True)
class S3Target:
    path: str
    exclusions: list[str] | None = None
    connection_name: str | None = None
    sample_size: int | None = None
    event_queue_arn: str | None = None
    dlq_event_queue_arn: str | None = None


@dataclass(slots=True)
class CrawlerTargets:
    s3_targets: list[S3Target] | None = None
    other: dict[str, Any] = field(default_factory=dict)
    """Non-S3 targets (JdbcTargets, DynamoDBTargets ...): kept, never crawled."""


@dataclass(slots=True)
class SchemaChangePolicy:
    update_behavior: str | None = None
    delete_behavior: str | None = None


@dataclass(slots=True)
class RecrawlPolicy:
    recrawl_behavior: str | None = None


@dataclass(slots=True)
class LineageConfiguration:
    crawler_lineage_settings: str | None = None


@dataclass(slots=True)
class Schedule:
    schedule_expression: str | None = None
    state: str | None = None


@dataclass(slots=True)
class LastCrawlInfo:
    status: str
    start_time: datetime
    error_message: str | None = None
    log_group: str | None = None
    log_stream: str | None = None
    message_prefix: str | None = None


@dataclass(slots=True)
class Crawler:
    """A crawler (CreateCrawler's members; the engine fills defaults and the state).

    In an UpdateCrawler request, ``None`` means "leave as is"."""

    name: str
    role: str | None = None
    targets: CrawlerTargets | None = None
    database_name: str | None = None
    description: str | None = None
    classifiers: list[str] | None = None
    recrawl_policy: RecrawlPolicy | None = None
    schema_change_policy: SchemaChangePolicy | None = None
    lineage_configuration: LineageConfiguration | None = None
    state: str | None = None
    table_prefix: str | None = None
    schedule: Schedule | None = None
    crawl_elapsed_time: int | None = None
    creation_time: datetime | None = None
    last_updated: datetime | None = None
    last_crawl: LastCrawlInfo | None = None
    version: int | None = None
    configuration: str | None = None
    crawler_security_configuration: str | None = None
    lake_formation_configuration: dict[str, Any] | None = None


@dataclass(slots=True)
class CrawlStats:
    """What lakestack remembers of a crawler's runs, for GetCrawlerMetrics."""

    runtimes: list[float] = field(default_factory=list)
    tables_created: int = 0
    tables_updated: int = 0
    tables_deleted: int = 0
    started_on: datetime | None = None


@dataclass(slots=True)
class CrawlerEntry:
    """One stored crawler: the resource, its tags and its run history."""

    crawler: Crawler
    tags: dict[str, str] = field(default_factory=dict)
    stats: CrawlStats = field(default_factory=CrawlStats)


@dataclass(slots=True)
class CrawlerMetrics:
    crawler_name: str
    time_left_seconds: float
    still_estimating: bool
    last_runtime_seconds: float
    median_runtime_seconds: float
    tables_created: int
    tables_updated: int
    tables_deleted: int


@dataclass(slots=True)
class CrawlOutcome:
    """What one crawl did to the catalog, and the lines AWS would log."""

    tables_created: int = 0
    tables_updated: int = 0
    tables_deleted: int = 0
    partitions_created: int = 0
    messages: list[str] = field(default_factory=list)


def metrics(entry: CrawlerEntry) -> CrawlerMetrics:
    """GetCrawlerMetrics for a crawler: its last crawl's table counts and its run times."""
    runtimes = entry.stats.runtimes
    return CrawlerMetrics(
        entry.crawler.name,
        0.0,
        entry.crawler.state != READY,
        runtimes[-1] if runtimes else 0.0,
        float(statistics.median(runtimes)) if runtimes else 0.0,
        entry.stats.tables_created,
        entry.stats.tables_updated,
        entry.stats.tables_deleted,
    )


# -- validation ------------------------------------------------------------------------------

_NAME = re.compile("[\u0020-\ud7ff\ue000-\ufffd\t]{1,255}")
_S3_PATH = re.compile(r"s3://[a-z0-9][a-z0-9.\-_]{1,62}(/.*)?")
_UPDATE = (UPDATE_IN_DATABASE, LOG_ONLY)
_DELETE = (DELETE_FROM_DATABASE, DEPRECATE_IN_DATABASE, LOG_ONLY)
_RECRAWL = (CRAWL_EVERYTHING, "CRAWL_NEW_FOLDERS_ONLY", "CRAWL_EVENT_MODE")


def validated(c: Crawler) -> Crawler:
    """The crawler with Glue's defaults filled in, or InvalidInputException."""
    if not isinstance(c.name, str) or not _NAME.fullmatch(c.name):
        raise validation_error(
            str(c.name), "name", "Member must have length between 1 and 255 and be a single line"
        )
    if not c.role:
        raise InvalidInputException("Role is required")
    _check_targets(c.targets)
    policy = c.schema_change_policy or SchemaChangePolicy()
    c.schema_change_policy = SchemaChangePolicy(
        policy.update_behavior or UPDATE_IN_DATABASE,
        policy.delete_behavior or DEPRECATE_IN_DATABASE,
    )
    c.recrawl_policy = c.recrawl_policy or RecrawlPolicy(CRAWL_EVERYTHING)
    c.lineage_configuration = c.lineage_configuration or LineageConfiguration("DISABLE")
    _check_policies(c)
    _check_configuration(c.configuration)
    expression = c.schedule.schedule_expression if c.schedule else None
    if expression is not None and not re.fullmatch(r"cron\(.+\)", expression):
        raise InvalidInputException(f"Invalid schedule expression: {expression}")
    c.lake_formation_configuration = c.lake_formation_configuration or {
        "UseLakeFormationCredentials": False,
        "AccountId": "",
    }
    return c


def _check_targets(targets: CrawlerTargets | None) -> None:
    if targets is None or not targets.s3_targets:
        raise InvalidInputException("At least one S3 target is required")
    unsupported = sorted(k for k, v in targets.other.items() if v)
    if unsupported:
        raise InvalidInputException(
            f"lakestack crawls S3 targets only; {', '.join(unsupported)} are not supported"
        )
    for t in targets.s3_targets:
        if not _S3_PATH.fullmatch(t.path or ""):
            raise InvalidInputException(f"Invalid S3 target path: {t.path}")


def _check_configuration(configuration: str | None) -> None:
    """A crawler's ``Configuration`` must be a JSON object (its ``Grouping`` one too).

    >>> _check_configuration('{"Version": 1.0}')
    """
    if not configuration:
        return
    try:
        conf = json.loads(configuration)
    except ValueError:
        conf = None
    if not isinstance(conf, dict) or not isinstance(conf.get("Grouping", {}), dict):
        raise InvalidInputException("Crawler configuration not valid: must be a JSON object")


def _check_policies(c: Crawler) -> None:
    policy = c.schema_change_policy or SchemaChangePolicy()
    recrawl = (c.recrawl_policy or RecrawlPolicy()).recrawl_behavior
    if policy.update_behavior not in _UPDATE:
        raise InvalidInputException(f"Invalid UpdateBehavior: {policy.update_behavior}")
    if policy.delete_behavior not in _DELETE:
        raise InvalidInputException(f"Invalid DeleteBehavior: {policy.delete_behavior}")
    if recrawl not in _RECRAWL:
        raise InvalidInputException(f"Invalid RecrawlBehavior: {recrawl}")
    incremental = recrawl != CRAWL_EVERYTHING
    if incremental and (policy.update_behavior, policy.delete_behavior) != (LOG_ONLY, LOG_ONLY):
        raise InvalidInputException(
            "The SchemaChangePolicy for incremental crawls must be LOG for both "
            "UpdateBehavior and DeleteBehavior"
        )


# -- what a crawl needs from the catalog ---------------------------------------------------------


class CrawlerCatalog(Protocol):
    """The Data Catalog a crawl reads and writes through (the catalog engine satisfies it;
    ``build_glue`` passes it to the crawlers engine)."""

    def find_database(self, account: str, region: str, name: str) -> Database | None:
        """The database, or None; not billed (a lookup, not a request)."""
        ...

    def find_table(self, account: str, region: str, database: str, name: str) -> Table | None:
        """The table, or None; not billed."""
        ...

    def tables_in(self, account: str, region: str, database: str) -> list[Table]:
        """Every table of a database, by name; not billed."""
        ...

    def create_table(
        self,
        account: str,
        region: str,
        database: str,
        table: TableInput,
        created_by: str | None = None,
    ) -> Table: ...

    def update_table(
        self, account: str, region: str, database: str, table: TableInput
    ) -> Table: ...

    def delete_table(self, account: str, region: str, database: str, name: str) -> None: ...

    def iter_partitions(
        self, account: str, region: str, database: str, table: str, expression: str | None = None
    ) -> Iterator[Partition]: ...

    def batch_create_partition(
        self,
        account: str,
        region: str,
        database: str,
        table: str,
        partitions: Sequence[PartitionInput],
    ) -> list[EntryError]: ...

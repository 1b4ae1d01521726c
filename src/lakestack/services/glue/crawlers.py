"""Glue crawlers over S3: CreateCrawler/GetCrawler(s)/ListCrawlers/UpdateCrawler/
DeleteCrawler, StartCrawler/StopCrawler and GetCrawlerMetrics.

:class:`GlueCrawlersEngine` knows no HTTP. Crawlers live in
``<data_dir>/glue/crawlers.sqlite``, a file this engine alone opens. StartCrawler moves a
crawler READY -> RUNNING and crawls in a thread of its own (StopCrawler: -> STOPPING)
along ``crawler_models.LIFECYCLE``; the crawl lists each S3 target through the injected
:class:`ObjectLister`, reads each file's schema (``crawler_infer``), groups files into
tables and partitions (``crawler_plan``) and writes them through the injected
:class:`CrawlerCatalog` (the catalog engine), then the crawler goes back to READY with
its ``LastCrawl`` (SUCCEEDED, CANCELLED or FAILED: failures are state, not exceptions),
the run is billed and one INFO line logs its end. ``hold_crawls`` keeps crawls where they
are until ``release_crawls`` (tests, demos); the engine never sleeps. Crawls in progress
when lakestack stopped are failed on the next start; ``reset``/``close`` stop every crawl.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from pathlib import Path

from lakestack.core.clock import Clock
from lakestack.core.errors import AwsError
from lakestack.core.ids import Ids
from lakestack.core.lifecycle import Waiters
from lakestack.core.objects import ObjectLister
from lakestack.core.sqlite import SqliteDatabase, dump, load
from lakestack.core.storage.private import private_dir
from lakestack.metering.meter import UsageSink
from lakestack.metering.pricing import usd
from lakestack.services.glue import crawler_infer as infer
from lakestack.services.glue import crawler_plan as planning
from lakestack.services.glue.catalog_base import (
    SERVICE,
    check_max_results,
    decode_token,
    encode_token,
    remove_database_files,
)
from lakestack.services.glue.crawler_models import (
    CANCELLED,
    DELETE_FROM_DATABASE,
    DEPRECATE_IN_DATABASE,
    FAILED,
    LIFECYCLE,
    LOG_GROUP,
    LOG_ONLY,
    READY,
    RUNNING,
    STOPPING,
    SUCCEEDED,
    Crawler,
    CrawlerCatalog,
    CrawlerEntry,
    CrawlerMetrics,
    CrawlOutcome,
    LastCrawlInfo,
    SchemaChangePolicy,
    can_move,
    metrics,
    validated,
)
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    CrawlerNotRunningException,
    CrawlerRunningException,
    CrawlerStoppingException,
    EntityNotFoundException,
    InvalidInputException,
    database_not_found,
)
from lakestack.services.glue.models import (
    Page,
    PartitionInput,
    TableInput,
)

LOG = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS crawlers(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
  body TEXT NOT NULL, PRIMARY KEY(account, region, name));
"""
CRAWLER_DPUS = 1.0
"""DPUs a crawler run is billed for: AWS publishes no figure; 1 DPU x the 10-minute minimum
gives the ~$0.07 smallest crawler charge AWS bills show."""
MIN_BILLED_SECONDS = 600  # 10-minute minimum per crawler run (aws-semantics 2.7)
MAX_PAGE = 1000
MAX_HISTORY = 100
BATCH = 100
_OWNED = {"state", "version", "creation_time", "last_updated", "last_crawl", "crawl_elapsed_time"}
INTERRUPTED = "lakestack stopped while this crawl was in progress; the crawl was abandoned."
CRAWLERS_FILE = "crawlers.sqlite"


class _Cancelled(Exception):
    """StopCrawler (or shutdown) was asked for: the crawl ends where it is."""


class CrawlerStore(SqliteDatabase):
    """Crawlers as JSON rows (with tags and run history), in ``crawlers.sqlite``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def get(self, account: str, region: str, name: str) -> CrawlerEntry | None:
        rows = self.query(
            "SELECT body FROM crawlers WHERE account=? AND region=? AND name=?",
            (account, region, name),
        )
        return load(CrawlerEntry, rows[0][0]) if rows else None

    def page(self, account: str, region: str, after: str, limit: int) -> list[CrawlerEntry]:
        rows = self.query(
            "SELECT body FROM crawlers WHERE account=? AND region=? AND name>? "
            "ORDER BY name LIMIT ?",
            (account, region, after, limit),
        )
        return [load(CrawlerEntry, r[0]) for r in rows]

    def put(self, account: str, region: str, entry: CrawlerEntry) -> None:
        self.execute(
            "INSERT OR REPLACE INTO crawlers VALUES(?,?,?,?,?)",
            (account, region, entry.crawler.name, entry.crawler.state or READY, dump(entry)),
        )

    def delete(self, account: str, region: str, name: str) -> None:
        self.execute(
            "DELETE FROM crawlers WHERE account=? AND region=? AND name=?", (account, region, name)
        )

    def active(self) -> list[tuple[str, str, str, str]]:
        """(account, region, name, state) of every crawler that is not READY."""
        rows = self.query(
            "SELECT account, region, name, state FROM crawlers WHERE state<>?", (READY,)
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]


@dataclasses.dataclass
class _Live:
    """A crawl this process is running: its thread and its stop/shutdown flags."""

    account: str
    region: str
    name: str
    message_prefix: str
    thread: threading.Thread | None = None
    cancel: bool = False
    shutdown: bool = False


class GlueCrawlersEngine:
    """``GlueCrawlersEngine(data_dir, clock, ids, meter, catalog, objects=None)``: the
    crawlers of every account and region.

    Args:
        catalog: the Data Catalog crawls read and write (the catalog engine).
        objects: lists S3 (the S3 engine); without it every crawl fails.
    """

    def __init__(
        self,
        data_dir: Path,
        clock: Clock,
        ids: Ids,
        meter: UsageSink,
        catalog: CrawlerCatalog,
        objects: ObjectLister | None = None,
    ) -> None:
        self._root = Path(data_dir) / "glue"
        self._clock = clock
        self._ids = ids
        self._meter = meter
        self._catalog = catalog
        self._objects = objects
        self._crawls: dict[tuple[str, str, str], _Live] = {}
        self._waiters: Waiters[tuple[str, str, str]] = Waiters()
        self._gate = threading.Condition()
        self._held = False
        self._open()

    def _open(self) -> None:
        private_dir(self._root)
        self._crawlers = CrawlerStore(self._root / CRAWLERS_FILE)
        self._fail_interrupted_crawls()

    def close(self) -> None:
        self._abandon_crawls()
        self._crawlers.close()

    def reset(self) -> None:
        """Stop every crawl and forget every crawler."""
        self._abandon_crawls()
        self.release_crawls()
        self._crawlers.close()
        remove_database_files(self._root / CRAWLERS_FILE)
        self._open()

    # -- definitions ------------------------------------------------------------------------

    def create_crawler(
        self, account: str, region: str, crawler: Crawler, tags: dict[str, str] | None = None
    ) -> Crawler:
        """Define a crawler; defaults as Glue fills them.

        Raises:
            InvalidInputException: a bad name, role, target, policy, schedule or configuration.
            AlreadyExistsException: a crawler of that name exists.
        """
        now = self._clock.utcnow()
        crawler = validated(
            dataclasses.replace(
                crawler, state=READY, version=1, creation_time=now, last_updated=now
            )
        )
        with self._crawlers.lock:
            if self._crawlers.get(account, region, crawler.name) is not None:
                raise AlreadyExistsException(f"Crawler with name {crawler.name} already exists")
            self._crawlers.put(account, region, CrawlerEntry(crawler, dict(tags or {})))
        return crawler

    def get_crawler(self, account: str, region: str, name: str) -> Crawler:
        """Raises: EntityNotFoundException."""
        return self._shown(self._entry(account, region, name))

    def get_crawlers(
        self,
        account: str,
        region: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[Crawler]:
        entries, token = self._page(account, region, max_results, next_token)
        return Page([self._shown(e) for e in entries], token)

    def list_crawlers(
        self,
        account: str,
        region: str,
        max_results: int | None = None,
        next_token: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Page[str]:
        """Crawler names in name order; with ``tags``, only crawlers carrying all of them."""
        entries, token = self._page(account, region, max_results, next_token)
        wanted = (tags or {}).items()
        return Page([e.crawler.name for e in entries if wanted <= e.tags.items()], token)

    def update_crawler(self, account: str, region: str, update: Crawler) -> Crawler:
        """Change the members ``update`` gives (``None`` ones stay); bumps ``Version``.

        Raises:
            EntityNotFoundException: no such crawler.
            CrawlerRunningException: it is crawling.
            InvalidInputException: as CreateCrawler.
        """
        with self._crawlers.lock:
            entry = self._entry(account, region, update.name)
            old = entry.crawler
            if old.state != READY:
                raise CrawlerRunningException(f"Crawler with name {old.name} is running")
            given = {
                f.name: getattr(update, f.name)
                for f in dataclasses.fields(update)
                if getattr(update, f.name) is not None and f.name not in _OWNED
            }
            entry.crawler = validated(
                dataclasses.replace(
                    old,
                    **given,
                    state=READY,
                    version=(old.version or 1) + 1,
                    last_updated=self._clock.utcnow(),
                )
            )
            self._crawlers.put(account, region, entry)
        return entry.crawler

    def delete_crawler(self, account: str, region: str, name: str) -> None:
        """Raises: EntityNotFoundException; CrawlerRunningException while it crawls."""
        with self._crawlers.lock:
            crawler = self._entry(account, region, name).crawler
            if crawler.state != READY:
                raise CrawlerRunningException(f"Crawler with name {name} is running")
            self._crawlers.delete(account, region, name)

    # -- crawls -----------------------------------------------------------------------------

    def start_crawler(self, account: str, region: str, name: str) -> Crawler:
        """Start a crawl in the background; the crawler is RUNNING when this returns.

        Raises:
            EntityNotFoundException: no such crawler.
            CrawlerRunningException: it is already crawling (or stopping).
        """
        with self._crawlers.lock:
            entry = self._entry(account, region, name)
            if not can_move(entry.crawler.state or READY, RUNNING):
                raise CrawlerRunningException(f"Crawler with name {name} has already started")
            entry.crawler.state = RUNNING
            entry.stats.started_on = self._clock.utcnow()
            self._crawlers.put(account, region, entry)
        live = _Live(account, region, name, self._ids.uuid())
        live.thread = threading.Thread(
            target=self._run, args=(live, entry.crawler), name=f"glue-crawl-{name}", daemon=True
        )
        with self._gate:
            self._crawls[(account, region, name)] = live
        self._waiters.begin((account, region, name))
        live.thread.start()
        return entry.crawler

    def stop_crawler(self, account: str, region: str, name: str) -> Crawler:
        """Ask a crawl to stop: STOPPING now, READY with a CANCELLED LastCrawl once it has.

        Raises:
            EntityNotFoundException: no such crawler.
            CrawlerNotRunningException / CrawlerStoppingException: nothing to stop.
        """
        with self._crawlers.lock:
            entry = self._entry(account, region, name)
            if entry.crawler.state == READY:
                raise CrawlerNotRunningException(f"Crawler with name {name} is not running")
            if entry.crawler.state == STOPPING:
                raise CrawlerStoppingException(f"Crawler with name {name} is stopping")
            entry.crawler.state = STOPPING
            self._crawlers.put(account, region, entry)
        with self._gate:
            live = self._crawls.get((account, region, name))
            if live is not None:
                live.cancel = True
                self._gate.notify_all()
        if live is None:  # not ours to run (left from before a restart)
            self._finish(_Live(account, region, name, self._ids.uuid()), CANCELLED, None, None)
        return entry.crawler

    def wait_crawler(
        self, account: str, region: str, name: str, timeout: float | None = 30.0
    ) -> Crawler:
        """The crawler once its crawl has ended (or after ``timeout`` seconds, as it is)."""
        self._waiters.wait((account, region, name), timeout)
        return self.get_crawler(account, region, name)

    def hold_crawls(self) -> None:
        """Crawls started from now on wait, RUNNING (or STOPPING once stopped), until
        :meth:`release_crawls`: a deterministic progression for tests and demos."""
        with self._gate:
            self._held = True

    def release_crawls(self) -> None:
        with self._gate:
            self._held = False
            self._gate.notify_all()

    def get_crawler_metrics(
        self,
        account: str,
        region: str,
        names: list[str] | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[CrawlerMetrics]:
        """Metrics of the named crawlers (unknown names left out), else of all of them."""
        if names is None:
            entries, token = self._page(account, region, max_results, next_token)
        else:  # at most 100 names (the model's limit): one page
            entries = [e for n in names if (e := self._crawlers.get(account, region, n))]
            token = None
        return Page([metrics(e) for e in entries], token)

    # -- the crawl thread ------------------------------------------------------------------

    def _run(self, live: _Live, crawler: Crawler) -> None:
        outcome = CrawlOutcome()
        status, error = SUCCEEDED, None
        try:
            with self._gate:
                self._gate.wait_for(lambda: not self._held or live.shutdown)
            _check(live)
            self._crawl(live, crawler, outcome)
        except _Cancelled:
            pass
        except AwsError as exc:
            status, error = FAILED, exc.message
        except Exception as exc:  # noqa: BLE001 - a crawl must record, not die
            LOG.exception("crawler %s failed inside lakestack", live.name)
            status, error = FAILED, f"Internal Service Exception: {exc}"
        finally:
            if live.shutdown:
                status, error = FAILED, INTERRUPTED
            elif live.cancel:
                status, error = CANCELLED, None
            try:
                self._finish(live, status, error, outcome)
            finally:
                with self._gate:
                    self._crawls.pop((live.account, live.region, live.name), None)
                self._waiters.settle((live.account, live.region, live.name))

    def _crawl(self, live: _Live, crawler: Crawler, outcome: CrawlOutcome) -> None:
        lister = self._objects
        if lister is None:
            raise InvalidInputException("lakestack was built without an object store")
        if not crawler.database_name:
            raise InvalidInputException("DatabaseName is required to crawl S3 targets")
        database = self._catalog.find_database(live.account, live.region, crawler.database_name)
        if database is None:
            raise database_not_found(crawler.database_name)
        db = database.name
        combine, level = planning.grouping(crawler.configuration)
        plans: list[planning.TablePlan] = []
        for target in (crawler.targets.s3_targets if crawler.targets else None) or []:
            bucket, prefix = planning.split_path(target.path)
            found = self._scan(live, lister, bucket, prefix, target.exclusions, outcome)
            plans += planning.plan_tables(bucket, prefix, found, combine=combine, table_level=level)
        names = self._write_tables(live, crawler, db, plans, outcome)
        self._retire_tables(live, crawler, db, names, outcome)

    def _scan(
        self,
        live: _Live,
        lister: ObjectLister,
        bucket: str,
        prefix: str,
        exclusions: list[str] | None,
        outcome: CrawlOutcome,
    ) -> list[planning.FoundFile]:
        excluded = planning.excluder(exclusions)
        found: list[planning.FoundFile] = []
        token: str | None = None
        while True:
            _check(live)
            try:
                page = lister.list_objects_v2(
                    live.account,
                    live.region,
                    bucket,
                    prefix=prefix or None,
                    continuation_token=token,
                )
            except AwsError as exc:
                raise InvalidInputException(
                    f"Error listing s3://{bucket}/{prefix}: {exc.code}: {exc.message}"
                ) from exc
            for obj in page.contents:
                rel = obj.key[len(prefix) :]
                if not obj.blob or obj.size <= 0 or not planning.readable(rel) or excluded(rel):
                    continue
                schema = infer.infer_file(obj.blob)
                if schema is None:
                    outcome.messages.append(f"s3://{bucket}/{obj.key}: classification UNKNOWN")
                    continue
                found.append(planning.FoundFile(rel, obj.size, schema))
            token = page.next_continuation_token
            if not token:
                return found

    def _write_tables(
        self,
        live: _Live,
        crawler: Crawler,
        db: str,
        plans: list[planning.TablePlan],
        outcome: CrawlOutcome,
    ) -> set[str]:
        where = (live.account, live.region)
        policy = crawler.schema_change_policy or SchemaChangePolicy()
        by = f"arn:aws:sts::{live.account}:assumed-role/{(crawler.role or '').rsplit('/', 1)[-1]}"
        used: set[str] = set()
        for plan in plans:
            _check(live)
            name = self._claim_name(live, db, (crawler.table_prefix or "") + plan.name, plan, used)
            table = planning.table_input(crawler.name, name, plan)
            old = self._catalog.find_table(*where, db, name)
            changed = False
            if old is None:
                self._catalog.create_table(*where, db, table, created_by=f"{by}/AWS-Crawler")
                outcome.tables_created += 1
            elif planning.differs(old, table) and policy.update_behavior == LOG_ONLY:
                outcome.messages.append(f"{db}.{name}: schema change logged, not applied")
            elif planning.differs(old, table):
                table.description = old.description
                table.parameters = {**(old.parameters or {}), **(table.parameters or {})}
                self._catalog.update_table(*where, db, table)
                changed = True
            added = self._add_partitions(live, db, name, table, plan, outcome)
            if old is not None and (changed or added):
                outcome.tables_updated += 1
        return used

    def _claim_name(
        self, live: _Live, db: str, name: str, plan: planning.TablePlan, used: set[str]
    ) -> str:
        """The plan's table name, with a hash of its location added when another table
        (of this crawl or already in the database) holds the name for another location."""
        old = self._catalog.find_table(live.account, live.region, db, name)
        here = plan.location.rstrip("/") + "/"
        if name in used or (old is not None and planning.location_of(old) != here):
            name = f"{name}_{hashlib.md5(plan.location.encode()).hexdigest()[:8]}"
        used.add(name)
        return name

    def _add_partitions(
        self,
        live: _Live,
        db: str,
        name: str,
        table: TableInput,
        plan: planning.TablePlan,
        outcome: CrawlOutcome,
    ) -> int:
        where = (live.account, live.region)
        have = {tuple(p.values) for p in self._catalog.iter_partitions(*where, db, name)}
        new = [
            PartitionInput(
                list(values),
                storage_descriptor=planning.located(table.storage_descriptor, location),
                parameters=dict(table.parameters or {}),
            )
            for values, location in plan.partitions
            if values not in have
        ]
        added = 0
        for i in range(0, len(new), BATCH):
            _check(live)
            errors = self._catalog.batch_create_partition(*where, db, name, new[i : i + BATCH])
            added += len(new[i : i + BATCH]) - len(errors)
            outcome.messages += [f"{db}.{name} {e.key}: {e.error_message}" for e in errors]
        outcome.partitions_created += added
        return added

    def _retire_tables(
        self, live: _Live, crawler: Crawler, db: str, kept: set[str], outcome: CrawlOutcome
    ) -> None:
        """Tables this crawler made under its targets that the crawl no longer found."""
        behavior = (crawler.schema_change_policy or SchemaChangePolicy()).delete_behavior
        roots = [
            "s3://" + "/".join(planning.split_path(t.path)).rstrip("/") + "/"
            for t in (crawler.targets.s3_targets if crawler.targets else None) or []
        ]
        for t in self._catalog.tables_in(live.account, live.region, db):
            params = t.parameters or {}
            if (
                t.name in kept
                or params.get("UPDATED_BY_CRAWLER") != crawler.name
                or "DEPRECATED_BY_CRAWLER" in params
                or not any(planning.location_of(t).startswith(r) for r in roots)
            ):
                continue
            _check(live)
            if behavior == DELETE_FROM_DATABASE:
                self._catalog.delete_table(live.account, live.region, db, t.name)
            elif behavior == DEPRECATE_IN_DATABASE:
                given = TableInput(
                    **{f.name: getattr(t, f.name) for f in dataclasses.fields(TableInput)}
                )
                given.parameters = {**params, "DEPRECATED_BY_CRAWLER": crawler.name}
                self._catalog.update_table(live.account, live.region, db, given)
            else:
                outcome.messages.append(f"{db}.{t.name}: no longer found, left as is (LOG)")
                continue
            outcome.tables_deleted += 1

    # -- state -----------------------------------------------------------------------------

    def _finish(
        self, live: _Live, status: str, error: str | None, outcome: CrawlOutcome | None
    ) -> None:
        """Back to READY with the LastCrawl; record the run's duration and bill it."""
        with self._crawlers.lock:
            entry = self._crawlers.get(live.account, live.region, live.name)
            if entry is None or not can_move(entry.crawler.state or READY, READY):
                return
            now = self._clock.utcnow()
            started = entry.stats.started_on or now
            seconds = max(0.0, (now - started).total_seconds())
            entry.crawler.state, entry.crawler.crawl_elapsed_time = READY, 0
            entry.crawler.last_crawl = LastCrawlInfo(
                status, started, error, LOG_GROUP, live.name, live.message_prefix
            )
            entry.stats.started_on = None
            if outcome is not None:
                entry.stats.runtimes = [*entry.stats.runtimes, seconds][-MAX_HISTORY:]
                entry.stats.tables_created = outcome.tables_created
                entry.stats.tables_updated = outcome.tables_updated
                entry.stats.tables_deleted = outcome.tables_deleted
            self._crawlers.put(live.account, live.region, entry)
        if outcome is not None:
            for line in outcome.messages:
                LOG.info("crawler %s: %s", live.name, line)
            dpu_seconds, why = crawl_billing(seconds)
            self._meter.record(
                SERVICE,
                "CrawlerRun",
                "DPU-Seconds",
                dpu_seconds,
                "DPU-Seconds",
                live.account,
                live.region,
                live.name,
                note=why,
            )
            LOG.info(
                "Glue crawler %s %s after %.1f s: %g DPU-seconds, $%.4f",
                live.name,
                status,
                seconds,
                dpu_seconds,
                usd(SERVICE, "DPU-Seconds", dpu_seconds),
            )
        else:
            LOG.info("Glue crawler %s %s: %s", live.name, status, error or "no crawl to bill")

    def _abandon_crawls(self) -> None:
        """Stop every crawl of this process and wait for it to record that."""
        with self._gate:
            lives = list(self._crawls.values())
            for live in lives:
                live.shutdown = True
            self._gate.notify_all()
        for live in lives:
            if live.thread is not None:
                live.thread.join()

    def _fail_interrupted_crawls(self) -> None:
        """Crawls a previous process left RUNNING or STOPPING end FAILED, interrupted."""
        LIFECYCLE.recover(
            [row for row in self._crawlers.active() if tuple(row[:3]) not in self._crawls],
            lambda row: row[3],
            lambda row, _: self._finish(
                _Live(row[0], row[1], row[2], self._ids.uuid()), FAILED, INTERRUPTED, None
            ),
        )

    # -- helpers ---------------------------------------------------------------------------

    def _entry(self, account: str, region: str, name: str) -> CrawlerEntry:
        entry = self._crawlers.get(account, region, name)
        if entry is None:
            raise EntityNotFoundException(f"Crawler entry with name {name} does not exist")
        return entry

    def _page(
        self, account: str, region: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[CrawlerEntry], str | None]:
        limit = check_max_results(max_results, MAX_PAGE)
        rows = self._crawlers.page(account, region, decode_token(next_token) or "", limit + 1)
        token = encode_token(rows[limit - 1].crawler.name) if len(rows) > limit else None
        return rows[:limit], token

    def _shown(self, entry: CrawlerEntry) -> Crawler:
        """The crawler as GetCrawler shows it: CrawlElapsedTime (ms) counts while it runs."""
        crawler = entry.crawler
        if crawler.state != READY and entry.stats.started_on is not None:
            elapsed = self._clock.utcnow() - entry.stats.started_on
            crawler.crawl_elapsed_time = max(0, int(elapsed.total_seconds() * 1000))
        return crawler


def crawl_billing(seconds: float) -> tuple[float, str]:
    """The DPU-seconds a crawl of ``seconds`` is billed, and why.

    >>> crawl_billing(12)
    (600.0, '1 DPU x 10-minute minimum (crawler run)')
    >>> crawl_billing(900)[1]
    '1 DPU x run time, per second (crawler run, 10-minute minimum)'
    """
    if seconds < MIN_BILLED_SECONDS:
        why = f"{CRAWLER_DPUS:g} DPU x 10-minute minimum (crawler run)"
    else:
        why = f"{CRAWLER_DPUS:g} DPU x run time, per second (crawler run, 10-minute minimum)"
    return CRAWLER_DPUS * max(seconds, MIN_BILLED_SECONDS), why


def _check(live: _Live) -> None:
    if live.cancel or live.shutdown:
        raise _Cancelled

"""The crawler engine without HTTP: definitions, the READY/RUNNING/STOPPING states (held
crawls make them deterministic), what a crawl writes to the catalog, schema-change and
delete policies, billing and metrics. A small in-memory object lister stands in for S3."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from glue_helpers import WHERE, RecordingMeter

from lakestack.core.clock import FixedClock
from lakestack.core.errors import AwsError
from lakestack.core.ids import Ids
from lakestack.services.glue.crawler_models import (
    Crawler,
    CrawlerTargets,
    RecrawlPolicy,
    S3Target,
    SchemaChangePolicy,
)
from lakestack.services.glue.engine import GlueEngines, build_glue
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    CrawlerNotRunningException,
    CrawlerRunningException,
    CrawlerStoppingException,
    EntityNotFoundException,
    InvalidInputException,
)
from lakestack.services.glue.models import DatabaseInput

ROLE = "arn:aws:iam::111122223333:role/service-role/crawler"


class NoSuchBucket(AwsError):
    code = "NoSuchBucket"
    message = "The specified bucket does not exist"


@dataclass
class Obj:
    key: str
    size: int
    blob: str


@dataclass
class Listing:
    contents: list[Obj]
    next_continuation_token: str | None = None


@dataclass
class Objects:
    """Buckets of files on disk, listed two keys a page (like S3's ListObjectsV2)."""

    root: Path
    buckets: dict[str, dict[str, Path]] = field(default_factory=dict)

    def put(self, bucket: str, key: str, data: bytes) -> None:
        path = self.root / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.buckets.setdefault(bucket, {})[key] = path

    def remove(self, bucket: str, key: str) -> None:
        self.buckets[bucket].pop(key).unlink()

    def list_objects_v2(
        self,
        account: str,
        region: str,
        bucket: str,
        *,
        prefix: str | None = None,
        continuation_token: str | None = None,
    ) -> Listing:
        if bucket not in self.buckets:
            raise NoSuchBucket()
        keys = sorted(k for k in self.buckets[bucket] if k.startswith(prefix or ""))
        start = int(continuation_token or 0)
        page = [
            Obj(k, self.buckets[bucket][k].stat().st_size, str(self.buckets[bucket][k]))
            for k in keys[start : start + 2]
        ]
        return Listing(page, str(start + 2) if start + 2 < len(keys) else None)


def parquet(**columns: list[object]) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    return buf.getvalue()


@pytest.fixture
def objects(tmp_path: Path) -> Objects:
    objs = Objects(tmp_path / "s3")
    for month in ("01", "02"):
        objs.put(
            "lake",
            f"sales/year=2026/month={month}/part-0.parquet",
            parquet(id=[1, 2], amount=[1.5, 2.5]),
        )
    objs.put("lake", "sales/_SUCCESS", b"")
    return objs


@pytest.fixture
def meter() -> RecordingMeter:
    return RecordingMeter()


@pytest.fixture
def engine(
    tmp_path: Path, clock: FixedClock, objects: Objects, meter: RecordingMeter
) -> Iterator[GlueEngines]:
    eng = build_glue(tmp_path / "data", clock, Ids(seed=7), meter, objects=objects)  # type: ignore[arg-type]
    eng.catalog.create_database(*WHERE, DatabaseInput("lake"))
    yield eng
    eng.close()


def crawler(name: str = "sales", path: str = "s3://lake/sales/", **kw: object) -> Crawler:
    return Crawler(name, ROLE, CrawlerTargets([S3Target(path)]), database_name="lake", **kw)  # type: ignore[arg-type]


def crawl(engine: GlueEngines, name: str = "sales") -> Crawler:
    engine.crawlers.start_crawler(*WHERE, name)
    return engine.crawlers.wait_crawler(*WHERE, name)


# -- definitions ------------------------------------------------------------------------


def test_create_crawler_defaults(engine: GlueEngines, clock: FixedClock) -> None:
    c = engine.crawlers.create_crawler(*WHERE, crawler())
    assert (c.state, c.version, c.creation_time) == ("READY", 1, clock.utcnow())
    assert c.schema_change_policy == SchemaChangePolicy(
        "UPDATE_IN_DATABASE", "DEPRECATE_IN_DATABASE"
    )
    assert c.recrawl_policy == RecrawlPolicy("CRAWL_EVERYTHING") and c.last_crawl is None
    assert engine.crawlers.get_crawler(*WHERE, "sales") == c


def test_create_crawler_duplicate_raises_already_exists(engine: GlueEngines) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    with pytest.raises(AlreadyExistsException, match="Crawler with name sales already exists"):
        engine.crawlers.create_crawler(*WHERE, crawler())


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (Crawler("c", ROLE, CrawlerTargets([])), "At least one S3 target"),
        (Crawler("c", None, CrawlerTargets([S3Target("s3://lake/x/")])), "Role is required"),
        (crawler(path="lake/sales/"), "Invalid S3 target path: lake/sales/"),
        (crawler(path="s3://"), "Invalid S3 target path"),
        (
            Crawler(
                "c",
                ROLE,
                CrawlerTargets([S3Target("s3://l/")], {"JdbcTargets": [{"Path": "db/%"}]}),
            ),
            "JdbcTargets are not supported",
        ),
        (crawler(schema_change_policy=SchemaChangePolicy("IGNORE")), "Invalid UpdateBehavior"),
        (crawler(recrawl_policy=RecrawlPolicy("CRAWL_NEW_FOLDERS_ONLY")), "must be LOG"),
        (crawler(configuration="{not json"), "Crawler configuration not valid"),
        (Crawler("", ROLE, CrawlerTargets([S3Target("s3://lake/")])), "validation error"),
    ],
)
def test_create_crawler_bad_input_raises_invalid_input(
    engine: GlueEngines, given: Crawler, message: str
) -> None:
    with pytest.raises(InvalidInputException, match=message):
        engine.crawlers.create_crawler(*WHERE, given)


def test_get_crawler_missing_raises_entity_not_found(engine: GlueEngines) -> None:
    with pytest.raises(
        EntityNotFoundException, match="Crawler entry with name nope does not exist"
    ):
        engine.crawlers.get_crawler(*WHERE, "nope")
    with pytest.raises(EntityNotFoundException):
        engine.crawlers.start_crawler(*WHERE, "nope")
    with pytest.raises(EntityNotFoundException):
        engine.crawlers.delete_crawler(*WHERE, "nope")


def test_get_crawlers_and_list_crawlers_page_in_name_order(engine: GlueEngines) -> None:
    for name in ("c", "a", "b"):
        engine.crawlers.create_crawler(
            *WHERE, crawler(name), tags={"team": "x" if name != "b" else "y"}
        )
    first = engine.crawlers.get_crawlers(*WHERE, max_results=2)
    assert [c.name for c in first.items] == ["a", "b"] and first.next_token
    rest = engine.crawlers.get_crawlers(*WHERE, max_results=2, next_token=first.next_token)
    assert [c.name for c in rest.items] == ["c"] and rest.next_token is None
    assert engine.crawlers.list_crawlers(*WHERE).items == ["a", "b", "c"]
    assert engine.crawlers.list_crawlers(*WHERE, tags={"team": "x"}).items == ["a", "c"]


def test_update_crawler_changes_given_members_and_bumps_version(engine: GlueEngines) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler(description="old"))
    updated = engine.crawlers.update_crawler(*WHERE, Crawler("sales", table_prefix="raw_"))
    assert (updated.table_prefix, updated.description, updated.version) == ("raw_", "old", 2)
    assert updated.targets == CrawlerTargets([S3Target("s3://lake/sales/")])
    with pytest.raises(EntityNotFoundException):
        engine.crawlers.update_crawler(*WHERE, Crawler("nope", table_prefix="x"))


def test_delete_crawler_forgets_it(engine: GlueEngines) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    engine.crawlers.delete_crawler(*WHERE, "sales")
    assert engine.crawlers.list_crawlers(*WHERE).items == []


# -- states -----------------------------------------------------------------------------


def test_held_crawl_is_running_until_stopped_then_cancelled(
    engine: GlueEngines, clock: FixedClock
) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    engine.crawlers.hold_crawls()
    engine.crawlers.start_crawler(*WHERE, "sales")
    clock.advance(5)
    running = engine.crawlers.get_crawler(*WHERE, "sales")
    assert (running.state, running.crawl_elapsed_time) == ("RUNNING", 5000)
    with pytest.raises(CrawlerRunningException, match="has already started"):
        engine.crawlers.start_crawler(*WHERE, "sales")
    with pytest.raises(CrawlerRunningException):
        engine.crawlers.update_crawler(*WHERE, Crawler("sales", description="x"))
    with pytest.raises(CrawlerRunningException):
        engine.crawlers.delete_crawler(*WHERE, "sales")
    assert engine.crawlers.stop_crawler(*WHERE, "sales").state == "STOPPING"
    with pytest.raises(CrawlerStoppingException, match="is stopping"):
        engine.crawlers.stop_crawler(*WHERE, "sales")
    assert engine.crawlers.get_crawler(*WHERE, "sales").state == "STOPPING"
    engine.crawlers.release_crawls()
    done = engine.crawlers.wait_crawler(*WHERE, "sales")
    assert done.state == "READY" and done.last_crawl is not None
    assert (done.last_crawl.status, done.last_crawl.error_message) == ("CANCELLED", None)
    assert engine.catalog.get_tables(*WHERE, "lake").items == []


def test_stop_crawler_not_running_raises(engine: GlueEngines) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    with pytest.raises(CrawlerNotRunningException, match="is not running"):
        engine.crawlers.stop_crawler(*WHERE, "sales")


def test_released_crawl_runs_and_bills_its_duration(
    engine: GlueEngines, clock: FixedClock, meter: RecordingMeter
) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    engine.crawlers.hold_crawls()
    engine.crawlers.start_crawler(*WHERE, "sales")
    clock.advance(900)
    engine.crawlers.release_crawls()
    done = engine.crawlers.wait_crawler(*WHERE, "sales")
    assert done.last_crawl is not None and done.last_crawl.status == "SUCCEEDED"
    assert (
        done.last_crawl.log_group == "/aws-glue/crawlers" and done.last_crawl.log_stream == "sales"
    )
    runs = [r for r in meter.records if r[1] == "CrawlerRun"]
    assert runs == [("glue", "CrawlerRun", "DPU-Seconds", 900.0, "DPU-Seconds", *WHERE)]
    (m,) = engine.crawlers.get_crawler_metrics(*WHERE).items
    assert (m.last_runtime_seconds, m.median_runtime_seconds, m.tables_created) == (900.0, 900.0, 1)
    assert not m.still_estimating and m.time_left_seconds == 0.0


def test_short_crawl_billed_ten_minute_minimum(
    engine: GlueEngines, meter: RecordingMeter, caplog: pytest.LogCaptureFixture
) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    caplog.set_level("INFO", logger="lakestack.services.glue.crawlers")
    crawl(engine)
    runs = [
        (r[3], n) for r, n in zip(meter.records, meter.notes, strict=True) if r[1] == "CrawlerRun"
    ]
    assert runs == [(600.0, "1 DPU x 10-minute minimum (crawler run)")]
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("Glue")] == [
        "Glue crawler sales SUCCEEDED after 0.0 s: 600 DPU-seconds, $0.0733"
    ]


def test_metrics_median_over_runs_and_named_crawlers_only(
    engine: GlueEngines, clock: FixedClock
) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    for seconds in (10, 30, 20):
        engine.crawlers.hold_crawls()
        engine.crawlers.start_crawler(*WHERE, "sales")
        clock.advance(seconds)
        engine.crawlers.release_crawls()
        engine.crawlers.wait_crawler(*WHERE, "sales")
    (m,) = engine.crawlers.get_crawler_metrics(*WHERE, names=["sales", "nope"]).items
    assert (m.last_runtime_seconds, m.median_runtime_seconds) == (20.0, 20.0)
    assert (m.tables_created, m.tables_updated) == (0, 0)


def test_reset_stops_held_crawls_and_forgets_crawlers(engine: GlueEngines) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    engine.crawlers.hold_crawls()
    engine.crawlers.start_crawler(*WHERE, "sales")
    engine.reset()
    assert engine.crawlers.list_crawlers(*WHERE).items == []
    engine.catalog.create_database(*WHERE, DatabaseInput("lake"))
    engine.crawlers.create_crawler(*WHERE, crawler())
    assert crawl(engine).last_crawl.status == "SUCCEEDED"  # type: ignore[union-attr]


def test_crawl_in_progress_at_close_is_failed_on_reopen(
    tmp_path: Path, clock: FixedClock, objects: Objects
) -> None:
    data = tmp_path / "restart"
    first = build_glue(data, clock, Ids(seed=1), RecordingMeter(), objects=objects)  # type: ignore[arg-type]
    first.crawlers.create_crawler(*WHERE, crawler())
    first.crawlers.hold_crawls()
    first.crawlers.start_crawler(*WHERE, "sales")
    first.close()
    again = build_glue(data, clock, Ids(seed=2), RecordingMeter(), objects=objects)  # type: ignore[arg-type]
    try:
        c = again.crawlers.get_crawler(*WHERE, "sales")
    finally:
        again.close()
    assert c.state == "READY" and c.last_crawl is not None
    assert c.last_crawl.status == "FAILED"
    assert (c.last_crawl.error_message or "").startswith("lakestack stopped while this crawl")


# -- what a crawl writes ----------------------------------------------------------------


def test_crawl_creates_partitioned_table(engine: GlueEngines) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    assert crawl(engine).last_crawl.status == "SUCCEEDED"  # type: ignore[union-attr]
    t = engine.catalog.get_table(*WHERE, "lake", "sales")
    assert t.table_type == "EXTERNAL_TABLE" and t.storage_descriptor is not None
    assert [(c.name, c.type) for c in t.storage_descriptor.columns or []] == [
        ("id", "bigint"),
        ("amount", "double"),
    ]
    assert [(k.name, k.type) for k in t.partition_keys] == [("year", "string"), ("month", "string")]
    assert t.created_by == "arn:aws:sts::111122223333:assumed-role/crawler/AWS-Crawler"
    parts = engine.catalog.get_partitions(*WHERE, "lake", "sales").items
    assert [(p.values, p.storage_descriptor.location) for p in parts] == [  # type: ignore[union-attr]
        (["2026", "01"], "s3://lake/sales/year=2026/month=01/"),
        (["2026", "02"], "s3://lake/sales/year=2026/month=02/"),
    ]


def test_recrawl_adds_new_partition_and_counts_table_updated(
    engine: GlueEngines, objects: Objects
) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    crawl(engine)
    version = engine.catalog.get_table(*WHERE, "lake", "sales").version_id
    objects.put("lake", "sales/year=2026/month=03/part-0.parquet", parquet(id=[3], amount=[3.5]))
    crawl(engine)
    assert [p.values for p in engine.catalog.get_partitions(*WHERE, "lake", "sales").items][-1] == [
        "2026",
        "03",
    ]
    assert (
        engine.catalog.get_table(*WHERE, "lake", "sales").version_id == version
    )  # shape unchanged
    (m,) = engine.crawlers.get_crawler_metrics(*WHERE).items
    assert (m.tables_created, m.tables_updated, m.tables_deleted) == (0, 1, 0)


def test_recrawl_new_column_updates_table_in_database(
    engine: GlueEngines, objects: Objects
) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler())
    crawl(engine)
    objects.put(
        "lake", "sales/year=2026/month=03/p.parquet", parquet(id=[3], amount=[1.0], note=["n"])
    )
    crawl(engine)
    t = engine.catalog.get_table(*WHERE, "lake", "sales")
    assert [c.name for c in t.storage_descriptor.columns or []] == ["id", "amount", "note"]  # type: ignore[union-attr]
    assert t.version_id == "1"


def test_recrawl_with_log_policy_leaves_schema_but_adds_partitions(
    engine: GlueEngines, objects: Objects
) -> None:
    engine.crawlers.create_crawler(
        *WHERE, crawler(schema_change_policy=SchemaChangePolicy("LOG", "LOG"))
    )
    crawl(engine)
    objects.put(
        "lake", "sales/year=2026/month=03/p.parquet", parquet(id=[3], amount=[1.0], note=["n"])
    )
    crawl(engine)
    t = engine.catalog.get_table(*WHERE, "lake", "sales")
    assert [c.name for c in t.storage_descriptor.columns or []] == ["id", "amount"]  # type: ignore[union-attr]
    assert len(engine.catalog.get_partitions(*WHERE, "lake", "sales").items) == 3


@pytest.mark.parametrize(
    ("behavior", "left"),
    [("DEPRECATE_IN_DATABASE", "deprecated"), ("DELETE_FROM_DATABASE", "deleted"), ("LOG", "kept")],
)
def test_recrawl_table_gone_follows_delete_behavior(
    engine: GlueEngines, objects: Objects, behavior: str, left: str
) -> None:
    engine.crawlers.create_crawler(
        *WHERE,
        crawler(
            path="s3://lake/",
            schema_change_policy=SchemaChangePolicy("UPDATE_IN_DATABASE", behavior),
        ),
    )
    objects.put("lake", "events/a.json", b'{"x": "a", "y": 1}\n')
    objects.put("lake", "logs/a.csv", b"at,n\nx,1\ny,2\n")  # keeps s3://lake/ from one table
    crawl(engine)
    names = [t.name for t in engine.catalog.get_tables(*WHERE, "lake").items]
    assert names == ["events", "logs", "sales"]
    objects.remove("lake", "events/a.json")
    crawl(engine)
    names = [t.name for t in engine.catalog.get_tables(*WHERE, "lake").items]
    (m,) = engine.crawlers.get_crawler_metrics(*WHERE).items
    if left == "deleted":
        assert names == ["logs", "sales"] and m.tables_deleted == 1
    else:
        params = engine.catalog.get_table(*WHERE, "lake", "events").parameters or {}
        assert ("DEPRECATED_BY_CRAWLER" in params) is (left == "deprecated")
        assert m.tables_deleted == (1 if left == "deprecated" else 0)


def test_crawl_table_prefix_and_exclusions(engine: GlueEngines, objects: Objects) -> None:
    objects.put("lake", "sales/year=2025/month=12/part-0.parquet", parquet(id=[0], amount=[0.5]))
    target = S3Target("s3://lake/sales/", exclusions=["year=2025/**"])
    engine.crawlers.create_crawler(
        *WHERE,
        Crawler("c", ROLE, CrawlerTargets([target]), database_name="lake", table_prefix="raw_"),
    )
    crawl(engine, "c")
    assert [
        p.values[0] for p in engine.catalog.get_partitions(*WHERE, "lake", "raw_sales").items
    ] == [
        "2026",
        "2026",
    ]


def test_crawl_name_taken_by_other_location_gets_hash_suffix(
    engine: GlueEngines, objects: Objects
) -> None:
    objects.put("lake", "other/sales/a.json", b'{"x": 1}\n')
    engine.crawlers.create_crawler(*WHERE, crawler())
    engine.crawlers.create_crawler(*WHERE, crawler("other", "s3://lake/other/sales/"))
    crawl(engine)
    crawl(engine, "other")
    names = [t.name for t in engine.catalog.get_tables(*WHERE, "lake").items]
    assert (
        names[0] == "sales" and names[1].startswith("sales_") and len(names[1]) == len("sales_") + 8
    )


def test_crawl_missing_database_fails(engine: GlueEngines) -> None:
    engine.crawlers.create_crawler(
        *WHERE,
        Crawler("c", ROLE, CrawlerTargets([S3Target("s3://lake/sales/")]), database_name="nodb"),
    )
    last = crawl(engine, "c").last_crawl
    assert last is not None and (last.status, last.error_message) == (
        "FAILED",
        "Database nodb not found.",
    )


def test_crawl_missing_bucket_fails(engine: GlueEngines, meter: RecordingMeter) -> None:
    engine.crawlers.create_crawler(*WHERE, crawler(path="s3://nobucket/x/"))
    last = crawl(engine).last_crawl
    assert last is not None and last.status == "FAILED"
    assert (
        last.error_message
        == "Error listing s3://nobucket/x/: NoSuchBucket: The specified bucket does not exist"
    )
    assert [r[3] for r in meter.records if r[1] == "CrawlerRun"] == [600.0]


def test_crawl_unknown_files_skipped(engine: GlueEngines, objects: Objects) -> None:
    objects.put("lake", "blobs/a.bin", bytes(range(256)))
    engine.crawlers.create_crawler(*WHERE, crawler("b", "s3://lake/blobs/"))
    assert crawl(engine, "b").last_crawl.status == "SUCCEEDED"  # type: ignore[union-attr]
    assert [t.name for t in engine.catalog.get_tables(*WHERE, "lake").items] == []

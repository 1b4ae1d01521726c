"""Glue as three composed engines: each owns its SQLite file, they close and reset
apart, and a data dir written by an older lakestack (one catalog.sqlite holding jobs,
runs, bookmarks and crawlers too) keeps its state through the upgrade."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from glue_helpers import WHERE, RecordingMeter

from lakestack.core.clock import FixedClock
from lakestack.core.ids import Ids
from lakestack.services.glue.crawler_models import Crawler, CrawlerEntry, CrawlerTargets, S3Target
from lakestack.services.glue.crawlers import CrawlerStore
from lakestack.services.glue.engine import GlueEngines, build_glue, migrate_legacy_catalog
from lakestack.services.glue.job_models import Job, JobCommand, JobRun
from lakestack.services.glue.job_store import JobBookmarkEntry, JobStore
from lakestack.services.glue.models import Database, DatabaseInput
from lakestack.services.glue.store import GlueStore

ROLE = "arn:aws:iam::111122223333:role/glue"
NOW = datetime(2026, 7, 1, tzinfo=UTC)


def _build(data: Path) -> GlueEngines:
    return build_glue(data, FixedClock(), Ids(seed=5), RecordingMeter())


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_each_engine_owns_one_file(tmp_path: Path) -> None:
    glue = _build(tmp_path)
    glue.close()
    root = tmp_path / "glue"
    assert _tables(root / "catalog.sqlite") == {"databases", "tables", "partitions"}
    assert _tables(root / "jobs.sqlite") == {
        "jobs",
        "job_runs",
        "job_bookmarks",
        "job_bookmark_runs",
    }
    assert _tables(root / "crawlers.sqlite") == {"crawlers"}


def test_engines_reset_apart(tmp_path: Path) -> None:
    glue = _build(tmp_path)
    try:
        glue.catalog.create_database(*WHERE, DatabaseInput("lake"))
        glue.jobs.create_job(*WHERE, Job("j", ROLE, JobCommand("pythonshell", "s3://b/j.py")))
        glue.jobs.reset()
        assert glue.jobs.get_jobs(*WHERE).items == []
        assert glue.catalog.get_database(*WHERE, "lake").name == "lake"
        glue.reset()
        assert glue.catalog.get_databases(*WHERE).items == []
    finally:
        glue.close()


def _legacy_data_dir(data: Path) -> None:
    """What an older lakestack left: every Glue table in one catalog.sqlite."""
    legacy = data / "glue" / "catalog.sqlite"
    catalog, jobs, crawlers = GlueStore(legacy), JobStore(legacy), CrawlerStore(legacy)
    catalog.put_database(*WHERE, Database("lake", catalog_id=WHERE[0], create_time=NOW))
    jobs.put_job(*WHERE, Job("nightly", ROLE, JobCommand("pythonshell", "s3://b/n.py")))
    jobs.insert_run(*WHERE, JobRun("jr_1", "nightly", "RUNNING", NOW, NOW))
    jobs.put_bookmark(*WHERE, JobBookmarkEntry("nightly", 2, 2, 0, "jr_0", "jr_1", '{"seen": 1}'))
    jobs.remember_run(*WHERE, "nightly", "jr_1", '{"seen": 1}')
    crawler = Crawler("sales", ROLE, CrawlerTargets([S3Target("s3://b/sales/")]), "lake")
    crawler.state = "READY"
    crawlers.put(*WHERE, CrawlerEntry(crawler, {"team": "data"}))
    for store in (catalog, jobs, crawlers):
        store.close()


def test_upgrade_moves_jobs_runs_bookmarks_and_crawlers_out_of_the_catalog(
    tmp_path: Path,
) -> None:
    _legacy_data_dir(tmp_path)
    glue = _build(tmp_path)
    try:
        assert glue.catalog.get_database(*WHERE, "lake").name == "lake"
        assert glue.jobs.get_job(*WHERE, "nightly").command.script_location == "s3://b/n.py"
        run = glue.jobs.get_job_run(*WHERE, "nightly", "jr_1")
        assert run.job_run_state == "FAILED"  # active when the old server stopped
        assert glue.jobs.get_job_bookmark(*WHERE, "nightly").run_id == "jr_1"
        assert glue.jobs.load_job_bookmark(*WHERE, "nightly", "jr_1") == '{"seen": 1}'
        assert glue.crawlers.list_crawlers(*WHERE, tags={"team": "data"}).items == ["sales"]
    finally:
        glue.close()
    assert _tables(tmp_path / "glue" / "catalog.sqlite") == {"databases", "tables", "partitions"}
    assert migrate_legacy_catalog(tmp_path / "glue") == 0  # done once


def test_upgrade_interrupted_halfway_completes_without_duplicates(tmp_path: Path) -> None:
    _legacy_data_dir(tmp_path)
    legacy = tmp_path / "glue" / "catalog.sqlite"
    with sqlite3.connect(legacy) as conn:  # as if rows were copied but not yet dropped
        conn.execute("ATTACH DATABASE ? AS j", (str(tmp_path / "glue" / "jobs.sqlite"),))
        JobStore(tmp_path / "glue" / "jobs.sqlite").close()
        conn.execute("INSERT INTO j.jobs SELECT * FROM main.jobs")
    assert migrate_legacy_catalog(tmp_path / "glue") == 5
    glue = _build(tmp_path)
    try:
        assert [j.name for j in glue.jobs.get_jobs(*WHERE).items] == ["nightly"]
    finally:
        glue.close()

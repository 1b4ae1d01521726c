"""Glue catalog engine: databases, names, persistence and metering."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from glue_helpers import ACCOUNT, REGION, WHERE, RecordingMeter, events_table, make_engine, part

from lakestack.core.clock import FixedClock
from lakestack.core.ids import Ids
from lakestack.services.glue.catalog import GlueCatalogEngine
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    EntityNotFoundException,
    InvalidInputException,
)
from lakestack.services.glue.models import DatabaseInput


def test_create_database_folds_name_and_keeps_input(glue: GlueCatalogEngine) -> None:
    glue.create_database(
        *WHERE, DatabaseInput("Sales", "the sales", "s3://lake/sales/", {"owner": "team"})
    )
    db = glue.get_database(*WHERE, "SALES")
    assert (db.name, db.description, db.location_uri, db.parameters) == (
        "sales",
        "the sales",
        "s3://lake/sales/",
        {"owner": "team"},
    )
    assert db.catalog_id == ACCOUNT
    assert db.create_time == datetime(2026, 1, 1, tzinfo=UTC)


def test_create_database_twice_raises_already_exists(glue: GlueCatalogEngine) -> None:
    glue.create_database(*WHERE, DatabaseInput("sales"))
    with pytest.raises(AlreadyExistsException, match="Database already exists."):
        glue.create_database(*WHERE, DatabaseInput("Sales"))


@pytest.mark.parametrize("name", ["", "x" * 256, "new\nline"])
def test_create_database_bad_name_raises_invalid_input(glue: GlueCatalogEngine, name: str) -> None:
    with pytest.raises(InvalidInputException, match="1 validation error detected"):
        glue.create_database(*WHERE, DatabaseInput(name))


def test_create_database_hyphen_name_is_accepted_as_glue_does(glue: GlueCatalogEngine) -> None:
    assert glue.create_database(*WHERE, DatabaseInput("my-db")).name == "my-db"


def test_get_database_missing_raises_entity_not_found(glue: GlueCatalogEngine) -> None:
    with pytest.raises(EntityNotFoundException, match=r"^Database nosuch not found\.$"):
        glue.get_database(*WHERE, "nosuch")


def test_get_database_other_region_or_account_is_separate(glue: GlueCatalogEngine) -> None:
    glue.create_database(*WHERE, DatabaseInput("sales"))
    with pytest.raises(EntityNotFoundException):
        glue.get_database(ACCOUNT, "eu-west-1", "sales")
    with pytest.raises(EntityNotFoundException):
        glue.get_database("999999999999", REGION, "sales")


def test_get_databases_pages_in_name_order(glue: GlueCatalogEngine) -> None:
    for name in ("c", "a", "b"):
        glue.create_database(*WHERE, DatabaseInput(name))
    first = glue.get_databases(*WHERE, max_results=2)
    assert [d.name for d in first.items] == ["a", "b"] and first.next_token
    second = glue.get_databases(*WHERE, max_results=2, next_token=first.next_token)
    assert [d.name for d in second.items] == ["c"] and second.next_token is None


def test_get_databases_bad_token_raises_invalid_input(glue: GlueCatalogEngine) -> None:
    with pytest.raises(InvalidInputException):
        glue.get_databases(*WHERE, next_token="garbage")


def test_update_database_replaces_definition_keeps_create_time(
    glue: GlueCatalogEngine, clock: FixedClock
) -> None:
    created = glue.create_database(*WHERE, DatabaseInput("sales", "old", parameters={"a": "1"}))
    clock.advance(60)
    glue.update_database(*WHERE, "sales", DatabaseInput("sales", "new"))
    db = glue.get_database(*WHERE, "sales")
    assert (db.description, db.parameters, db.create_time) == ("new", None, created.create_time)


def test_update_database_missing_raises_entity_not_found(glue: GlueCatalogEngine) -> None:
    with pytest.raises(EntityNotFoundException, match="Database nosuch not found."):
        glue.update_database(*WHERE, "nosuch", DatabaseInput("nosuch"))


def test_delete_database_cascades_tables_and_partitions(glue: GlueCatalogEngine) -> None:
    glue.create_database(*WHERE, DatabaseInput("lake"))
    glue.create_table(*WHERE, "lake", events_table())
    glue.create_partition(*WHERE, "lake", "events", part("2026", "01", "01"))
    glue.delete_database(*WHERE, "lake")
    glue.create_database(*WHERE, DatabaseInput("lake"))
    assert glue.get_tables(*WHERE, "lake").items == []
    glue.create_table(*WHERE, "lake", events_table())
    assert glue.get_partitions(*WHERE, "lake", "events").items == []


def test_delete_database_missing_raises_entity_not_found(glue: GlueCatalogEngine) -> None:
    with pytest.raises(EntityNotFoundException):
        glue.delete_database(*WHERE, "nosuch")


def test_catalog_survives_restart(tmp_path: Path) -> None:
    first = make_engine(tmp_path)
    first.create_database(*WHERE, DatabaseInput("lake"))
    created = first.create_table(*WHERE, "lake", events_table())
    first.batch_create_partition(*WHERE, "lake", "events", [part("2026", "07", "01")])
    first.close()
    again = make_engine(tmp_path)
    assert again.get_table(*WHERE, "lake", "events") == created
    again.create_partition(*WHERE, "lake", "events", part("2026", "07", "02"))
    assert [p.values for p in again.get_partitions(*WHERE, "lake", "events").items] == [
        ["2026", "07", "01"],
        ["2026", "07", "02"],
    ]
    again.close()


def test_reset_forgets_everything(glue: GlueCatalogEngine) -> None:
    glue.create_database(*WHERE, DatabaseInput("lake"))
    glue.reset()
    assert glue.get_databases(*WHERE).items == []


def test_operations_record_catalog_requests(tmp_path: Path) -> None:
    meter = RecordingMeter()
    engine = GlueCatalogEngine(tmp_path, FixedClock(), Ids(seed=1), meter)
    engine.create_database(*WHERE, DatabaseInput("lake"))
    engine.get_database(*WHERE, "lake")
    assert [r[1] for r in meter.records] == ["CreateDatabase", "GetDatabase"]
    assert meter.records[0][2:5] == ("Catalog-Request", 1, "Requests")
    engine.close()

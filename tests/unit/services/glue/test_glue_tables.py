"""Glue catalog engine: tables, GetTables expressions, SearchTables, batch delete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from glue_helpers import WHERE, events_table, part

from lakestack.core.clock import FixedClock
from lakestack.services.glue.catalog import GlueCatalogEngine, SearchFilter
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    EntityNotFoundException,
    InvalidInputException,
)
from lakestack.services.glue.models import Column, DatabaseInput, StorageDescriptor, TableInput


def test_create_table_keeps_input_exactly(glue: GlueCatalogEngine, db: str) -> None:
    given = events_table("Events")
    given.storage_descriptor.other = {"SkewedInfo": {"SkewedColumnNames": []}}  # type: ignore[union-attr]
    given.parameters = {"projection.enabled": "true", "projection.year.type": "integer"}
    given.retention = 0
    given.owner = "hadoop"
    glue.create_table(*WHERE, db, given)
    t = glue.get_table(*WHERE, db, "EVENTS")
    assert t.name == "events" and t.database_name == "lake"
    assert t.storage_descriptor == given.storage_descriptor
    assert t.partition_keys == given.partition_keys
    assert (t.parameters, t.retention, t.owner, t.table_type) == (
        given.parameters,
        0,
        "hadoop",
        "EXTERNAL_TABLE",
    )
    assert t.create_time == t.update_time == datetime(2026, 1, 1, tzinfo=UTC)
    assert (t.version_id, t.is_registered_with_lake_formation) == ("0", False)
    assert t.catalog_id == WHERE[0] and t.created_by == f"arn:aws:iam::{WHERE[0]}:root"


def test_create_table_view_keeps_view_text(glue: GlueCatalogEngine, db: str) -> None:
    view = TableInput(
        "v",
        table_type="VIRTUAL_VIEW",
        view_original_text="/* Presto View */",
        view_expanded_text="/* Presto View */",
        storage_descriptor=StorageDescriptor(columns=[Column("a", "int")]),
    )
    t = glue.create_table(*WHERE, db, view)
    assert t.is_view and t.view_original_text == "/* Presto View */"


def test_create_table_twice_raises_already_exists(glue: GlueCatalogEngine, events: str) -> None:
    with pytest.raises(AlreadyExistsException, match="Table already exists."):
        glue.create_table(*WHERE, "lake", events_table())


def test_create_table_missing_database_raises_entity_not_found(glue: GlueCatalogEngine) -> None:
    with pytest.raises(EntityNotFoundException, match="Database nosuch not found."):
        glue.create_table(*WHERE, "nosuch", events_table())


def test_create_table_bad_name_raises_invalid_input(glue: GlueCatalogEngine, db: str) -> None:
    with pytest.raises(InvalidInputException):
        glue.create_table(*WHERE, db, TableInput("x" * 256))


def test_get_table_missing_table_raises_entity_not_found(glue: GlueCatalogEngine, db: str) -> None:
    with pytest.raises(EntityNotFoundException, match=r"^Table nosuch not found\.$"):
        glue.get_table(*WHERE, db, "nosuch")


def test_get_table_missing_database_raises_entity_not_found(glue: GlueCatalogEngine) -> None:
    with pytest.raises(EntityNotFoundException, match="Database nosuch not found."):
        glue.get_table(*WHERE, "nosuch", "events")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (None, ["events", "events_raw", "orders"]),
        ("events*", ["events", "events_raw"]),
        ("*raw", ["events_raw"]),
        ("orders|events", ["events", "orders"]),
        ("ev.*s", ["events"]),
    ],
)
def test_get_tables_expression_filters_names(
    glue: GlueCatalogEngine, db: str, expression: str | None, expected: list[str]
) -> None:
    for name in ("orders", "events_raw", "events"):
        glue.create_table(*WHERE, db, TableInput(name))
    assert [t.name for t in glue.get_tables(*WHERE, db, expression).items] == expected


def test_get_tables_bad_expression_raises_invalid_input(glue: GlueCatalogEngine, db: str) -> None:
    with pytest.raises(InvalidInputException):
        glue.get_tables(*WHERE, db, "(unclosed")


def test_get_tables_pages(glue: GlueCatalogEngine, db: str) -> None:
    for name in ("a", "b", "c"):
        glue.create_table(*WHERE, db, TableInput(name))
    first = glue.get_tables(*WHERE, db, max_results=2)
    second = glue.get_tables(*WHERE, db, max_results=2, next_token=first.next_token)
    assert [t.name for t in first.items + second.items] == ["a", "b", "c"]
    assert second.next_token is None


def test_get_tables_missing_database_raises_entity_not_found(glue: GlueCatalogEngine) -> None:
    with pytest.raises(EntityNotFoundException):
        glue.get_tables(*WHERE, "nosuch")


def test_update_table_replaces_definition_and_bumps_version(
    glue: GlueCatalogEngine, events: str, clock: FixedClock
) -> None:
    clock.advance(3600)
    changed = events_table()
    changed.parameters = {"classification": "json"}
    glue.update_table(*WHERE, "lake", changed)
    t = glue.get_table(*WHERE, "lake", events)
    assert t.parameters == {"classification": "json"}
    assert t.version_id == "1"
    assert t.create_time == datetime(2026, 1, 1, tzinfo=UTC)
    assert t.update_time == datetime(2026, 1, 1, 1, tzinfo=UTC)


def test_update_table_missing_raises_entity_not_found(glue: GlueCatalogEngine, db: str) -> None:
    with pytest.raises(EntityNotFoundException, match="Table nosuch not found."):
        glue.update_table(*WHERE, db, TableInput("nosuch"))


def test_delete_table_removes_its_partitions(glue: GlueCatalogEngine, events: str) -> None:
    glue.create_partition(*WHERE, "lake", events, part("2026", "01", "01"))
    glue.delete_table(*WHERE, "lake", events)
    with pytest.raises(EntityNotFoundException):
        glue.get_table(*WHERE, "lake", events)
    glue.create_table(*WHERE, "lake", events_table())
    assert glue.get_partitions(*WHERE, "lake", events).items == []


def test_delete_table_missing_raises_entity_not_found(glue: GlueCatalogEngine, db: str) -> None:
    with pytest.raises(EntityNotFoundException):
        glue.delete_table(*WHERE, db, "nosuch")


def test_batch_delete_table_reports_missing_per_entry(glue: GlueCatalogEngine, events: str) -> None:
    errors = glue.batch_delete_table(*WHERE, "lake", [events, "nosuch"])
    assert [(e.key, e.error_code, e.error_message) for e in errors] == [
        ("nosuch", "EntityNotFoundException", "Table nosuch not found.")
    ]
    assert glue.get_tables(*WHERE, "lake").items == []


def test_batch_delete_table_missing_database_raises_entity_not_found(
    glue: GlueCatalogEngine,
) -> None:
    with pytest.raises(EntityNotFoundException):
        glue.batch_delete_table(*WHERE, "nosuch", ["a"])


def test_search_tables_text_and_database_filter(glue: GlueCatalogEngine, db: str) -> None:
    glue.create_database(*WHERE, DatabaseInput("other"))
    glue.create_table(*WHERE, db, TableInput("customer-link"))
    glue.create_table(*WHERE, db, TableInput("orders", description="all the orders"))
    glue.create_table(*WHERE, "other", TableInput("orders_copy"))
    names = lambda page: [(t.database_name, t.name) for t in page.items]  # noqa: E731
    assert names(glue.search_tables(*WHERE, "orders")) == [
        ("lake", "orders"),
        ("other", "orders_copy"),
    ]
    assert names(glue.search_tables(*WHERE, "orders", [SearchFilter("DatabaseName", "lake")])) == [
        ("lake", "orders")
    ]
    assert names(glue.search_tables(*WHERE, filters=[SearchFilter("Name", "link")])) == [
        ("lake", "customer-link")
    ]
    assert names(glue.search_tables(*WHERE, '"orders"')) == [("lake", "orders")]
    first = glue.search_tables(*WHERE, max_results=2)
    rest = glue.search_tables(*WHERE, max_results=2, next_token=first.next_token)
    assert len(first.items) == 2 and names(rest) == [("other", "orders_copy")]

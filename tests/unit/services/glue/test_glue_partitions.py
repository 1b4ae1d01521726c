"""Glue catalog engine: partitions, batch entry errors, GetPartitions paging and segments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from glue_helpers import WHERE, part

from lakestack.core.clock import FixedClock
from lakestack.services.glue.catalog import GlueCatalogEngine
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    EntityNotFoundException,
    InvalidInputException,
    InvalidStateException,
)
from lakestack.services.glue.models import (
    Column,
    PartitionInput,
    Segment,
    StorageDescriptor,
    TableInput,
)

DAYS = [("2026", m, d) for m in ("01", "02", "03") for d in ("01", "02")]


@pytest.fixture
def filled(glue: GlueCatalogEngine, events: str) -> str:
    assert glue.batch_create_partition(*WHERE, "lake", events, [part(*v) for v in DAYS]) == []
    return events


def values(page: object) -> list[tuple[str, ...]]:
    return [tuple(p.values) for p in page.items]  # type: ignore[attr-defined]


def test_create_partition_keeps_values_and_descriptor_exactly(
    glue: GlueCatalogEngine, events: str
) -> None:
    given = part("2026", "07", "09", location="s3://lake/curated/events/2026/07/09/")
    glue.create_partition(*WHERE, "lake", events, given)
    p = glue.get_partition(*WHERE, "lake", events, ["2026", "07", "09"])
    assert p.values == ["2026", "07", "09"]
    assert p.storage_descriptor == StorageDescriptor(
        location="s3://lake/curated/events/2026/07/09/"
    )
    assert (p.database_name, p.table_name, p.catalog_id) == ("lake", "events", WHERE[0])
    assert p.creation_time == datetime(2026, 1, 1, tzinfo=UTC)


def test_create_partition_twice_raises_already_exists(glue: GlueCatalogEngine, events: str) -> None:
    glue.create_partition(*WHERE, "lake", events, part("2026", "07", "09"))
    with pytest.raises(AlreadyExistsException, match="Partition already exists."):
        glue.create_partition(*WHERE, "lake", events, part("2026", "07", "09"))


def test_create_partition_wrong_value_count_raises_invalid_input(
    glue: GlueCatalogEngine, events: str
) -> None:
    with pytest.raises(InvalidInputException, match="number of partition keys"):
        glue.create_partition(*WHERE, "lake", events, part("2026"))


def test_create_partition_missing_table_raises_entity_not_found(
    glue: GlueCatalogEngine, db: str
) -> None:
    with pytest.raises(EntityNotFoundException, match="Table nosuch not found."):
        glue.create_partition(*WHERE, db, "nosuch", part("1"))


def test_batch_create_partition_reports_entry_errors(glue: GlueCatalogEngine, events: str) -> None:
    glue.create_partition(*WHERE, "lake", events, part("2026", "01", "01"))
    errors = glue.batch_create_partition(
        *WHERE,
        "lake",
        events,
        [
            part("2026", "01", "01"),
            part("2026", "01", "02"),
            part("2026"),
            part("2026", "01", "02"),
        ],
    )
    assert [(e.key, e.error_code) for e in errors] == [
        (["2026", "01", "01"], "AlreadyExistsException"),
        (["2026"], "InvalidInputException"),
        (["2026", "01", "02"], "AlreadyExistsException"),
    ]
    assert len(glue.get_partitions(*WHERE, "lake", events).items) == 2


def test_batch_create_partition_over_100_raises_invalid_input(
    glue: GlueCatalogEngine, events: str
) -> None:
    with pytest.raises(InvalidInputException):
        glue.batch_create_partition(
            *WHERE, "lake", events, [part("2026", "01", f"{i}") for i in range(101)]
        )


def test_get_partition_missing_raises_cannot_find(glue: GlueCatalogEngine, events: str) -> None:
    with pytest.raises(EntityNotFoundException, match=r"^Cannot find partition\.$"):
        glue.get_partition(*WHERE, "lake", events, ["2026", "7", "9"])


def test_get_partitions_expression_filters(glue: GlueCatalogEngine, filled: str) -> None:
    page = glue.get_partitions(*WHERE, "lake", filled, "year = '2026' AND month IN ('01','02')")
    assert values(page) == DAYS[:4]


def test_get_partitions_unknown_column_raises_invalid_input(
    glue: GlueCatalogEngine, filled: str
) -> None:
    with pytest.raises(InvalidInputException, match="Invalid partition expression!.*'hour'"):
        glue.get_partitions(*WHERE, "lake", filled, "hour = '01'")


def test_get_partitions_pages_with_next_token(glue: GlueCatalogEngine, filled: str) -> None:
    seen: list[tuple[str, ...]] = []
    token = None
    while True:
        page = glue.get_partitions(
            *WHERE, "lake", filled, "day = '01'", max_results=2, next_token=token
        )
        seen += values(page)
        token = page.next_token
        if token is None:
            break
    assert seen == [v for v in DAYS if v[2] == "01"]


def test_get_partitions_max_results_out_of_range_raises_invalid_input(
    glue: GlueCatalogEngine, filled: str
) -> None:
    with pytest.raises(InvalidInputException):
        glue.get_partitions(*WHERE, "lake", filled, max_results=1001)


def test_get_partitions_segments_partition_the_table(glue: GlueCatalogEngine, filled: str) -> None:
    parts = [
        values(glue.get_partitions(*WHERE, "lake", filled, segment=Segment(i, 3))) for i in range(3)
    ]
    flat = [v for seg in parts for v in seg]
    assert sorted(flat) == sorted(DAYS) and len(flat) == len(set(flat))
    again = values(glue.get_partitions(*WHERE, "lake", filled, segment=Segment(1, 3)))
    assert again == parts[1]


@pytest.mark.parametrize("segment", [Segment(0, 11), Segment(3, 3), Segment(-1, 2)])
def test_get_partitions_bad_segment_raises_invalid_input(
    glue: GlueCatalogEngine, filled: str, segment: Segment
) -> None:
    with pytest.raises(InvalidInputException, match="segment"):
        glue.get_partitions(*WHERE, "lake", filled, segment=segment)


def test_get_partitions_missing_table_raises_entity_not_found(
    glue: GlueCatalogEngine, db: str
) -> None:
    with pytest.raises(EntityNotFoundException):
        glue.get_partitions(*WHERE, db, "nosuch")


def test_get_partitions_int_key_holding_text_raises_invalid_state(
    glue: GlueCatalogEngine, db: str
) -> None:
    glue.create_table(*WHERE, db, TableInput("t", partition_keys=[Column("n", "int")]))
    glue.create_partition(*WHERE, db, "t", part("null"))
    with pytest.raises(InvalidStateException, match='"null" is not an integer'):
        glue.get_partitions(*WHERE, db, "t", "n >= 0")


def test_iter_partitions_returns_every_match_unpaged(glue: GlueCatalogEngine, filled: str) -> None:
    got = [tuple(p.values) for p in glue.iter_partitions(*WHERE, "lake", filled, "day = '02'")]
    assert got == [v for v in DAYS if v[2] == "02"]


def test_batch_get_partition_leaves_out_missing(glue: GlueCatalogEngine, filled: str) -> None:
    result = glue.batch_get_partition(
        *WHERE, "lake", filled, [["2026", "01", "01"], ["1999", "01", "01"]]
    )
    assert [p.values for p in result.partitions] == [["2026", "01", "01"]]
    assert result.unprocessed_keys == []


def test_update_partition_replaces_definition_keeps_values(
    glue: GlueCatalogEngine, filled: str, clock: FixedClock
) -> None:
    clock.advance(10)
    new = PartitionInput(
        ["9999", "99", "99"],
        parameters={"k": "v"},
        storage_descriptor=StorageDescriptor(location="s3://x/"),
    )
    glue.update_partition(*WHERE, "lake", filled, ["2026", "01", "01"], new)
    p = glue.get_partition(*WHERE, "lake", filled, ["2026", "01", "01"])
    assert (p.parameters, p.storage_descriptor) == (
        {"k": "v"},
        StorageDescriptor(location="s3://x/"),
    )
    assert p.creation_time == datetime(2026, 1, 1, tzinfo=UTC)


def test_update_partition_missing_raises_entity_not_found(
    glue: GlueCatalogEngine, filled: str
) -> None:
    with pytest.raises(EntityNotFoundException, match="Cannot find partition."):
        glue.update_partition(*WHERE, "lake", filled, ["1", "2", "3"], PartitionInput())


def test_batch_update_partition_reports_missing_per_entry(
    glue: GlueCatalogEngine, filled: str
) -> None:
    errors = glue.batch_update_partition(
        *WHERE,
        "lake",
        filled,
        [
            (["2026", "01", "01"], PartitionInput(parameters={"a": "b"})),
            (["1", "2", "3"], PartitionInput()),
        ],
    )
    assert [(e.key, e.error_code) for e in errors] == [(["1", "2", "3"], "EntityNotFoundException")]
    assert glue.get_partition(*WHERE, "lake", filled, ["2026", "01", "01"]).parameters == {"a": "b"}


def test_delete_partition_then_get_raises_entity_not_found(
    glue: GlueCatalogEngine, filled: str
) -> None:
    glue.delete_partition(*WHERE, "lake", filled, ["2026", "01", "01"])
    with pytest.raises(EntityNotFoundException):
        glue.get_partition(*WHERE, "lake", filled, ["2026", "01", "01"])
    with pytest.raises(EntityNotFoundException, match="Cannot find partition."):
        glue.delete_partition(*WHERE, "lake", filled, ["2026", "01", "01"])


def test_batch_delete_partition_reports_missing_per_entry(
    glue: GlueCatalogEngine, filled: str
) -> None:
    errors = glue.batch_delete_partition(
        *WHERE, "lake", filled, [["2026", "01", "01"], ["1", "2", "3"]]
    )
    assert [(e.key, e.error_code, e.error_message) for e in errors] == [
        (["1", "2", "3"], "EntityNotFoundException", "Cannot find partition.")
    ]
    assert len(glue.get_partitions(*WHERE, "lake", filled).items) == len(DAYS) - 1


def test_batch_delete_partition_over_25_raises_invalid_input(
    glue: GlueCatalogEngine, filled: str
) -> None:
    with pytest.raises(InvalidInputException):
        glue.batch_delete_partition(*WHERE, "lake", filled, [["1", "2", "3"]] * 26)

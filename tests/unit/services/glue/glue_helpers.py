"""Helpers for Glue catalog engine tests: a recording meter, a harness, model builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lakestack.core.clock import FixedClock
from lakestack.core.ids import Ids
from lakestack.services.glue.catalog import GlueCatalogEngine
from lakestack.services.glue.models import (
    Column,
    PartitionInput,
    SerDeInfo,
    StorageDescriptor,
    TableInput,
)

ACCOUNT = "111122223333"
REGION = "us-east-1"
WHERE = (ACCOUNT, REGION)


class RecordingMeter:
    def __init__(self) -> None:
        self.records: list[tuple[Any, ...]] = []
        self.notes: list[str | None] = []

    def record(
        self,
        service: str,
        operation: str,
        dimension: str,
        quantity: float,
        unit: str,
        account: str,
        region: str,
        resource: str | None = None,
        note: str | None = None,
    ) -> None:
        self.records.append((service, operation, dimension, quantity, unit, account, region))
        self.notes.append(note)

    def set_gauge(self, *args: Any, **kwargs: Any) -> None:
        pass


def make_engine(data_dir: Path, clock: FixedClock | None = None) -> GlueCatalogEngine:
    return GlueCatalogEngine(data_dir, clock or FixedClock(), Ids(seed=7), RecordingMeter())


def events_table(
    name: str = "events",
    keys: tuple[tuple[str, str], ...] = (
        ("year", "string"),
        ("month", "string"),
        ("day", "string"),
    ),
) -> TableInput:
    """A Parquet table partitioned by year/month/day strings, like the seed's."""
    return TableInput(
        name,
        table_type="EXTERNAL_TABLE",
        storage_descriptor=StorageDescriptor(
            columns=[Column("event_id", "string"), Column("amount", "double")],
            location="s3://lake/curated/events/",
            input_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            output_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            serde_info=SerDeInfo(
                serialization_library="org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                parameters={"serialization.format": "1"},
            ),
            compressed=False,
        ),
        partition_keys=[Column(n, t) for n, t in keys],
        parameters={"classification": "parquet"},
    )


def part(*values: str, location: str | None = None) -> PartitionInput:
    sd = StorageDescriptor(location=location) if location else None
    return PartitionInput(list(values), storage_descriptor=sd)

"""core.wire.WireMapper: models <-> wire structures by the botocore model's member names."""

from __future__ import annotations

from lakestack.core.wire import WireMapper
from lakestack.services.glue.job_models import JobRun
from lakestack.services.glue.models import (
    Column,
    SerDeInfo,
    StorageDescriptor,
    TableInput,
)

GLUE = WireMapper("glue")


def test_member_names_come_from_the_shape_not_from_capitalising() -> None:
    run = JobRun("jr_1", "j", "SUCCEEDED", None, None, dpu_seconds=600.0)  # type: ignore[arg-type]
    wire = GLUE.to_wire(run, "JobRun", members_only=True)
    assert wire["DPUSeconds"] == 600.0 and "DpuSeconds" not in wire
    assert "StdoutPath" not in wire  # lakestack's own field, not a JobRun member


def test_nested_structures_follow_their_member_shapes_both_ways() -> None:
    wire = {
        "Name": "events",
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint"}],
            "SerdeInfo": {"SerializationLibrary": "x.ParquetHiveSerDe", "Parameters": {}},
            "StoredAsSubDirectories": False,
        },
        "Unmodelled": {"Kept": True},
    }
    table = GLUE.from_wire(TableInput, wire, "TableInput")
    sd = table.storage_descriptor
    assert isinstance(sd, StorageDescriptor) and isinstance(sd.serde_info, SerDeInfo)
    assert sd.columns == [Column("id", "bigint")]
    assert table.other == {"Unmodelled": {"Kept": True}}
    back = GLUE.to_wire(table, "TableInput")
    assert back["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "x.ParquetHiveSerDe"
    assert back["Unmodelled"] == {"Kept": True}


def test_none_fields_are_left_out() -> None:
    assert GLUE.to_wire(Column("id"), "Column") == {"Name": "id"}

"""Crawler inference without an engine: file formats and schemas (``crawler_infer``), then
tables, partitions, exclusions and storage descriptors (``crawler_plan``)."""

from __future__ import annotations

import decimal
import io
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lakestack.services.glue import crawler_plan as plan
from lakestack.services.glue.crawler_infer import (
    FileSchema,
    HiveType,
    csv_schema,
    infer_file,
    json_schema,
    merge_types,
    similar,
)
from lakestack.sql import formats


def cols(schema: FileSchema | None) -> list[tuple[str, str]]:
    assert schema is not None
    return [(n, str(t)) for n, t in schema.columns]


def parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# -- types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "merged"),
    [
        ("int", "bigint", "bigint"),
        ("bigint", "double", "double"),
        ("tinyint", "float", "float"),
        ("null", "boolean", "boolean"),
        ("string", "bigint", "string"),
        ("boolean", "bigint", "string"),
        ("timestamp", "string", "string"),
    ],
)
def test_merge_types_primitives_widen(a: str, b: str, merged: str) -> None:
    assert str(merge_types(HiveType(a), HiveType(b))) == merged
    assert str(merge_types(HiveType(b), HiveType(a))) == merged


def test_merge_types_arrays_merge_items_and_mismatched_kinds_become_string() -> None:
    ints = HiveType("array", (HiveType("int"),))
    doubles = HiveType("array", (HiveType("double"),))
    assert str(merge_types(ints, doubles)) == "array<double>"
    assert str(merge_types(ints, HiveType("bigint"))) == "string"


def test_similar_schemas_share_most_columns() -> None:
    assert similar(frozenset({"a", "b", "c"}), frozenset({"a", "b", "c", "d"}))
    assert not similar(frozenset({"a", "b", "c"}), frozenset({"a", "x", "y"}))


# -- Parquet ------------------------------------------------------------------------------


def test_infer_file_parquet_types_from_footer(tmp_path: Path) -> None:
    table = pa.table(
        {
            "Id": pa.array([1], pa.int32()),
            "big": pa.array([1], pa.int64()),
            "small": pa.array([1], pa.int16()),
            "amount": pa.array([1.5], pa.float64()),
            "ratio": pa.array([1.5], pa.float32()),
            "ok": pa.array([True]),
            "name": pa.array(["a"]),
            "raw": pa.array([b"x"]),
            "at": pa.array([datetime(2026, 2, 1)], pa.timestamp("ms")),
            "day": pa.array([date(2026, 2, 1)]),
            "price": pa.array([decimal.Decimal("1.25")], pa.decimal128(10, 2)),
            "tags": pa.array([["a"]]),
            "point": pa.array([{"X": 1, "y": "b"}]),
            "attrs": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64())),
        }
    )
    schema = infer_file(write(tmp_path, "f", parquet_bytes(table)))
    assert schema is not None and schema.classification == "parquet"
    assert cols(schema) == [
        ("id", "int"),
        ("big", "bigint"),
        ("small", "smallint"),
        ("amount", "double"),
        ("ratio", "float"),
        ("ok", "boolean"),
        ("name", "string"),
        ("raw", "binary"),
        ("at", "timestamp"),
        ("day", "date"),
        ("price", "decimal(10,2)"),
        ("tags", "array<string>"),
        ("point", "struct<X:bigint,y:string>"),
        ("attrs", "map<string,bigint>"),
    ]


def test_infer_file_corrupt_parquet_unknown(tmp_path: Path) -> None:
    assert infer_file(write(tmp_path, "f", b"PAR1 not really parquet PAR1")) is None


def test_infer_file_binary_unknown(tmp_path: Path) -> None:
    assert infer_file(write(tmp_path, "f", bytes(range(256)) * 4)) is None


# -- JSON -------------------------------------------------------------------------------


def test_json_schema_merges_keys_of_every_record() -> None:
    data = (
        b'{"Id": 1, "kind": "a", "at": "2026-02-01 10:00:00", "meta": {"k": 1}}\n'
        b'{"Id": 2, "kind": "b", "tags": ["x", "y"], "ok": false}\n'
    )
    assert cols(json_schema(data)) == [
        ("id", "bigint"),
        ("kind", "string"),
        ("at", "string"),
        ("meta", "struct<k:bigint>"),
        ("tags", "array<string>"),
        ("ok", "boolean"),
    ]


def test_json_schema_changing_types_merged() -> None:
    data = b'{"a": 1, "b": 1}\n{"a": 2.5, "b": "x"}\n{"a": null, "c": {"d": [1]}}\n'
    assert cols(json_schema(data)) == [
        ("a", "double"),
        ("b", "string"),
        ("c", "struct<d:array<bigint>>"),
    ]


def test_json_schema_not_objects_unknown() -> None:
    assert json_schema(b'{"a": 1}\n[1, 2]\n') is None
    assert json_schema(b"{not json}\n") is None


def test_infer_file_json_lines(tmp_path: Path) -> None:
    schema = infer_file(write(tmp_path, "f", b'\n  {"a": true}\n'))
    assert schema is not None and schema.classification == "json"
    assert cols(schema) == [("a", "boolean")]


def test_infer_file_reads_only_whole_records_of_a_big_file(tmp_path: Path) -> None:
    line = b'{"id": 1, "pad": "' + b"x" * 1000 + b'"}\n'
    schema = infer_file(write(tmp_path, "f", line * 2000))  # ~2 MB, cut mid-record at 1 MB
    assert cols(schema) == [("id", "bigint"), ("pad", "string")]


# -- CSV --------------------------------------------------------------------------------


def test_csv_schema_header_detected_when_data_is_typed() -> None:
    schema = csv_schema(b"id,Name,price,active\n1,apple,1.5,true\n2,pear,2,false\n")
    assert schema is not None and schema.header and schema.delimiter == ","
    assert cols(schema) == [
        ("id", "bigint"),
        ("name", "string"),
        ("price", "double"),
        ("active", "boolean"),
    ]
    assert not schema.quoted


def test_csv_schema_all_strings_no_header() -> None:
    schema = csv_schema(b"name,city\nann,paris\nbob,rome\n")
    assert schema is not None and not schema.header
    assert cols(schema) == [("col0", "string"), ("col1", "string")]


def test_csv_schema_numeric_first_row_no_header() -> None:
    schema = csv_schema(b"1,a\n2,b\n")
    assert schema is not None and not schema.header
    assert cols(schema) == [("col0", "bigint"), ("col1", "string")]


def test_csv_schema_long_header_cell_no_header() -> None:
    long = b"x" * 150
    schema = csv_schema(long + b",b\n1,2\n3,4\n")
    assert schema is not None and not schema.header
    assert cols(schema) == [("col0", "string"), ("col1", "string")]


@pytest.mark.parametrize("delimiter", ["|", "\t", ";", "\x01"])
def test_csv_schema_glue_delimiters(delimiter: str) -> None:
    data = delimiter.join(["id", "name"]) + "\n" + delimiter.join(["1", "a"]) + "\n"
    schema = csv_schema(data.encode())
    assert schema is not None and schema.delimiter == delimiter and schema.header
    assert cols(schema) == [("id", "bigint"), ("name", "string")]


@pytest.mark.parametrize(
    "data",
    [b"just one column\nper row\n", b"id,name\n", b"a,b\n1,2,3\n", b""],
    ids=["one-column", "one-row", "ragged", "empty"],
)
def test_csv_schema_not_csv_unknown(data: bytes) -> None:
    assert csv_schema(data) is None


def test_csv_schema_quoted_fields_noticed() -> None:
    schema = csv_schema(b'id,name\n1,"Smith, Ann"\n2,"Lee, Bo"\n')
    assert schema is not None and schema.quoted and schema.header
    assert cols(schema) == [("id", "bigint"), ("name", "string")]


def test_csv_schema_empty_column_is_string() -> None:
    schema = csv_schema(b"id,note\n1,\n2,\n")
    assert cols(schema) == [("id", "bigint"), ("note", "string")]


# -- exclusions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "key", "excluded"),
    [
        ("*.csv", "a.csv", True),
        ("*.csv", "year=2026/a.csv", False),
        ("**.csv", "year=2026/a.csv", True),
        ("year=2025/**", "year=2025/month=01/a.json", True),
        ("year=2025/**", "year=2026/month=01/a.json", False),
        ("*/month=0[1-3]/*", "year=2026/month=02/a", True),
        ("*/month=0[!1-3]/*", "year=2026/month=02/a", False),
        ("{tmp,logs}/**", "logs/x", True),
        ("part-?.json", "part-1.json", True),
        ("part-?.json", "part-10.json", False),
    ],
)
def test_excluder_glue_globs(pattern: str, key: str, excluded: bool) -> None:
    assert plan.excluder([pattern])(key) is excluded


def test_excluder_no_patterns_keeps_everything() -> None:
    assert not plan.excluder(None)("a/b.json")


# -- tables and partitions ---------------------------------------------------------------

ABC = FileSchema("parquet", (("a", HiveType("bigint")), ("b", HiveType("string"))))


def found(rel: str, schema: FileSchema = ABC, size: int = 10) -> plan.FoundFile:
    return plan.FoundFile(rel, size, schema)


def test_plan_tables_hive_folders_are_partitions_of_the_target() -> None:
    files = [
        found("year=2026/month=01/part-0.parquet"),
        found("year=2026/month=02/part-0.parquet"),
        found("year=2026/month=02/part-1.parquet"),
    ]
    (t,) = plan.plan_tables("lake", "curated/Sales/", files)
    assert (t.name, t.location) == ("sales", "s3://lake/curated/Sales/")
    assert t.partition_keys == ["year", "month"]
    assert t.partitions == [
        (("2026", "01"), "s3://lake/curated/Sales/year=2026/month=01/"),
        (("2026", "02"), "s3://lake/curated/Sales/year=2026/month=02/"),
    ]
    assert t.columns == [("a", "bigint"), ("b", "string")]
    assert (t.object_count, t.size) == (3, 30)


def test_plan_tables_files_in_target_make_an_unpartitioned_table() -> None:
    (t,) = plan.plan_tables("my-bucket", "", [found("a.parquet"), found("b.parquet")])
    assert (t.name, t.location, t.partition_keys, t.partitions) == (
        "my_bucket",
        "s3://my-bucket/",
        [],
        [],
    )


def test_plan_tables_unnamed_folders_numbered_partition_keys() -> None:
    # The Glue docs' example: include path s3://bucket01/folder1/, two similar tables
    # below it, become one table with two partition key columns.
    files = [
        found("table1/partition1/file.txt"),
        found("table1/partition2/file.txt"),
        found("table2/partition4/file.txt"),
    ]
    (t,) = plan.plan_tables("bucket01", "folder1/", files)
    assert (t.name, t.partition_keys) == ("folder1", ["partition_0", "partition_1"])
    assert [v for v, _ in t.partitions] == [
        ("table1", "partition1"),
        ("table1", "partition2"),
        ("table2", "partition4"),
    ]


def test_plan_tables_dissimilar_schemas_make_separate_tables() -> None:
    # The Glue docs' example: {A, B} under year=2017 and {C, D} under year=2018.
    ab = FileSchema("json", (("a", HiveType("bigint")), ("b", HiveType("bigint"))))
    cd = FileSchema("json", (("c", HiveType("bigint")), ("d", HiveType("bigint"))))
    files = [found("year=2017/data1.json", ab), found("year=2018/data2.json", cd)]
    tables = plan.plan_tables("bucket", "table1/", files)
    assert [(t.name, t.location) for t in tables] == [
        ("year_2017", "s3://bucket/table1/year=2017/"),
        ("year_2018", "s3://bucket/table1/year=2018/"),
    ]
    (combined,) = plan.plan_tables("bucket", "table1/", files, combine=True)
    assert [c for c, _ in combined.columns] == ["a", "b", "c", "d"]
    assert combined.partition_keys == ["year"]


def test_plan_tables_majority_of_similar_schemas_share_a_table() -> None:
    abc = FileSchema("parquet", (*ABC.columns, ("c", HiveType("double"))))
    other = FileSchema("parquet", (("x", HiveType("bigint")), ("y", HiveType("bigint"))))
    files = [found("k=1/f", ABC), found("k=2/f", abc), found("k=3/f", other)]
    (t,) = plan.plan_tables("b", "t/", files)
    assert [c for c, _ in t.columns] == ["a", "b", "c", "x", "y"]


def test_plan_tables_mixed_formats_split_by_folder() -> None:
    js = FileSchema("json", ABC.columns)
    files = [found("events/p=1/a", ABC), found("logs/p=1/a", js)]
    tables = plan.plan_tables("b", "", files)
    assert [(t.name, t.schema.classification, t.partition_keys) for t in tables] == [
        ("events", "parquet", ["p"]),
        ("logs", "json", ["p"]),
    ]


def test_plan_tables_uneven_depth_file_is_a_table_of_its_own() -> None:
    files = [found("top.parquet"), found("year=2026/a.parquet")]
    tables = plan.plan_tables("b", "data/", files)
    assert [(t.name, t.location) for t in tables] == [
        ("top_parquet", "s3://b/data/top.parquet"),
        ("year_2026", "s3://b/data/year=2026/"),
    ]


def test_plan_tables_table_level_from_bucket() -> None:
    files = [found("sales/year=2026/a"), found("returns/year=2026/a")]
    tables = plan.plan_tables("b", "data/", files, table_level=2)
    assert [(t.name, t.partition_keys) for t in tables] == [
        ("returns", ["year"]),
        ("sales", ["year"]),
    ]


def test_plan_tables_partition_key_dropped_from_columns() -> None:
    with_year = FileSchema("parquet", (*ABC.columns, ("year", HiveType("bigint"))))
    (t,) = plan.plan_tables("b", "t/", [found("year=2026/f", with_year)])
    assert [c for c, _ in t.columns] == ["a", "b"] and t.partition_keys == ["year"]


def test_plan_tables_mixed_key_names_numbered() -> None:
    files = [found("year=2026/f"), found("y=2025/f")]
    (t,) = plan.plan_tables("b", "t/", files)
    assert t.partition_keys == ["partition_0"]
    assert [v for v, _ in t.partitions] == [("y=2025",), ("year=2026",)]


def test_table_name_replaces_punctuation() -> None:
    assert plan.table_name("Sales-2026.v1") == "sales_2026_v1"


# -- storage descriptors -----------------------------------------------------------------


def test_table_input_parquet_as_glue_writes_it() -> None:
    (p,) = plan.plan_tables("lake", "sales/", [found("year=2026/a")])
    t = plan.table_input("crawl", "sales", p)
    sd = t.storage_descriptor
    assert sd is not None and sd.serde_info is not None
    assert t.table_type == "EXTERNAL_TABLE" and [c.type for c in t.partition_keys] == ["string"]
    assert sd.input_format == formats.stored_as("PARQUET").input_format
    assert sd.serde_info.serialization_library == formats.PARQUET_SERDE
    assert sd.serde_info.parameters == {"serialization.format": "1"}
    assert t.parameters is not None and t.parameters["classification"] == "parquet"
    assert t.parameters["UPDATED_BY_CRAWLER"] == "crawl"


def test_table_input_json_openx_serde_with_paths() -> None:
    js = FileSchema("json", ABC.columns)
    (p,) = plan.plan_tables("lake", "ev/", [found("a.json", js)])
    sd = plan.table_input("c", "ev", p).storage_descriptor
    assert sd is not None and sd.serde_info is not None
    assert sd.input_format == formats.TEXT_INPUT
    assert sd.serde_info.serialization_library == formats.OPENX_JSON
    assert sd.serde_info.parameters == {"paths": "a,b"}


def test_table_input_csv_lazy_simple_and_header_skip() -> None:
    csv = FileSchema("csv", ABC.columns, "|", True)
    (p,) = plan.plan_tables("lake", "c/", [found("a.csv", csv)])
    t = plan.table_input("c", "c", p)
    assert t.storage_descriptor is not None and t.storage_descriptor.serde_info is not None
    assert t.storage_descriptor.serde_info.serialization_library == formats.LAZY_SIMPLE
    assert t.storage_descriptor.serde_info.parameters == {"field.delim": "|"}
    assert t.parameters is not None
    assert t.parameters["skip.header.line.count"] == "1" and t.parameters["delimiter"] == "|"


def test_table_input_quoted_csv_uses_open_csv_serde() -> None:
    plain = FileSchema("csv", ABC.columns, ",", False, False)
    quoted = FileSchema("csv", ABC.columns, ",", False, True)
    (p,) = plan.plan_tables("lake", "c/", [found("a", plain), found("b", quoted)])
    t = plan.table_input("c", "c", p)
    assert t.storage_descriptor is not None and t.storage_descriptor.serde_info is not None
    assert t.storage_descriptor.serde_info.serialization_library == formats.OPEN_CSV
    assert t.parameters is not None and "skip.header.line.count" not in t.parameters
    assert t.parameters["areColumnsQuoted"] == "true"


def test_differs_ignores_counts_but_not_columns() -> None:
    (p,) = plan.plan_tables("lake", "s/", [found("a")])
    old = plan.table_input("c", "s", p)
    same = plan.table_input("c", "s", plan.TablePlan(**{**vars_of(p), "object_count": 9}))
    more = plan.table_input("c", "s", plan.TablePlan(**{**vars_of(p), "columns": [("z", "int")]}))
    assert not plan.differs(old, same)
    assert plan.differs(old, more)


def vars_of(p: plan.TablePlan) -> dict[str, object]:
    return {f: getattr(p, f) for f in p.__dataclass_fields__}

"""DynamicFrame methods, each checked against what AWS documents for it.

Sources (cited per test): the "DynamicFrame class" page
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-dynamic-frame.html
("DynamicFrame page" below), the transform pages under
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-*.html
and the legislators walkthrough
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-samples-legislators.html
("legislators example").
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from pyspark.sql import functions as F
from pyspark.sql import types as T

from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection, ResolveOption


def frame(spark: Any, glue_context: Any, rows: list[Any], schema: str, name: str = "f") -> Any:
    return DynamicFrame.fromDF(spark.createDataFrame(rows, schema), glue_context, name)


def rows_of(dyf: Any, *order: str) -> list[dict[str, Any]]:
    df = dyf.toDF()
    if order:
        df = df.orderBy(*order)
    return [r.asDict(recursive=True) for r in df.collect()]


# -- construction and information ---------------------------------------------------------


def test_from_df_wraps_the_dataframe_and_to_df_returns_it(spark: Any, glue_context: Any) -> None:
    df = spark.createDataFrame([(1, "a")], "id int, v string")

    dyf = DynamicFrame.fromDF(df, glue_context, "named")

    assert dyf.name == "named"
    assert dyf.toDF() is df
    assert dyf.count() == 1


def test_show_prints_one_json_record_per_row(spark: Any, glue_context: Any, capsys: Any) -> None:
    # DynamicFrame page: show(num_rows) prints a specified number of rows.
    dyf = frame(spark, glue_context, [(1, "a"), (2, None), (3, "c")], "id int, v string")

    dyf.show(2)

    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [{"id": 1, "v": "a"}, {"id": 2, "v": None}]


def test_repartition_and_coalesce_set_the_partition_count(spark: Any, glue_context: Any) -> None:
    # DynamicFrame page: both return a new DynamicFrame with numPartitions partitions.
    dyf = frame(spark, glue_context, [(i,) for i in range(10)], "id int")

    wide = dyf.repartition(4)
    narrow = wide.coalesce(1)

    assert wide.getNumPartitions() == 4
    assert narrow.getNumPartitions() == 1
    assert wide.coalesce(3, shuffle=True).getNumPartitions() == 3
    assert narrow.count() == 10


def test_error_counters_report_no_errors(spark: Any, glue_context: Any) -> None:
    dyf = frame(spark, glue_context, [(1,)], "id int")

    assert dyf.errorsCount() == 0
    assert dyf.stageErrorsCount() == 0
    assert dyf.assertErrorThreshold() is None


def test_to_df_project_option_casts_the_path(spark: Any, glue_context: Any) -> None:
    # DynamicFrame page: toDF([ResolveOption("a.b.c", "Project", DoubleType())]).
    dyf = frame(spark, glue_context, [((("1.5",),),)], "a struct<b:struct<c:string>>")

    df = dyf.toDF([ResolveOption("a.b.c", "Project", T.DoubleType())])

    assert df.schema["a"].dataType.simpleString() == "struct<b:struct<c:double>>"
    assert df.first()["a"]["b"]["c"] == 1.5
    with pytest.raises(Exception, match="Missing target type"):
        dyf.toDF([ResolveOption("a.b.c", "Cast")])


# -- apply_mapping ---------------------------------------------------------------------

ORDERS = [
    ("1005", "623", "YES", "1418901234", "75091"),
    ("1006", "547", "NO", "1418901256", "75034"),
]
ORDER_SCHEMA = (
    "order_id string, customer_id string, essential_item string, timestamp string, zipcode string"
)


def test_apply_mapping_casts_and_renames_as_in_the_aws_example(
    spark: Any, glue_context: Any
) -> None:
    # ApplyMapping page example: String columns to Long, zipcode shortened to zip.
    dyf = frame(spark, glue_context, ORDERS, ORDER_SCHEMA, "orders")

    mapped = dyf.apply_mapping(
        [
            ("order_id", "String", "order_id", "Long"),
            ("customer_id", "String", "customer_id", "Long"),
            ("essential_item", "String", "essential_item", "String"),
            ("timestamp", "String", "timestamp", "Long"),
            ("zipcode", "String", "zip", "Long"),
        ]
    )

    assert mapped.toDF().schema.simpleString() == (
        "struct<order_id:bigint,customer_id:bigint,essential_item:string,"
        "timestamp:bigint,zip:bigint>"
    )
    assert rows_of(mapped, "order_id")[0] == {
        "order_id": 1005,
        "customer_id": 623,
        "essential_item": "YES",
        "timestamp": 1418901234,
        "zip": 75091,
    }
    assert mapped.name == "orders"


def test_apply_mapping_returns_only_mapped_fields_in_mapping_order(
    spark: Any, glue_context: Any
) -> None:
    # ApplyMapping page: "Returns only the fields ... specified in the mapping tuples."
    dyf = frame(spark, glue_context, ORDERS, ORDER_SCHEMA)

    mapped = dyf.apply_mapping(
        [("zipcode", "string", "zip", "string"), ("order_id", "string", "id", "string")]
    )

    assert mapped.toDF().columns == ["zip", "id"]
    alias = dyf.applyMapping([("zipcode", "string", "zip", "string")])
    assert alias.toDF().columns == ["zip"]


def test_apply_mapping_iso_timestamp_and_unparseable_value(spark: Any, glue_context: Any) -> None:
    # The seed job maps ("timestamp", "string", "event_ts", "timestamp"); Glue casts are
    # lenient: a value that is no timestamp becomes null instead of failing the job.
    dyf = frame(
        spark,
        glue_context,
        [("e1", "2026-02-01T10:00:00Z"), ("e2", "junk")],
        "id string, ts string",
    )

    mapped = dyf.apply_mapping(
        [("id", "string", "id", "string"), ("ts", "string", "event_ts", "timestamp")]
    )

    assert rows_of(mapped, "id") == [
        {"id": "e1", "event_ts": dt.datetime(2026, 2, 1, 10, 0)},
        {"id": "e2", "event_ts": None},
    ]


def test_apply_mapping_back_ticks_a_source_name_with_dots(spark: Any, glue_context: Any) -> None:
    # ApplyMapping page: ("`this.old.name`", "string", "thisNewName", "string").
    df = spark.createDataFrame([("v",)], "`this.old.name` string")
    dyf = DynamicFrame.fromDF(df, glue_context, "f")

    mapped = dyf.apply_mapping([("`this.old.name`", "string", "thisNewName", "string")])

    assert rows_of(mapped) == [{"thisNewName": "v"}]


def test_apply_mapping_reads_and_builds_nested_paths(spark: Any, glue_context: Any) -> None:
    dyf = frame(spark, glue_context, [((1, "x"), "k")], "s struct<a:int,b:string>, k string")

    mapped = dyf.apply_mapping(
        [
            ("s.a", "int", "out.num", "long"),
            ("k", "string", "key", "string"),
            ("s.b", "string", "out.text", "string"),
        ]
    )

    assert mapped.toDF().schema.simpleString() == (
        "struct<out:struct<num:bigint,text:string>,key:string>"
    )
    assert rows_of(mapped) == [{"out": {"num": 1, "text": "x"}, "key": "k"}]


def test_apply_mapping_skips_a_source_field_that_does_not_exist(
    spark: Any, glue_context: Any
) -> None:
    # A record without the source field has nothing to map: no target field appears.
    dyf = frame(spark, glue_context, ORDERS, ORDER_SCHEMA)

    mapped = dyf.apply_mapping(
        [("order_id", "string", "order_id", "string"), ("nope", "string", "ghost", "string")]
    )

    assert mapped.toDF().columns == ["order_id"]


def test_apply_mapping_matches_source_names_case_insensitively(
    spark: Any, glue_context: Any
) -> None:
    # Glue Studio ApplyMapping docs: "The ApplyMapping transform is not case-sensitive."
    dyf = frame(spark, glue_context, ORDERS, ORDER_SCHEMA)

    mapped = dyf.apply_mapping([("ORDER_ID", "string", "Order", "int")])
    strict = dyf.apply_mapping([("ORDER_ID", "string", "Order", "int")], case_sensitive=True)

    assert rows_of(mapped, "Order") == [{"Order": 1005}, {"Order": 1006}]
    assert strict.toDF().columns == []


def test_apply_mapping_keeps_partition_strings_as_written(spark: Any, glue_context: Any) -> None:
    # Hive partition values are strings: "07" stays "07" when mapped string -> string.
    dyf = frame(spark, glue_context, [("2026", "07")], "year string, month string")

    mapped = dyf.apply_mapping(
        [("year", "string", "year", "string"), ("month", "string", "month", "string")]
    )

    assert rows_of(mapped) == [{"year": "2026", "month": "07"}]


def test_apply_mapping_needs_four_element_tuples(spark: Any, glue_context: Any) -> None:
    # Upstream unpacks (source path, source type, target path, target type).
    dyf = frame(spark, glue_context, ORDERS, ORDER_SCHEMA)

    with pytest.raises(ValueError):
        dyf.apply_mapping([("order_id", "order_id", "string")])


# -- select / drop / rename / split ------------------------------------------------------------

ORGS_SCHEMA = (
    "classification string, id string, name string, seats int, "
    "other_names array<string>, identifiers array<string>"
)
ORGS = [
    ("party", "party/al", "AL", None, ["a"], ["i"]),
    ("legislature", "d56", "House", 435, [], []),
]


def test_select_fields_keeps_only_the_named_fields(spark: Any, glue_context: Any) -> None:
    # Legislators example: memberships.select_fields(['organization_id']).
    dyf = frame(spark, glue_context, ORGS, ORGS_SCHEMA)

    selected = dyf.select_fields(["id", "missing"])

    assert selected.toDF().columns == ["id"]
    assert selected.count() == 2


def test_select_fields_of_a_nested_path_keeps_its_parent(spark: Any, glue_context: Any) -> None:
    dyf = frame(spark, glue_context, [((1, "x"), 2), (None, 3)], "s struct<a:int,b:string>, n int")

    selected = dyf.select_fields(["s.b"])

    assert rows_of(selected) == [{"s": {"b": "x"}}, {"s": None}]


def test_drop_and_rename_fields_as_in_the_legislators_example(
    spark: Any, glue_context: Any
) -> None:
    # orgs.drop_fields(['other_names', 'identifiers']).rename_field('id', 'org_id')
    #     .rename_field('name', 'org_name')
    dyf = frame(spark, glue_context, ORGS, ORGS_SCHEMA)

    orgs = (
        dyf.drop_fields(["other_names", "identifiers"])
        .rename_field("id", "org_id")
        .rename_field("name", "org_name")
    )

    assert orgs.toDF().columns == ["classification", "org_id", "org_name", "seats"]
    assert rows_of(orgs, "org_id")[1] == {
        "classification": "party",
        "org_id": "party/al",
        "org_name": "AL",
        "seats": None,
    }


def test_drop_fields_removes_nested_members(spark: Any, glue_context: Any) -> None:
    # DynamicFrame page: each path is "the full path to a field node you want to drop".
    dyf = frame(spark, glue_context, [((1, "x"), 2)], "s struct<a:int,b:string>, n int")

    dropped = dyf.drop_fields(["s.a", "not.there"])

    assert dropped.toDF().schema.simpleString() == "struct<s:struct<b:string>,n:int>"


def test_rename_field_back_ticks_a_name_with_dots(spark: Any, glue_context: Any) -> None:
    # DynamicFrame page: oldDyF.rename_field("`this.old.name`", "thisNewName").
    df = spark.createDataFrame([("v", 1)], "`this.old.name` string, other int")
    dyf = DynamicFrame.fromDF(df, glue_context, "f")

    renamed = dyf.rename_field("`this.old.name`", "thisNewName")

    assert renamed.toDF().columns == ["thisNewName", "other"]


def test_rename_field_of_a_nested_path(spark: Any, glue_context: Any) -> None:
    # newName is "the new name, as a full path": same parent renames in place, else moves.
    dyf = frame(spark, glue_context, [((1, "x"),), (None,)], "s struct<a:int,b:string>")

    in_place = dyf.rename_field("s.a", "s.alpha")
    moved = dyf.rename_field("s.a", "alpha")

    assert in_place.toDF().schema.simpleString() == "struct<s:struct<alpha:int,b:string>>"
    assert rows_of(in_place) == [{"s": {"alpha": 1, "b": "x"}}, {"s": None}]
    assert moved.toDF().schema.simpleString() == "struct<s:struct<b:string>,alpha:int>"


def test_split_fields_returns_the_split_off_and_the_remaining_fields(
    spark: Any, glue_context: Any
) -> None:
    # DynamicFrame page: a DynamicFrameCollection; name1 holds the split-off nodes.
    dyf = frame(spark, glue_context, ORGS, ORGS_SCHEMA)

    parts = dyf.split_fields(["id", "name"], "ids", "rest")

    assert isinstance(parts, DynamicFrameCollection)
    assert sorted(parts.keys()) == ["ids", "rest"]
    assert parts["ids"].toDF().columns == ["id", "name"]
    assert parts["rest"].toDF().columns == [
        "classification",
        "seats",
        "other_names",
        "identifiers",
    ]
    assert parts["ids"].name == "ids"


def test_split_rows_uses_the_documented_comparison_dict(spark: Any, glue_context: Any) -> None:
    # DynamicFrame page: {"age": {">": 10, "<": 20}} splits off rows with 10 < age < 20.
    dyf = frame(spark, glue_context, [(5,), (15,), (20,), (None,)], "age int")

    parts = dyf.split_rows({"age": {">": 10, "<": 20}}, "teens", "others")

    assert rows_of(parts["teens"]) == [{"age": 15}]
    assert sorted(r["age"] for r in rows_of(parts["others"]) if r["age"] is not None) == [5, 20]
    assert parts["others"].count() == 3


def test_unnest_moves_struct_members_to_top_level(spark: Any, glue_context: Any) -> None:
    # DynamicFrame page: unnest "Unnests nested objects ..., making them top-level objects".
    dyf = frame(
        spark,
        glue_context,
        [("u1", ("Human", ("Titan", "Rig")))],
        "username string, p struct<race:string,location:struct<map:string,waypoint:string>>",
    )

    flat = dyf.unnest()

    assert flat.toDF().columns == ["username", "p.race", "p.location.map", "p.location.waypoint"]


def test_union_appends_records_with_missing_fields_null(spark: Any, glue_context: Any) -> None:
    a = frame(spark, glue_context, [(1, "x")], "id int, v string")
    b = frame(spark, glue_context, [(2,)], "id int")

    assert rows_of(a.union(b), "id") == [{"id": 1, "v": "x"}, {"id": 2, "v": None}]


# -- drop_null_fields ----------------------------------------------------------------------


def test_drop_null_fields_drops_the_aws_example_null_column(spark: Any, glue_context: Any) -> None:
    # DropNullFields page: a column added as lit(None).cast(NullType()) is dropped.
    df = spark.createDataFrame([("p1", "Mike"), ("p2", None)], "id string, name string")
    with_nulls = df.withColumn("empty_column", F.lit(None).cast(T.NullType()))
    dyf = DynamicFrame.fromDF(with_nulls, glue_context, "persons_with_nulls")

    assert dyf.drop_null_fields().toDF().columns == ["id", "name"]


def test_drop_null_fields_drops_fields_null_in_every_record(spark: Any, glue_context: Any) -> None:
    # DropNullFields page: "fields with missing or null values in every record".
    dyf = frame(
        spark,
        glue_context,
        [(1, None, (None, "x"), ""), (2, None, None, None)],
        "id int, gone string, s struct<a:int,b:string>, blank string",
    )

    kept = dyf.drop_null_fields()

    assert kept.toDF().schema.simpleString() == "struct<id:int,s:struct<b:string>,blank:string>"


# -- collections -------------------------------------------------------------------------------


def test_collection_select_map_and_flatmap(spark: Any, glue_context: Any) -> None:
    # DynamicFrameCollection page: keys, values, select, map(callable) and flatmap(f).
    a = frame(spark, glue_context, [(1,)], "id int", "a")
    b = frame(spark, glue_context, [(2,), (3,)], "id int", "b")
    dfc = DynamicFrameCollection({"a": a, "b": b}, glue_context)

    assert len(dfc) == 2 and list(dfc.keys()) == ["a", "b"]
    assert dfc.select("b") is b and dfc["a"] is a
    assert list(dfc.values()) == [a, b]
    empty = dfc.select("missing")
    assert (empty.name, empty.count()) == ("missing", 0)

    seen: list[str] = []

    def double(dyf: Any, ctx: str) -> Any:
        seen.append(ctx)
        return dyf.map(lambda r: {"id": r["id"] * 2})

    doubled = dfc.map(double, "ctx")
    assert seen == ["ctx:a", "ctx:b"]
    assert rows_of(doubled["b"], "id") == [{"id": 4}, {"id": 6}]

    split = dfc.flatmap(lambda dyf, ctx: dyf.split_fields(["id"], dyf.name + "1", dyf.name + "2"))
    assert sorted(split.keys()) == ["a1", "a2", "b1", "b2"]
    with pytest.raises(TypeError):
        dfc.map(lambda dyf, ctx: "not a frame")


def test_collection_built_from_a_list_uses_frame_names(spark: Any, glue_context: Any) -> None:
    a = frame(spark, glue_context, [(1,)], "id int", "first")

    assert list(DynamicFrameCollection([a], glue_context).keys()) == ["first"]

"""``awsglue.transforms``: ``X.apply(frame=..., ...)`` with upstream keyword names.

Expected values come from the AWS transform pages
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-<Name>.html),
the legislators walkthrough
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-samples-legislators.html)
and the seed skill document's Glue job (tests/fixtures/seed/data-aws-skill.md).
"""

from __future__ import annotations

from typing import Any

import pytest

import awsglue.transforms
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
from awsglue.transforms import (
    ApplyMapping,
    DropFields,
    DropNullFields,
    Filter,
    FlatMap,
    GlueTransform,
    Join,
    Map,
    MapToCollection,
    Relationalize,
    RenameField,
    ResolveChoice,
    SelectFields,
    SelectFromCollection,
    SplitFields,
    SplitRows,
    Unbox,
    UnnestFrame,
)


def frame(spark: Any, glue_context: Any, rows: list[Any], schema: str, name: str = "f") -> Any:
    return DynamicFrame.fromDF(spark.createDataFrame(rows, schema), glue_context, name)


def rows_of(dyf: Any, *order: str) -> list[dict[str, Any]]:
    df = dyf.toDF()
    if order:
        df = df.orderBy(*order)
    return [r.asDict(recursive=True) for r in df.collect()]


def test_star_import_gives_every_transform() -> None:
    namespace: dict[str, Any] = {}
    exec("from awsglue.transforms import *", namespace)

    expected = {
        "GlueTransform",
        "ApplyMapping",
        "Filter",
        "SelectFields",
        "DropFields",
        "RenameField",
        "ResolveChoice",
        "DropNullFields",
        "Join",
        "Map",
        "Relationalize",
        "SplitFields",
        "SplitRows",
        "Unbox",
    }
    assert expected <= set(namespace)
    assert set(awsglue.transforms.__all__) <= set(namespace)


def test_glue_transform_apply_instantiates_and_calls() -> None:
    # GlueTransform page: apply(cls, *args, **kwargs) runs the transform; name() is the class.
    class Twice(GlueTransform):
        def __call__(self, value: int) -> int:
            return value * 2

    assert Twice.apply(value=4) == 8
    assert Twice.name() == "Twice"
    assert repr(Twice()) == "<Transform: Twice>"


# -- the seed job: ApplyMapping then Filter -----------------------------------------------------

EVENTS = [
    ("e1", "u1", "click", "2026-02-01T10:00:00Z", "2026", "02", "01"),
    ("e2", "u2", None, "2026-02-01T11:00:00Z", "2026", "02", "01"),
    ("e3", "u1", "view", "not a timestamp", "2026", "02", "07"),
]
EVENTS_SCHEMA = (
    "event_id string, user_id string, event_type string, timestamp string, "
    "year string, month string, day string"
)


def test_seed_job_mapping_and_filter(spark: Any, glue_context: Any) -> None:
    source = frame(spark, glue_context, EVENTS, EVENTS_SCHEMA, "events")

    mapped = ApplyMapping.apply(
        frame=source,
        mappings=[
            ("event_id", "string", "event_id", "string"),
            ("user_id", "string", "user_id", "string"),
            ("event_type", "string", "event_type", "string"),
            ("timestamp", "string", "event_ts", "timestamp"),
        ],
    )
    filtered = Filter.apply(frame=mapped, f=lambda row: row["event_type"] is not None)

    assert filtered.toDF().columns == ["event_id", "user_id", "event_type", "event_ts"]
    assert [(r["event_id"], r["event_ts"] is None) for r in rows_of(filtered, "event_id")] == [
        ("e1", False),
        ("e3", True),
    ]


def test_filter_example_from_the_aws_filter_page(spark: Any, glue_context: Any) -> None:
    # Filter page: keep records from Sacramento, California or Montgomery, Alabama.
    dyf = frame(
        spark,
        glue_context,
        [("CA", "SACRAMENTO"), ("AL", "MONTGOMERY"), ("CA", "MONTGOMERY"), ("NY", "ALBANY")],
        "`Provider State` string, `Provider City` string",
    )

    kept = Filter.apply(
        frame=dyf,
        f=lambda x: (
            x["Provider State"] in ["CA", "AL"]
            and x["Provider City"] in ["SACRAMENTO", "MONTGOMERY"]
        ),
    )

    assert kept.count() == 3
    assert kept.toDF().columns == ["Provider State", "Provider City"]


def test_filter_record_supports_dot_notation(spark: Any, glue_context: Any) -> None:
    # Filter page: "you can access the column_A field in dynamic_record_X as
    # dynamic_record_X.column_A".
    dyf = frame(spark, glue_context, [("a", 1), ("b", 2)], "column_A string, n int")

    kept = Filter.apply(frame=dyf, f=lambda rec: rec.column_A == "b")

    assert rows_of(kept) == [{"column_A": "b", "n": 2}]


# -- Map --------------------------------------------------------------------------------------


def test_map_merges_address_fields_as_in_the_aws_example(spark: Any, glue_context: Any) -> None:
    dyf = frame(
        spark,
        glue_context,
        [("10001", "1108 ROSS CLARK CIRCLE", "DOTHAN", "AL", "36301")],
        "`Provider Id` string, `Provider Street Address` string, `Provider City` string, "
        "`Provider State` string, `Provider Zip Code` string",
    )

    def merge_address(rec: Any) -> Any:
        """The Map page's MergeAddress (nested: workers unpickle it by value)."""
        rec["Address"] = {}
        rec["Address"]["Street"] = rec["Provider Street Address"]
        rec["Address"]["City"] = rec["Provider City"]
        rec["Address"]["State"] = rec["Provider State"]
        rec["Address"]["Zip.Code"] = rec["Provider Zip Code"]
        rec["Address"]["Array"] = [
            rec["Provider Street Address"],
            rec["Provider City"],
            rec["Provider State"],
            rec["Provider Zip Code"],
        ]
        del rec["Provider Street Address"]
        del rec["Provider City"]
        del rec["Provider State"]
        del rec["Provider Zip Code"]
        return rec

    mapped = Map.apply(frame=dyf, f=merge_address)

    # Map page output: the Address struct (Street, City, State, Zip.Code, Array: array of
    # string) replaces the four address fields.
    schema = mapped.toDF().schema
    assert schema.simpleString() == (
        "struct<Provider Id:string,Address:struct<Street:string,City:string,State:string,"
        "Zip.Code:string,Array:array<string>>>"
    )
    assert rows_of(mapped)[0]["Address"]["Array"] == [
        "1108 ROSS CLARK CIRCLE",
        "DOTHAN",
        "AL",
        "36301",
    ]


def test_map_leaves_out_records_whose_function_fails(spark: Any, glue_context: Any) -> None:
    # Upstream Map: an exception, or returning None instead of a record, is an error record.
    dyf = frame(spark, glue_context, [(1,), (0,), (2,)], "n int")

    def invert(rec: Any) -> Any:
        rec["inv"] = 1.0 / rec["n"]
        return rec if rec["n"] != 2 else None

    mapped = Map.apply(frame=dyf, f=invert)

    assert rows_of(mapped) == [{"n": 1, "inv": 1.0}]
    assert mapped.toDF().schema.simpleString() == "struct<n:int,inv:double>"


# -- Join, field transforms ------------------------------------------------------------------


def test_join_keeps_both_keys_as_in_the_legislators_example(spark: Any, glue_context: Any) -> None:
    # Join.apply(persons, memberships, 'id', 'person_id') then .drop_fields(['person_id']).
    persons = frame(
        spark, glue_context, [("p1", "Mike"), ("p2", "Shelley")], "id string, name string", "p"
    )
    memberships = frame(
        spark,
        glue_context,
        [("p1", "o1", "member"), ("p1", "o2", "chair"), ("p3", "o1", "member")],
        "person_id string, organization_id string, role string",
        "m",
    )

    joined = Join.apply(persons, memberships, "id", "person_id")

    assert joined.toDF().columns == ["id", "name", "person_id", "organization_id", "role"]
    assert [(r["id"], r["person_id"], r["role"]) for r in rows_of(joined, "role")] == [
        ("p1", "p1", "chair"),
        ("p1", "p1", "member"),
    ]
    assert joined.drop_fields(["person_id"]).toDF().columns == [
        "id",
        "name",
        "organization_id",
        "role",
    ]
    assert joined.name == "pm"


def test_field_transforms_use_upstream_keywords(spark: Any, glue_context: Any) -> None:
    dyf = frame(spark, glue_context, [(1, "a", "b")], "id int, x string, y string", "src")

    assert SelectFields.apply(frame=dyf, paths=["x"]).toDF().columns == ["x"]
    assert DropFields.apply(frame=dyf, paths=["x"]).toDF().columns == ["id", "y"]
    renamed = RenameField.apply(frame=dyf, old_name="x", new_name="ex")
    assert renamed.toDF().columns == ["id", "ex", "y"]

    # SplitFields page: name1/name2 default to the frame's name followed by 1 and 2.
    split = SplitFields.apply(frame=dyf, paths=["id"])
    assert sorted(split.keys()) == ["src1", "src2"]
    assert split["src2"].toDF().columns == ["x", "y"]

    rows = SplitRows.apply(frame=dyf, comparison_dict={"id": {"=": 1}}, name1="one", name2="other")
    assert (rows["one"].count(), rows["other"].count()) == (1, 0)


def test_unnest_frame_flattens_structs(spark: Any, glue_context: Any) -> None:
    dyf = frame(
        spark, glue_context, [(("user1", 300),)], "player struct<username:string,power:int>"
    )

    assert UnnestFrame.apply(frame=dyf).toDF().columns == ["player.username", "player.power"]


def test_unbox_parses_a_json_string_field(spark: Any, glue_context: Any) -> None:
    # Unbox page: unboxes a string field into a struct of the given format.
    dyf = frame(
        spark, glue_context, [(1, '{"a": 1, "b": "x"}'), (2, None)], "id int, payload string"
    )

    unboxed = Unbox.apply(frame=dyf, path="payload", format="json")

    assert (
        unboxed.toDF().schema.simpleString() == "struct<id:int,payload:struct<a:bigint,b:string>>"
    )
    assert rows_of(unboxed, "id") == [
        {"id": 1, "payload": {"a": 1, "b": "x"}},
        {"id": 2, "payload": None},
    ]


def test_drop_null_fields_transform(spark: Any, glue_context: Any) -> None:
    dyf = frame(spark, glue_context, [(1, None), (2, None)], "id int, empty_column string")

    assert DropNullFields.apply(frame=dyf).toDF().columns == ["id"]


# -- Relationalize ----------------------------------------------------------------------------

PERSONS_SCHEMA = (
    "id string, given_name string, contact_details array<struct<type:string,value:string>>, "
    "links array<string>, player struct<username:string,power:int>"
)
PERSONS = [
    (
        "f4fc30ee",
        "Mike",
        [("fax", "202-225-1314"), ("phone", "202-225-3772"), ("twitter", "MikeRossUpdates")],
        ["http://a"],
        ("user1", 300),
    ),
    ("e3c60f34", "Shelley", [("twitter", "SenCapito")], [], ("user2", 10)),
    ("0000", "Nobody", None, None, None),
]


def test_relationalize_pivots_arrays_as_in_the_legislators_example(
    spark: Any, glue_context: Any
) -> None:
    dyf = frame(spark, glue_context, PERSONS, PERSONS_SCHEMA, "l_history")

    dfc = Relationalize.apply(
        frame=dyf, staging_path="s3://glue-sample-target/temp-dir/", name="hist_root"
    )

    # keys(): the root table plus one table per array column.
    assert isinstance(dfc, DynamicFrameCollection)
    assert list(dfc.keys()) == ["hist_root", "hist_root_contact_details", "hist_root_links"]
    # The array table: id, index, contact_details.val.type, contact_details.val.value.
    contacts = dfc.select("hist_root_contact_details")
    assert contacts.toDF().columns == [
        "id",
        "index",
        "contact_details.val.type",
        "contact_details.val.value",
    ]
    root = dfc.select("hist_root")
    # Nested struct members are flattened with dotted names (the Relationalize blog post's
    # "player.username"); the array column is a key into the array table.
    assert root.toDF().columns == [
        "id",
        "given_name",
        "contact_details",
        "links",
        "player.username",
        "player.power",
    ]
    mike = root.toDF().where("given_name = 'Mike'").first()
    mike_contacts = (
        contacts.toDF()
        .where(contacts.toDF()["id"] == mike["contact_details"])
        .orderBy("index")
        .collect()
    )
    assert [(r["index"], r["contact_details.val.type"]) for r in mike_contacts] == [
        (0, "fax"),
        (1, "phone"),
        (2, "twitter"),
    ]
    assert contacts.count() == 4
    links = dfc.select("hist_root_links")
    assert links.toDF().columns == ["id", "index", "links.val"]
    assert [r["links.val"] for r in links.toDF().collect()] == ["http://a"]


def test_relationalize_method_with_root_table_name(spark: Any, glue_context: Any) -> None:
    # DynamicFrame page: relationalize(root_table_name, staging_path, options, ...).
    dyf = frame(spark, glue_context, [(1, [[1, 2], [3]])], "id int, grid array<array<int>>")

    dfc = dyf.relationalize("root", "/tmp/unused")

    assert list(dfc.keys()) == ["root", "root_grid", "root_grid.val"]
    assert dfc["root_grid"].toDF().columns == ["id", "index", "grid.val"]
    inner = dfc["root_grid.val"].toDF().orderBy("id", "index").collect()
    assert [r["grid.val.val"] for r in inner] == [1, 2, 3]
    assert dfc["root"].name == "root"


# -- ResolveChoice ----------------------------------------------------------------------------


def test_resolve_choice_casts_as_in_the_aws_example(spark: Any, glue_context: Any) -> None:
    # ResolveChoice page: dyf_input.resolveChoice(specs = [('cust_id','cast:String')]).
    dyf = frame(spark, glue_context, [(7, "x")], "cust_id bigint, v string")

    resolved = ResolveChoice.apply(frame=dyf, specs=[("cust_id", "cast:String")])

    assert resolved.toDF().schema.simpleString() == "struct<cust_id:string,v:string>"
    assert dyf.resolveChoice(specs=[("cust_id", "project:double")]).toDF().first()[0] == 7.0


def test_resolve_choice_make_cols_leaves_a_single_type_column(
    spark: Any, glue_context: Any
) -> None:
    # make_cols splits a choice into columnA_int/columnA_string; one type, nothing to split.
    dyf = frame(spark, glue_context, [(1, "a")], "columnA int, b string")

    resolved = dyf.resolveChoice(choice="make_cols")

    assert resolved.toDF().schema.simpleString() == "struct<columnA:int,b:string>"
    assert ResolveChoice.apply(dyf, specs=[("b", "make_struct")]).toDF().columns == ["columnA", "b"]


def test_resolve_choice_needs_exactly_one_of_specs_and_choice(
    spark: Any, glue_context: Any
) -> None:
    # ResolveChoice page: only one of specs and choice can be used.
    dyf = frame(spark, glue_context, [(1,)], "a int")

    with pytest.raises(Exception, match="both missing"):
        dyf.resolveChoice()
    with pytest.raises(Exception, match="both specified"):
        dyf.resolveChoice(specs=[("a", "cast:long")], choice="make_cols")


def test_resolve_choice_match_catalog_casts_to_the_table_types(
    spark: Any, glue_context: Any, lakestack_client: Any
) -> None:
    glue = lakestack_client("glue")
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(
        DatabaseName="sales",
        TableInput={
            "Name": "orders",
            "StorageDescriptor": {
                "Columns": [
                    {"Name": "order_id", "Type": "bigint"},
                    {"Name": "amount", "Type": "decimal(10,2)"},
                ],
                "Location": "s3://bucket/orders/",
            },
            "PartitionKeys": [{"Name": "month", "Type": "string"}],
        },
    )
    dyf = frame(
        spark,
        glue_context,
        [("1005", "12.5", "07", "x")],
        "order_id string, amount string, month string, extra string",
    )

    resolved = ResolveChoice.apply(
        frame=dyf, choice="match_catalog", database="sales", table_name="orders"
    )

    assert resolved.toDF().schema.simpleString() == (
        "struct<order_id:bigint,amount:decimal(10,2),month:string,extra:string>"
    )
    assert rows_of(resolved)[0]["month"] == "07"


# -- collections ------------------------------------------------------------------------------


def test_collection_transforms(spark: Any, glue_context: Any) -> None:
    a = frame(spark, glue_context, [(1, "x")], "id int, v string", "a")
    b = frame(spark, glue_context, [(2, "y")], "id int, v string", "b")
    dfc = DynamicFrameCollection({"a": a, "b": b}, glue_context)

    assert SelectFromCollection.apply(dfc=dfc, key="a") is a
    mapped = MapToCollection.apply(
        dfc=dfc, callable=lambda dyf, ctx: SelectFields.apply(frame=dyf, paths=["v"])
    )
    assert [mapped[k].toDF().columns for k in mapped.keys()] == [["v"], ["v"]]
    # FlatMap page: BaseTransform.apply(**base_kwargs) with each frame as frame_name.
    flat = FlatMap.apply(dfc=dfc, BaseTransform=SplitFields, frame_name="frame", paths=["id"])
    assert sorted(flat.keys()) == ["a1", "a2", "b1", "b2"]

"""``awsglue.gluetypes`` and ``DynamicFrame.schema()``/``printSchema()``.

Expected type names come from upstream's ``gluetypes`` (``typeName()`` is the class name
without ``Type``, ``IntegerType`` says ``int``, ``DecimalType`` defaults to (10, 2)) and the
printed trees from AWS's "Code example: Joining and relationalizing data"
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-samples-legislators.html).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from awsglue import gluetypes as G
from awsglue.dynamicframe import DynamicFrame

ALL_TYPES = (
    "s string, i int, l bigint, d double, f float, b boolean, dt date, ts timestamp, "
    "dec decimal(12,3), sh smallint, by tinyint, bin binary, arr array<string>, "
    "m map<string,int>, st struct<x:int,y:string>"
)


def test_schema_maps_every_spark_type_to_its_glue_type(spark: Any, glue_context: Any) -> None:
    df = spark.createDataFrame([], ALL_TYPES)
    schema = DynamicFrame.fromDF(df, glue_context, "t").schema()

    assert isinstance(schema, G.StructType)
    assert [f.name for f in schema.fields] == df.columns
    assert [f.dataType for f in schema.fields] == [
        G.StringType(),
        G.IntegerType(),
        G.LongType(),
        G.DoubleType(),
        G.FloatType(),
        G.BooleanType(),
        G.DateType(),
        G.TimestampType(),
        G.DecimalType(12, 3),
        G.ShortType(),
        G.ByteType(),
        G.BinaryType(),
        G.ArrayType(G.StringType()),
        G.MapType(G.IntegerType()),
        G.StructType([G.Field("x", G.IntegerType()), G.Field("y", G.StringType())]),
    ]


def test_type_names_follow_upstream() -> None:
    names = [
        t.typeName()
        for t in (
            G.StringType,
            G.IntegerType,
            G.LongType,
            G.DoubleType,
            G.BooleanType,
            G.TimestampType,
            G.ArrayType,
            G.StructType,
            G.ChoiceType,
            G.NullType,
        )
    ]

    assert names == [
        "string",
        "int",
        "long",
        "double",
        "boolean",
        "timestamp",
        "array",
        "struct",
        "choice",
        "null",
    ]


def test_decimal_type_defaults_to_upstream_precision_and_scale() -> None:
    assert (G.DecimalType().precision, G.DecimalType().scale) == (10, 2)


def test_types_compare_by_value_and_print_readably() -> None:
    struct = G.StructType([G.Field("a", G.ArrayType(G.LongType()))])

    assert struct == G.StructType([G.Field("a", G.ArrayType(G.LongType()))])
    assert struct != G.StructType([G.Field("a", G.ArrayType(G.IntegerType()))])
    assert struct.getField("a").dataType.elementType == G.LongType()
    assert struct.hasField("a") and not struct.hasField("b")
    assert repr(struct) == "StructType([Field(a, ArrayType(LongType({}), {}), {})], {})"


def test_choice_type_keeps_one_choice_per_type_name() -> None:
    choice = G.ChoiceType([G.IntegerType(), G.StringType()])

    assert sorted(choice.choices) == ["int", "string"]
    assert repr(choice) == "ChoiceType([IntegerType({}),StringType({})], {})"


def test_print_schema_prints_the_aws_tree(spark: Any, glue_context: Any, capsys: Any) -> None:
    # The persons_json schema of AWS's legislators example, first fields.
    df = spark.createDataFrame(
        [], "family_name string, links array<struct<note:string,url:string>>, seats int"
    )

    DynamicFrame.fromDF(df, glue_context, "persons").printSchema()

    assert capsys.readouterr().out.splitlines() == [
        "root",
        "|-- family_name: string",
        "|-- links: array",
        "|    |-- element: struct",
        "|    |    |-- note: string",
        "|    |    |-- url: string",
        "|-- seats: int",
    ]


def test_schema_of_values_round_trips(spark: Any, glue_context: Any) -> None:
    row = (
        "a",
        1,
        2,
        1.5,
        0.5,
        True,
        dt.date(2026, 2, 1),
        dt.datetime(2026, 2, 1, 10),
        decimal.Decimal("1.250"),
        3,
        4,
        bytearray(b"x"),
        ["p"],
        {"k": 1},
        (1, "y"),
    )
    frame = DynamicFrame.fromDF(spark.createDataFrame([row], ALL_TYPES), glue_context, "t")

    assert frame.count() == 1
    assert frame.schema().getField("dec").dataType == G.DecimalType(12, 3)

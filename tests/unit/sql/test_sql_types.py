"""Catalog type strings: the Hive grammar accepts what Glue and Athena write and refuses
everything else, and DuckDB/Trino spellings come from the parse, never the text."""

from __future__ import annotations

import pytest

from lakestack.sql.lexer import Cursor
from lakestack.sql.types import (
    InvalidHiveType,
    check_column_types,
    parse_hive_type,
    parse_type,
    to_duckdb,
    to_trino,
)

VALID = [
    # (catalog text, canonical Hive, DuckDB)
    ("string", "string", "VARCHAR"),
    ("INT", "int", "INTEGER"),
    ("integer", "int", "INTEGER"),
    ("BigInt", "bigint", "BIGINT"),
    ("tinyint", "tinyint", "TINYINT"),
    ("smallint", "smallint", "SMALLINT"),
    ("float", "float", "FLOAT"),
    ("real", "float", "FLOAT"),
    ("double", "double", "DOUBLE"),
    ("boolean", "boolean", "BOOLEAN"),
    ("binary", "binary", "BLOB"),
    ("date", "date", "DATE"),
    ("timestamp", "timestamp", "TIMESTAMP"),
    ("decimal", "decimal", "DECIMAL(10,0)"),
    ("decimal(12)", "decimal(12)", "DECIMAL(12,0)"),
    ("Decimal( 10 , 2 )", "decimal(10,2)", "DECIMAL(10,2)"),
    ("decimal(38,38)", "decimal(38,38)", "DECIMAL(38,38)"),
    ("char(3)", "char(3)", "VARCHAR"),
    ("varchar(65535)", "varchar(65535)", "VARCHAR"),
    ("varchar", "varchar", "VARCHAR"),
    ("array<string>", "array<string>", "VARCHAR[]"),
    (" ARRAY < INT > ", "array<int>", "INTEGER[]"),
    ("map<string,array<bigint>>", "map<string,array<bigint>>", "MAP(VARCHAR, BIGINT[])"),
    (
        "struct<a:int,b:map<string,decimal(10,2)>>",
        "struct<a:int,b:map<string,decimal(10,2)>>",
        'STRUCT("a" INTEGER, "b" MAP(VARCHAR, DECIMAL(10,2)))',
    ),
    ("struct<user-id:string>", "struct<`user-id`:string>", 'STRUCT("user-id" VARCHAR)'),
    ('struct<`a"b`:int>', 'struct<`a"b`:int>', 'STRUCT("a""b" INTEGER)'),
    ("array<struct<x:int>>\n", "array<struct<x:int>>", 'STRUCT("x" INTEGER)[]'),
]

INVALID = [
    "",
    "   ",
    "strin",
    "int;",
    "int--",
    "int/**/",
    "string(10)",
    "decimal(0,0)",
    "decimal(39,2)",
    "decimal(5,6)",
    "decimal(10,2.5)",
    "char(0)",
    "char(256)",
    "varchar(65536)",
    "varchar(1,2)",
    "array<>",
    "array<int",
    "array<int>>",
    "map<string>",
    "struct<>",
    "struct<a int>",
    "struct<a:int,a:string>",
    'struct<"a":int>',
    "uniontype<int,string>",
    "timestamp with time zone",
    'decimal(1,0))AS"x",content/**/AS"content"/**/FROM/**/read_text(\'/etc/passwd\')--',
    "decimal(1,0)) AS x; COPY (SELECT 1) TO '/tmp/x'",
    "int) AS x FROM read_text('/etc/passwd') --",
    "array<" * 70 + "int" + ">" * 70,
]


@pytest.mark.parametrize(("text", "hive", "duckdb"), VALID)
def test_parse_type_valid_types_render_from_the_parse(text: str, hive: str, duckdb: str) -> None:
    parsed = parse_type(text)
    assert str(parsed) == hive
    assert to_duckdb(text) == duckdb
    assert parse_type(hive) == parsed  # the canonical form parses back to the same type


@pytest.mark.parametrize("text", INVALID)
def test_parse_type_invalid_types_raise_invalid_hive_type(text: str) -> None:
    with pytest.raises(InvalidHiveType) as info:
        parse_type(text)
    assert "is not a valid Hive type" in str(info.value)
    assert info.value.state_change_reason.startswith("HIVE_INVALID_METADATA: ")
    with pytest.raises(InvalidHiveType):
        to_duckdb(text)
    with pytest.raises(InvalidHiveType):
        to_trino(text)


def test_to_trino_quotes_struct_members_that_are_not_plain_words() -> None:
    assert to_trino("struct<a:int,`b c`:string>") == 'row(a integer, "b c" varchar)'
    assert to_trino("map<string,array<float>>") == "map(varchar, array(real))"


def test_ddl_types_use_the_same_grammar_and_allow_member_comments() -> None:
    assert parse_hive_type(Cursor("STRUCT<a:INT COMMENT 'x', b:STRING>")) == (
        "struct<a:int,b:string>"
    )


def test_check_column_types_names_the_bad_column_and_uses_the_given_error() -> None:
    class Col:
        def __init__(self, name: str, type: str | None) -> None:
            self.name, self.type = name, type

    class Refused(Exception):
        pass

    check_column_types([Col("a", "int"), Col("b", None)], None, [Col("p", "string")])
    with pytest.raises(Refused, match="Column 'evil' has an unsupported type: 'int; x'"):
        check_column_types([Col("a", "int")], [Col("evil", "int; x")], error=Refused)

"""Athena DDL and utility statements parse into the typed statements the engine runs."""

from __future__ import annotations

import pytest

from lakestack.cli.demo import SEED_EVENTS_DDL
from lakestack.sql import formats
from lakestack.sql.ddl import parse_statement
from lakestack.sql.errors import SqlSyntaxError
from lakestack.sql.statements import (
    AddPartitions,
    Column,
    CreateDatabase,
    CreateTable,
    CreateTableAs,
    CreateView,
    Describe,
    DropDatabase,
    DropPartitions,
    DropTable,
    DropView,
    InsertInto,
    PartitionSpec,
    Query,
    RepairTable,
    SetTableProperties,
    ShowColumns,
    ShowCreateTable,
    ShowDatabases,
    ShowPartitions,
    ShowTables,
    TableName,
    Unload,
    statement_type,
)
from tests.conftest import seed_code_block

SEED_DDL = seed_code_block("CREATE EXTERNAL TABLE events")


def test_demo_uses_the_seed_ddl_verbatim() -> None:
    assert SEED_EVENTS_DDL == SEED_DDL


def test_create_external_table_seed_verbatim_gives_glue_table_input() -> None:
    stmt = parse_statement(SEED_DDL)
    assert isinstance(stmt, CreateTable)
    assert stmt.table == TableName(None, "events")
    assert [c.name for c in stmt.columns] == ["event_id", "user_id", "event_type", "payload"]
    assert stmt.partition_keys == (
        Column("year", "string"),
        Column("month", "string"),
        Column("day", "string"),
    )
    assert stmt.location == "s3://bucket/curated/table=events/"
    assert stmt.storage.input_format == (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    )
    assert stmt.storage.output_format == (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    )
    assert stmt.storage.serde_library == formats.PARQUET_SERDE
    assert stmt.parameters["EXTERNAL"] == "TRUE"
    assert stmt.parameters["classification"] == "parquet"
    assert stmt.parameters["projection.month.digits"] == "2"
    assert stmt.parameters["storage.location.template"].endswith("day=${day}")
    assert stmt.table_type == "EXTERNAL_TABLE" and statement_type(stmt) == "DDL"


def test_create_external_table_nested_types_delimited_text() -> None:
    stmt = parse_statement(
        "CREATE EXTERNAL TABLE IF NOT EXISTS db.T (a array<struct<x:int,y:string>>, "
        "m MAP<STRING, INT>, d decimal(10, 2) COMMENT 'money') COMMENT 'tc' "
        "PARTITIONED BY (dt string) CLUSTERED BY (a) INTO 4 BUCKETS "
        r"ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t' ESCAPED BY '\\' "
        r"COLLECTION ITEMS TERMINATED BY '|' MAP KEYS TERMINATED BY ':' LINES TERMINATED BY '\n' "
        "STORED AS TEXTFILE LOCATION 's3://b/t/' TBLPROPERTIES ('skip.header.line.count'='1')"
    )
    assert isinstance(stmt, CreateTable)
    assert stmt.if_not_exists and stmt.table == TableName("db", "t")
    assert [c.type for c in stmt.columns] == [
        "array<struct<x:int,y:string>>",
        "map<string,int>",
        "decimal(10,2)",
    ]
    assert stmt.columns[2].comment == "money" and stmt.comment == "tc"
    assert stmt.bucket_columns == ("a",) and stmt.number_of_buckets == 4
    assert stmt.storage.serde_library == formats.LAZY_SIMPLE
    assert stmt.storage.input_format == formats.TEXT_INPUT
    assert stmt.storage.serde_parameters == {
        "field.delim": "\t",
        "escape.delim": "\\",
        "colelction.delim": "|",
        "mapkey.delim": ":",
        "line.delim": "\n",
        "serialization.format": "\t",
    }
    assert stmt.parameters == {
        "EXTERNAL": "TRUE",
        "skip.header.line.count": "1",
        "classification": "csv",
    }


@pytest.mark.parametrize(
    ("clause", "serde", "input_format", "classification"),
    [
        (
            "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' "
            "WITH SERDEPROPERTIES ('separatorChar'=',', 'quoteChar'='\"')",
            formats.OPEN_CSV,
            formats.TEXT_INPUT,
            "csv",
        ),
        (
            "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'",
            formats.OPENX_JSON,
            formats.TEXT_INPUT,
            "json",
        ),
        (
            "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
            formats.HIVE_JSON,
            formats.TEXT_INPUT,
            "json",
        ),
        (
            "STORED AS ORC",
            formats.ORC_SERDE,
            "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
            "orc",
        ),
        (
            "STORED AS PARQUET",
            formats.PARQUET_SERDE,
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "parquet",
        ),
        (
            "STORED AS AVRO",
            formats.AVRO_SERDE,
            "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
            "avro",
        ),
        ("STORED AS JSON", formats.HIVE_JSON, formats.TEXT_INPUT, "json"),
        ("", formats.LAZY_SIMPLE, formats.TEXT_INPUT, "csv"),
        (
            "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' STORED AS INPUTFORMAT "
            "'org.apache.hadoop.mapred.TextInputFormat' OUTPUTFORMAT "
            "'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
            formats.OPEN_CSV,
            formats.TEXT_INPUT,
            "csv",
        ),
    ],
)
def test_create_external_table_formats_as_glue_stores_them(
    clause: str, serde: str, input_format: str, classification: str
) -> None:
    stmt = parse_statement(f"CREATE EXTERNAL TABLE t (a int) {clause} LOCATION 's3://b/t/'")
    assert isinstance(stmt, CreateTable)
    assert (stmt.storage.serde_library, stmt.storage.input_format) == (serde, input_format)
    assert stmt.parameters["classification"] == classification


def test_open_csv_serde_properties_are_kept() -> None:
    stmt = parse_statement(
        "CREATE EXTERNAL TABLE t (a string) ROW FORMAT SERDE "
        "'org.apache.hadoop.hive.serde2.OpenCSVSerde' WITH SERDEPROPERTIES "
        "('separatorChar' = ',', 'escapeChar' = '\\\\') LOCATION 's3://b/'"
    )
    assert isinstance(stmt, CreateTable)
    assert stmt.storage.serde_parameters == {"separatorChar": ",", "escapeChar": "\\"}


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "CREATE DATABASE IF NOT EXISTS Sales COMMENT 'c' LOCATION 's3://b/' "
            "WITH DBPROPERTIES ('creator'='me')",
            CreateDatabase("sales", True, "c", "s3://b/", {"creator": "me"}),
        ),
        ("CREATE SCHEMA s", CreateDatabase("s")),
        ("DROP DATABASE IF EXISTS db CASCADE", DropDatabase("db", True, True)),
        ("DROP SCHEMA db", DropDatabase("db")),
        ("DROP TABLE IF EXISTS db.t", DropTable(TableName("db", "t"), True)),
        ("DROP TABLE `T`", DropTable(TableName(None, "t"))),
        (
            "ALTER TABLE t ADD IF NOT EXISTS PARTITION (dt='2024-01-01', h=07) "
            "LOCATION 's3://b/x/' PARTITION (dt='2024-01-02', h='08')",
            AddPartitions(
                TableName(None, "t"),
                (
                    PartitionSpec({"dt": "2024-01-01", "h": "07"}, "s3://b/x/"),
                    PartitionSpec({"dt": "2024-01-02", "h": "08"}),
                ),
                True,
            ),
        ),
        (
            "ALTER TABLE db.t DROP IF EXISTS PARTITION (dt='a'), PARTITION (dt='b')",
            DropPartitions(
                TableName("db", "t"), (PartitionSpec({"dt": "a"}), PartitionSpec({"dt": "b"})), True
            ),
        ),
        (
            "ALTER TABLE t SET TBLPROPERTIES ('projection.enabled'='false')",
            SetTableProperties(TableName(None, "t"), {"projection.enabled": "false"}),
        ),
        ("MSCK REPAIR TABLE db.events;", RepairTable(TableName("db", "events"))),
        ("SHOW DATABASES", ShowDatabases()),
        ("SHOW SCHEMAS LIKE 'sa.*'", ShowDatabases("sa.*")),
        ("SHOW TABLES", ShowTables()),
        ("SHOW TABLES IN db 'ev*'", ShowTables("db", "ev*")),
        ("SHOW PARTITIONS db.events", ShowPartitions(TableName("db", "events"))),
        ("SHOW COLUMNS IN events", ShowColumns(TableName(None, "events"))),
        ("SHOW COLUMNS FROM events FROM db", ShowColumns(TableName("db", "events"))),
        ("SHOW CREATE TABLE db.events", ShowCreateTable(TableName("db", "events"))),
        ("DESCRIBE FORMATTED db.events", Describe(TableName("db", "events"), True)),
        ("DESCRIBE events", Describe(TableName(None, "events"))),
        (
            "CREATE OR REPLACE VIEW v AS SELECT a FROM t",
            CreateView(TableName(None, "v"), "SELECT a FROM t", True),
        ),
        (
            "CREATE VIEW db.v AS WITH x AS (SELECT 1) SELECT * FROM x",
            CreateView(TableName("db", "v"), "WITH x AS (SELECT 1) SELECT * FROM x"),
        ),
        ("DROP VIEW IF EXISTS v", DropView(TableName(None, "v"), True)),
        (
            "INSERT INTO db.t (a, b) SELECT 1, 2",
            InsertInto(TableName("db", "t"), "SELECT 1, 2", ("a", "b")),
        ),
        ("INSERT INTO t VALUES (1, 'x')", InsertInto(TableName(None, "t"), "VALUES (1, 'x')")),
        ("INSERT INTO t (SELECT 1)", InsertInto(TableName(None, "t"), "(SELECT 1)")),
        ("SELECT 1;", Query("SELECT 1")),
        ("WITH x AS (SELECT 1) SELECT * FROM x", Query("WITH x AS (SELECT 1) SELECT * FROM x")),
    ],
)
def test_statement_parses(sql: str, expected: object) -> None:
    assert parse_statement(sql) == expected


def test_ctas_with_properties() -> None:
    stmt = parse_statement(
        "CREATE TABLE db.new_t WITH (format = 'PARQUET', write_compression = 'SNAPPY', "
        "partitioned_by = ARRAY['dt'], external_location = 's3://b/new/', "
        "bucketed_by = ARRAY['id'], bucket_count = 4) AS SELECT id, dt FROM t"
    )
    assert stmt == CreateTableAs(
        TableName("db", "new_t"),
        "SELECT id, dt FROM t",
        {
            "format": "PARQUET",
            "write_compression": "SNAPPY",
            "partitioned_by": ["dt"],
            "external_location": "s3://b/new/",
            "bucketed_by": ["id"],
            "bucket_count": 4,
        },
    )
    assert statement_type(stmt) == "DML"


def test_ctas_with_no_data() -> None:
    stmt = parse_statement("CREATE TABLE t AS SELECT 1 AS a WITH NO DATA")
    assert isinstance(stmt, CreateTableAs)
    assert (stmt.query, stmt.with_data, stmt.properties) == ("SELECT 1 AS a", False, {})


def test_unload_keeps_query_location_and_options() -> None:
    stmt = parse_statement(
        "UNLOAD (SELECT a, (b) FROM t WHERE c IN (1, 2)) TO 's3://b/out/' "
        "WITH (format = 'PARQUET', compression = 'SNAPPY', partitioned_by = ARRAY['c'])"
    )
    assert stmt == Unload(
        "SELECT a, (b) FROM t WHERE c IN (1, 2)",
        "s3://b/out/",
        {"format": "PARQUET", "compression": "SNAPPY", "partitioned_by": ["c"]},
    )


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "CREATE TABLEE x",
            "line 1:8: mismatched input 'TABLEE'. Expecting: 'DATABASE', "
            "'EXTERNAL', 'OR', 'SCHEMA', 'TABLE', 'VIEW'",
        ),
        (
            "SELEC 1",
            "line 1:1: mismatched input 'SELEC'. Expecting: 'ALTER', 'CREATE', 'DESCRIBE', "
            "'DROP', 'INSERT', 'MSCK', 'SELECT', 'SHOW', 'UNLOAD', 'VALUES', 'WITH'",
        ),
        (
            "CREATE EXTERNAL TABLE t (a integr) LOCATION 's3://b/'",
            "line 1:28: mismatched input 'integr'. Expecting: <type>",
        ),
        ("SHOW TABLES\n  IN", "line 2:5: mismatched input '<EOF>'. Expecting: <identifier>"),
        ("MSCK REPAIR t", "line 1:13: mismatched input 't'. Expecting: 'TABLE'"),
        (
            "CREATE EXTERNAL TABLE t (a int) STORED AS CSV",
            "line 1:43: mismatched input 'CSV'. Expecting: 'AVRO', 'JSON', 'JSONFILE', 'ORC', "
            "'PARQUET', 'RCFILE', 'SEQUENCEFILE', 'TEXTFILE'",
        ),
        ("DROP TABLE t extra", "line 1:14: mismatched input 'extra'. Expecting: <EOF>"),
    ],
)
def test_syntax_error_points_at_offending_token(sql: str, message: str) -> None:
    with pytest.raises(SqlSyntaxError) as info:
        parse_statement(sql)
    assert str(info.value) == message
    assert info.value.state_change_reason == "SYNTAX_ERROR: " + message


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 7 / 2, 5 % 2, 'a' || 'b'",
        "CREATE TABLE t WITH (format = 'PARQUET') AS SELECT a / 2 FROM x",
    ],
)
def test_parse_statement_accepts_query_operators(sql: str) -> None:
    assert parse_statement(sql) is not None

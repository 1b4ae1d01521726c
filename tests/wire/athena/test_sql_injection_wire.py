"""No request string reaches DuckDB as SQL text.

Each case sends an injection payload through one string path into Athena's SQL —
catalog column types (Glue CreateTable, UpdateTable, CreatePartition,
BatchCreatePartition, partition keys, Athena DDL), column, struct member and table
names, partition values, partition projection settings, SerDe properties, LOCATION,
CTAS properties, ``ExecutionParameters``, UNLOAD's target, MSCK REPAIR — and the
outcome must be an AWS error, a FAILED query with a reason, or a harmless result; no
result may hold a host file's content, and no payload may write a file outside the
data dir.
"""

from __future__ import annotations

import gzip
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from athena_wire_helpers import _parquet, _run
from botocore.exceptions import ClientError

PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    },
}
HOST_MARKER = "root:"  # the first line of /etc/passwd
AWS_ERRORS = {"InvalidInputException", "InvalidRequestException", "ValidationException"}


@dataclass
class Probe:
    """What one case saw: the clients, the file a payload tries to write, and every
    text a query or call returned."""

    s3: Any
    glue: Any
    athena: Any
    target: Path
    seen: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def copy_to(self) -> str:
        return f"COPY (SELECT 1) TO '{self.target}'"

    def query(self, sql: str, **kw: Any) -> dict[str, Any]:
        """Run ``sql``; a FAILED query must say why, a SUCCEEDED one's rows are kept."""
        try:
            q = _run(self.athena, sql, **kw)
        except ClientError as err:
            assert err.response["Error"]["Code"] in AWS_ERRORS, err.response
            self.refused.append(err.response["Error"]["Code"])
            return {}
        status = q["Status"]
        if status["State"] == "FAILED":
            assert status.get("StateChangeReason"), status
            self.refused.append(status["StateChangeReason"])
        elif status["State"] == "SUCCEEDED":
            r = self.athena.get_query_results(QueryExecutionId=q["QueryExecutionId"])
            for row in r["ResultSet"]["Rows"]:
                self.seen.extend(str(d.get("VarCharValue")) for d in row["Data"])
        return q

    def call(self, fn: Callable[..., Any], **kw: Any) -> Any:
        """Call a Glue operation; an AWS validation error is an accepted outcome."""
        try:
            return fn(**kw)
        except ClientError as err:
            assert err.response["Error"]["Code"] in AWS_ERRORS, err.response
            self.refused.append(err.response["Error"]["Code"])
            return None

    def table(self, name: str, columns: list[dict[str, str]], **extra: Any) -> Any:
        location = extra.pop("Location", f"s3://lake/{name}/")
        serde = extra.pop("SerdeInfo", None)
        sd = {"Columns": columns, "Location": location, **PARQUET}
        if serde is not None:
            sd["SerdeInfo"] = serde
            sd.pop("InputFormat")
            sd.pop("OutputFormat")
        return self.call(
            self.glue.create_table,
            DatabaseName="analytics",
            TableInput={"Name": name, "TableType": "EXTERNAL_TABLE", "StorageDescriptor": sd}
            | extra,
        )

    def put(self, key: str, body: bytes | None = None) -> None:
        self.s3.put_object(Bucket="lake", Key=key, Body=body or _parquet(2))


# -- the payloads ---------------------------------------------------------------------------

READ_TYPE = 'decimal(1,0))AS"x",content/**/AS"content"/**/FROM/**/read_text(\'/etc/passwd\')--'
READ = "') UNION ALL SELECT content FROM read_text('/etc/passwd') --"
QUOTE_ESCAPE = "x\" FROM read_text('/etc/passwd') --"


def _copy_type(p: Probe) -> str:
    return f'decimal(1,0))AS"x";{p.copy_to};--'


# -- the cases ------------------------------------------------------------------------------


def case_glue_column_type_reads(p: Probe) -> None:
    p.table("t1", [{"Name": "x", "Type": READ_TYPE}, {"Name": "content", "Type": "string"}])
    p.query("SELECT content FROM t1")
    assert "InvalidInputException" in p.refused


def case_glue_column_type_copies(p: Probe) -> None:
    p.table("t1", [{"Name": "x", "Type": _copy_type(p)}])
    p.query("SELECT x FROM t1")
    assert "InvalidInputException" in p.refused


def case_glue_partition_key_type(p: Probe) -> None:
    p.table(
        "t1",
        [{"Name": "event_id", "Type": "string"}],
        PartitionKeys=[{"Name": "k", "Type": f"int) AS k; {p.copy_to}; --"}],
    )
    p.query("SELECT * FROM t1 WHERE k = 1")
    assert "InvalidInputException" in p.refused


def case_glue_update_table_type(p: Probe) -> None:
    p.table("t1", [{"Name": "event_id", "Type": "string"}])
    sd = {"Columns": [{"Name": "event_id", "Type": READ_TYPE}], "Location": "s3://lake/t1/"}
    p.call(
        p.glue.update_table,
        DatabaseName="analytics",
        TableInput={"Name": "t1", "StorageDescriptor": sd | PARQUET},
    )
    assert p.refused == ["InvalidInputException"]
    p.query("SELECT * FROM t1")


def case_glue_create_partition_type(p: Probe) -> None:
    p.table("t1", [{"Name": "event_id", "Type": "string"}], PartitionKeys=[{"Name": "k"}])
    sd = {"Columns": [{"Name": "event_id", "Type": READ_TYPE}], "Location": "s3://lake/t1/k=a/"}
    p.call(
        p.glue.create_partition,
        DatabaseName="analytics",
        TableName="t1",
        PartitionInput={"Values": ["a"], "StorageDescriptor": sd},
    )
    assert p.refused == ["InvalidInputException"]


def case_glue_batch_create_partition_type(p: Probe) -> None:
    p.table("t1", [{"Name": "event_id", "Type": "string"}], PartitionKeys=[{"Name": "k"}])
    bad = {"Columns": [{"Name": "event_id", "Type": _copy_type(p)}], "Location": "s3://lake/b/"}
    out = p.glue.batch_create_partition(
        DatabaseName="analytics",
        TableName="t1",
        PartitionInputList=[
            {"Values": ["bad"], "StorageDescriptor": bad},
            {"Values": ["good"], "StorageDescriptor": {"Location": "s3://lake/t1/k=good/"}},
        ],
    )
    assert [e["ErrorDetail"]["ErrorCode"] for e in out["Errors"]] == ["InvalidInputException"]
    p.query("SELECT * FROM t1")


def case_athena_ddl_column_type(p: Probe) -> None:
    q = p.query(
        f"CREATE EXTERNAL TABLE t1 (x {READ_TYPE}) STORED AS PARQUET LOCATION 's3://lake/t1/'"
    )
    assert q.get("Status", {}).get("State") != "SUCCEEDED"


def case_glue_column_name(p: Probe) -> None:
    p.put("t1/f.parquet")
    p.table("t1", [{"Name": QUOTE_ESCAPE, "Type": "string"}, {"Name": "event_id", "Type": "int"}])
    p.query("SELECT * FROM t1")
    p.query(f'SELECT "{QUOTE_ESCAPE.replace(chr(34), chr(34) * 2)}" FROM t1')


def case_struct_member_name(p: Probe) -> None:
    p.put("t1/f.parquet")
    members = (
        "`a\" VARCHAR) AS s FROM read_text('/etc/passwd') AS t(\"`",  # accepted, quoted
        "`a\" VARCHAR) FROM read_text('/etc/passwd') --`",  # a comment: refused
    )
    for i, member in enumerate(members):
        p.table(f"t{i}", [{"Name": "s", "Type": f"struct<{member}:int>"}], Location="s3://lake/t1/")
        p.query(f"SELECT s FROM t{i}")
    assert p.refused[-2:] == [
        "InvalidInputException",
        "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.analytics.t1' does not exist",
    ]


def case_table_name(p: Probe) -> None:
    name = "t1\" AS SELECT content FROM read_text('/etc/passwd') --"
    p.table(name, [{"Name": "event_id", "Type": "string"}])
    p.query(f'SELECT * FROM "{name.replace(chr(34), chr(34) * 2)}"')
    p.query(f"CREATE EXTERNAL TABLE `{name}` (a int) LOCATION 's3://lake/t2/'")


def case_partition_values(p: Probe) -> None:
    p.query(
        "CREATE EXTERNAL TABLE t1 (event_id STRING) PARTITIONED BY (s STRING, n INT) "
        "STORED AS PARQUET LOCATION 's3://lake/t1/'"
    )
    for value in (READ, f"1') AS n; {p.copy_to}; --"):
        p.put(f"t1/v{len(p.seen)}/f.parquet")
        sd = {"Location": f"s3://lake/t1/v{len(p.seen)}/"}
        p.call(
            p.glue.create_partition,
            DatabaseName="analytics",
            TableName="t1",
            PartitionInput={"Values": [value, value], "StorageDescriptor": sd},
        )
    p.query("SELECT s, n, count(*) FROM t1 GROUP BY 1, 2")
    p.query(f"SELECT * FROM t1 WHERE s = '{READ.replace(chr(39), chr(39) * 2)}'")


def case_projection_settings(p: Probe) -> None:
    p.put("t1/k=a/d=2026-01-01/n=1/f.parquet")
    good = {
        "projection.k.type": "enum",
        "projection.k.values": "a,b",
        "projection.d.type": "date",
        "projection.d.range": "2026-01-01,2026-01-02",
        "projection.d.format": "yyyy-MM-dd",
        "projection.n.type": "integer",
        "projection.n.range": "1,2",
    }
    bad = {
        "projection.k.values": f"a,b{READ}",
        "projection.d.range": f"2026-01-01,NOW{READ}",
        "projection.d.format": f"yyyy-MM-dd'){p.copy_to}--",
        "projection.n.range": f"1,2{READ}",
        "projection.n.type": f"integer{READ}",
        "storage.location.template": f"s3://lake/t1/k=${{k}}{READ}/d=${{d}}/n=${{n}}",
    }
    for i, (key, value) in enumerate(bad.items()):
        settings = good | {key: value}
        props = ", ".join(
            f"'{k}' = '{v.replace(chr(39), chr(39) * 2)}'" for k, v in settings.items()
        )
        p.query(
            f"CREATE EXTERNAL TABLE p{i} (event_id STRING) PARTITIONED BY (k STRING, d STRING, "
            "n INT) STORED AS PARQUET LOCATION 's3://lake/t1/' "
            f"TBLPROPERTIES ('projection.enabled' = 'true', {props})"
        )
        p.query(f"SELECT * FROM p{i} WHERE k = 'a' AND d = '2026-01-01' AND n = 1")
        p.query(f"SELECT k, d, n, count(*) FROM p{i} GROUP BY 1, 2, 3")


def case_serde_properties(p: Probe) -> None:
    p.put("t1/f.csv", b"1,2\n")
    bad = f"'); {p.copy_to}; --"
    for i, params in enumerate(
        (
            {"field.delim": bad},
            {"field.delim": ",", "serialization.null.format": bad},
            {"escape.delim": bad},
        )
    ):
        p.table(
            f"c{i}",
            [{"Name": "a", "Type": "string"}],
            Location="s3://lake/t1/",
            SerdeInfo={
                "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                "Parameters": params,
            },
        )
        p.query(f"SELECT * FROM c{i}")
    for i, key in enumerate(("separatorChar", "quoteChar", "escapeChar")):
        p.table(
            f"o{i}",
            [{"Name": "a", "Type": "string"}],
            Location="s3://lake/t1/",
            SerdeInfo={
                "SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                "Parameters": {key: bad},
            },
        )
        p.query(f"SELECT * FROM o{i}")
    p.table(
        "h1",
        [{"Name": "a", "Type": "string"}],
        Location="s3://lake/t1/",
        SerdeInfo={"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"},
        Parameters={"skip.header.line.count": f"0); {p.copy_to}; --"},
    )
    p.query("SELECT * FROM h1")


def case_location(p: Probe) -> None:
    location = f"s3://lake/x{READ}/{p.target}/"
    p.query(
        f"CREATE EXTERNAL TABLE t1 (a STRING) STORED AS PARQUET "
        f"LOCATION '{location.replace(chr(39), chr(39) * 2)}'"
    )
    p.query("SELECT * FROM t1")
    p.table("t2", [{"Name": "a", "Type": "string"}], Location=f"file://{p.target}")
    p.query("SELECT * FROM t2")


def case_ctas_properties(p: Probe) -> None:
    bad = f"') {p.copy_to} --".replace("'", "''")
    for i, props in enumerate(
        (
            f"format = 'PARQUET{bad}'",
            f"write_compression = 'GZIP{bad}'",
            f"external_location = 's3://lake/c{bad}/'",
            f"format = 'TEXTFILE', field_delimiter = ',{bad}'",
            f"partitioned_by = ARRAY['b\") TO ''{p.target}'' --']",
            f"bucketed_by = ARRAY['a{bad}'], bucket_count = 1",
        )
    ):
        p.query(f"CREATE TABLE c{i} WITH ({props}) AS SELECT 1 AS a, 'x' AS b")


def case_execution_parameters(p: Probe) -> None:
    for params in (
        ["'a' UNION ALL SELECT content FROM read_text('/etc/passwd')"],
        [f"1) AS x; {p.copy_to}; --"],
        ["(SELECT content FROM read_text('/etc/passwd'))"],
        ["read_text('/etc/passwd')"],
        ["1 -- */ , (SELECT 1) /*"],
    ):
        p.query("SELECT ? AS v", ExecutionParameters=params)


def case_unload_target(p: Probe) -> None:
    target = f"s3://lake/u{READ}'{p.target}/".replace("'", "''")
    p.query(f"UNLOAD (SELECT 1 AS a) TO '{target}' WITH (format = 'JSON')")
    fmt = f"PARQUET{READ}".replace("'", "''")
    p.query(f"UNLOAD (SELECT 1 AS a, 'x' AS b) TO 's3://lake/u2/' WITH (format = '{fmt}')")
    p.query(
        "UNLOAD (SELECT 1 AS a, 'x' AS b) TO 's3://lake/u3/' "
        f"WITH (format = 'JSON', partitioned_by = ARRAY['b\") TO ''{p.target}'' --'])"
    )


def case_insert_into_odd_names(p: Probe) -> None:
    name = "x\" , (SELECT string_agg(content, '') FROM read_text('/etc/passwd')) AS \"y"
    p.table(
        "t1",
        [{"Name": name, "Type": "string"}],
        Location="s3://lake/ins/",
        SerdeInfo={"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
    )
    p.query("INSERT INTO t1 SELECT 'v'")
    p.query("SELECT * FROM t1")
    for obj in p.s3.list_objects_v2(Bucket="lake", Prefix="ins/").get("Contents", []):
        body = p.s3.get_object(Bucket="lake", Key=obj["Key"])["Body"].read()
        p.seen.append(gzip.decompress(body).decode() if body[:2] == b"\x1f\x8b" else str(body))


def case_json_keys(p: Probe) -> None:
    key = "a\" FROM read_text('/etc/passwd') --"
    p.put("j/f.json", ('{"' + key.replace('"', '\\"') + '": "v"}\n').encode())
    p.table(
        "j1",
        [{"Name": key, "Type": "string"}],
        Location="s3://lake/j/",
        SerdeInfo={"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
    )
    p.query("SELECT * FROM j1")
    assert "v" in p.seen


def case_msck_repair(p: Probe) -> None:
    p.query(
        "CREATE EXTERNAL TABLE t1 (event_id STRING) PARTITIONED BY (k INT) "
        "STORED AS PARQUET LOCATION 's3://lake/t1/'"
    )
    p.put(f"t1/k=1) AS k; {p.copy_to}; --/f.parquet")
    p.put("t1/k=1'UNION ALL SELECT content FROM read_text('/etc/passwd')--/f.parquet")
    p.query("MSCK REPAIR TABLE t1")
    p.query("SELECT k, count(*) FROM t1 GROUP BY 1")


CASES = [v for k, v in sorted(globals().items()) if k.startswith("case_")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__[5:])
def test_injection_is_refused_or_harmless(
    lake: dict[str, Any], case: Callable[[Probe], None]
) -> None:
    target = Path(f"/tmp/lakestack-injected-{uuid.uuid4().hex}")
    probe = Probe(lake["s3"], lake["glue"], lake["athena"], target)
    case(probe)
    assert not any(HOST_MARKER in text for text in probe.seen), probe.seen
    assert not target.exists(), f"{case.__name__} wrote {target}"
    assert not Path(f"{target}.csv").exists()


def test_glue_type_error_names_the_column(lake: dict[str, Any]) -> None:
    glue = lake["glue"]
    with pytest.raises(ClientError) as info:
        glue.create_table(
            DatabaseName="analytics",
            TableInput={
                "Name": "t",
                "StorageDescriptor": {"Columns": [{"Name": "x", "Type": READ_TYPE}]},
            },
        )
    error = info.value.response["Error"]
    assert error["Code"] == "InvalidInputException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Message"].startswith(
        f"Column 'x' has an unsupported type: {READ_TYPE!r} is not a valid Hive type: "
        "unexpected ')' at position 13"
    )


def test_athena_ddl_bad_type_fails_with_a_reason(lake: dict[str, Any]) -> None:
    q = _run(lake["athena"], "CREATE EXTERNAL TABLE t (x decimal(1,0)) AS y) LOCATION 's3://l/'")
    assert q["Status"]["State"] == "FAILED"
    assert q["Status"]["StateChangeReason"].startswith("SYNTAX_ERROR: line 1:")
    assert "t" not in [
        t["Name"] for t in lake["glue"].get_tables(DatabaseName="analytics")["TableList"]
    ]


def test_valid_glue_types_still_query(lake: dict[str, Any]) -> None:
    s3, glue, athena = lake["s3"], lake["glue"], lake["athena"]
    s3.put_object(Bucket="lake", Key="ok/f.parquet", Body=io.BytesIO(_parquet(3)).read())
    columns = [
        {"Name": "event_id", "Type": "STRING"},
        {"Name": "missing", "Type": " Array < Struct < a : Int , `b c` : Decimal(10, 2) > > "},
    ]
    glue.create_table(
        DatabaseName="analytics",
        TableInput={
            "Name": "ok",
            "StorageDescriptor": {"Columns": columns, "Location": "s3://lake/ok/", **PARQUET},
        },
    )
    q = _run(athena, "SELECT count(*), count(missing) FROM ok")
    assert q["Status"]["State"] == "SUCCEEDED", q["Status"]
    rows = athena.get_query_results(QueryExecutionId=q["QueryExecutionId"])["ResultSet"]["Rows"]
    assert [d["VarCharValue"] for d in rows[1]["Data"]] == ["3", "0"]

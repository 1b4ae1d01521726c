"""Request parsing round trips: botocore's client serializes, our parser must read it back.

botocore is the oracle (STYLE.md §11): each case builds a real client, captures the
request it would send and checks ``create_parser(...).parse`` returns the same params.
"""

from __future__ import annotations

import functools
import io
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config

from lakestack.gateway.http import HttpRequest, RequestBody
from lakestack.gateway.protocols.common import MalformedXML, ProtocolError, UnknownOperation
from lakestack.gateway.protocols.parser import create_parser, s3_bucket_from_host
from lakestack.gateway.specs import load_service_model

T0 = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)


class _Captured(Exception):
    pass


_SEEN: dict[str, Any] = {}


def _stop(request: Any, **_: Any) -> None:
    _SEEN["request"] = request
    raise _Captured


@functools.cache
def _client(service: str, endpoint: str, addressing: str | None) -> Any:
    client = _SESSION.create_client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            retries={"max_attempts": 1},
            request_checksum_calculation="when_required",
            s3={"addressing_style": addressing} if addressing else None,
        ),
    )
    client.meta.events.register("before-send", _stop)
    return client


_SESSION = botocore.session.get_session()


def capture(
    service: str,
    operation: str,
    params: dict[str, Any],
    endpoint: str = "http://127.0.0.1:4566",
    addressing: str | None = None,
) -> HttpRequest:
    """The HttpRequest botocore would send for ``operation(**params)``."""
    client = _client(service, endpoint, addressing)
    with pytest.raises(_Captured):
        getattr(client, xform_name(operation))(**params)
    sent = _SEEN.pop("request")
    url = urlsplit(sent.url)
    body = sent.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = {
        k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in sent.headers.items()
    }
    headers.setdefault("host", url.netloc)
    return HttpRequest(
        sent.method, url.path, url.query, headers, RequestBody(io.BytesIO(body), len(body))
    )


def parse(service: str, operation: str, params: dict[str, Any], **kw: Any) -> dict[str, Any]:
    request = capture(service, operation, params, **kw)
    op, parsed = create_parser(load_service_model(service)).parse(request)
    assert op.name == operation
    return parsed


def assert_subset(expected: dict[str, Any], parsed: dict[str, Any]) -> None:
    """Every param given to botocore comes back equal (botocore may add defaults)."""
    for key, value in expected.items():
        assert parsed.get(key) == value, key


# -- S3 (rest-xml) ----------------------------------------------------------------------


def test_put_object_reads_metadata_checksum_headers_and_passes_body_stream() -> None:
    params = {
        "Bucket": "bucket",
        "Key": "dir/file.txt",
        "Body": b"hello",
        "Metadata": {"Owner": "me", "x": "1"},
        "ContentType": "text/plain",
        "ChecksumCRC32": "NhCmhg==",
        "ChecksumAlgorithm": "CRC32",
        "Expires": T0,
        "Tagging": "a=b",
        "ObjectLockLegalHoldStatus": "ON",
        "BucketKeyEnabled": True,
    }
    request = capture("s3", "PutObject", params)
    op, parsed = create_parser(load_service_model("s3")).parse(request)
    assert op.name == "PutObject"
    assert parsed.pop("Metadata") == {"owner": "me", "x": "1"}
    body = parsed.pop("Body")
    assert body is request.body and body.remaining == 5
    assert body.read() == b"hello"
    params.pop("Metadata"), params.pop("Body")
    assert_subset(params, parsed)
    assert parsed["ContentLength"] == 5


@pytest.mark.parametrize(
    "key",
    [
        "with space",
        "ünïcødé/ключ",
        "percent%2Fencoded%",
        "a//b",
        "/leading",
        "../up/..",
        "x//y",
        "plus+sign&amp=?#",
        "trailing/",
    ],
)
def test_object_keys_are_decoded_exactly_once(key: str) -> None:
    parsed = parse("s3", "GetObject", {"Bucket": "bucket", "Key": key})
    assert parsed["Bucket"] == "bucket"
    assert parsed["Key"] == key


def test_raw_paths_with_double_slashes_split_bucket_and_key() -> None:
    parser = create_parser(load_service_model("s3"))
    op, parsed = parser.parse(HttpRequest("GET", "/bucket//leading", headers={"host": "x"}))
    assert (op.name, parsed["Key"]) == ("GetObject", "/leading")
    op, parsed = parser.parse(HttpRequest("GET", "/bucket/x//y"))
    assert parsed["Key"] == "x//y"


def test_get_object_reads_range_and_conditional_headers() -> None:
    params = {
        "Bucket": "b",
        "Key": "k",
        "Range": "bytes=0-9",
        "IfMatch": '"etag"',
        "IfModifiedSince": T0,
        "IfNoneMatch": "*",
        "IfUnmodifiedSince": T0,
        "VersionId": "v1",
        "PartNumber": 2,
        "ResponseContentType": "text/csv",
        "ResponseExpires": T0,
    }
    assert_subset(params, parse("s3", "GetObject", params))


def test_copy_object_is_selected_by_copy_source_header() -> None:
    params = {
        "Bucket": "b",
        "Key": "k",
        "CopySource": "src/key%20x",
        "MetadataDirective": "REPLACE",
        "Metadata": {"a": "1"},
        "CopySourceIfModifiedSince": T0,
    }
    parsed = parse("s3", "CopyObject", params)
    assert parsed["Metadata"] == {"a": "1"}
    assert parsed["CopySourceIfModifiedSince"] == T0
    assert parsed["MetadataDirective"] == "REPLACE"


def test_upload_part_and_upload_part_copy_are_told_apart() -> None:
    part = parse(
        "s3",
        "UploadPart",
        {"Bucket": "b", "Key": "k", "PartNumber": 3, "UploadId": "u1", "Body": b"data"},
    )
    assert (part["PartNumber"], part["UploadId"]) == (3, "u1")
    assert part["Body"].read() == b"data"
    copy = parse(
        "s3",
        "UploadPartCopy",
        {
            "Bucket": "b",
            "Key": "k",
            "PartNumber": 1,
            "UploadId": "u1",
            "CopySource": "s/k",
            "CopySourceRange": "bytes=0-4",
        },
    )
    assert copy["CopySourceRange"] == "bytes=0-4"


def test_multipart_lifecycle_operations_match_by_query() -> None:
    assert parse("s3", "CreateMultipartUpload", {"Bucket": "b", "Key": "k"})["Key"] == "k"
    parsed = parse(
        "s3",
        "CompleteMultipartUpload",
        {
            "Bucket": "b",
            "Key": "k",
            "UploadId": "u",
            "MultipartUpload": {
                "Parts": [
                    {"ETag": '"e1"', "PartNumber": 1},
                    {"ETag": '"e2"', "PartNumber": 2, "ChecksumCRC32": "AAAAAA=="},
                ]
            },
        },
    )
    assert parsed["MultipartUpload"]["Parts"][1] == {
        "ETag": '"e2"',
        "PartNumber": 2,
        "ChecksumCRC32": "AAAAAA==",
    }
    assert parse("s3", "ListParts", {"Bucket": "b", "Key": "k", "UploadId": "u"})["UploadId"]
    assert parse("s3", "AbortMultipartUpload", {"Bucket": "b", "Key": "k", "UploadId": "u"})
    assert parse("s3", "ListMultipartUploads", {"Bucket": "b", "MaxUploads": 7})["MaxUploads"] == 7


def test_delete_objects_reads_flattened_list_and_boolean() -> None:
    delete = {"Objects": [{"Key": "a"}, {"Key": "b <&>", "VersionId": "v"}], "Quiet": True}
    assert parse("s3", "DeleteObjects", {"Bucket": "b", "Delete": delete})["Delete"] == delete


def test_put_bucket_tagging_and_notification_configuration() -> None:
    tagging = {"TagSet": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": ""}]}
    assert (
        parse("s3", "PutBucketTagging", {"Bucket": "b", "Tagging": tagging})["Tagging"] == tagging
    )
    notification = {
        "QueueConfigurations": [
            {
                "Id": "q",
                "QueueArn": "arn:aws:sqs:us-east-1:000000000000:q",
                "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}},
            }
        ],
        "TopicConfigurations": [{"TopicArn": "arn:t", "Events": ["s3:ObjectCreated:Put"]}],
        "EventBridgeConfiguration": {},
    }
    parsed = parse(
        "s3",
        "PutBucketNotificationConfiguration",
        {"Bucket": "b", "NotificationConfiguration": notification},
    )
    assert parsed["NotificationConfiguration"] == notification


def test_put_bucket_lifecycle_configuration_reads_timestamps_and_integers() -> None:
    config = {
        "Rules": [
            {
                "ID": "r1",
                "Status": "Enabled",
                "Filter": {"Prefix": "logs/"},
                "Expiration": {"Days": 30},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 7},
                "Transitions": [
                    {"Date": datetime(2025, 1, 1, tzinfo=UTC), "StorageClass": "GLACIER"}
                ],
            },
            {
                "ID": "r2",
                "Status": "Disabled",
                "Filter": {
                    "And": {
                        "Prefix": "p",
                        "Tags": [{"Key": "a", "Value": "b"}],
                        "ObjectSizeGreaterThan": 10,
                    }
                },
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2},
            },
        ]
    }
    parsed = parse(
        "s3", "PutBucketLifecycleConfiguration", {"Bucket": "b", "LifecycleConfiguration": config}
    )
    assert parsed["LifecycleConfiguration"] == config


def test_put_bucket_cors_and_policy_payloads() -> None:
    cors = {
        "CORSRules": [
            {
                "AllowedMethods": ["GET", "PUT"],
                "AllowedOrigins": ["*"],
                "MaxAgeSeconds": 300,
                "ExposeHeaders": ["ETag"],
            }
        ]
    }
    assert (
        parse("s3", "PutBucketCors", {"Bucket": "b", "CORSConfiguration": cors})[
            "CORSConfiguration"
        ]
        == cors
    )
    policy = '{"Version": "2012-10-17", "Statement": []}'
    assert parse("s3", "PutBucketPolicy", {"Bucket": "b", "Policy": policy})["Policy"] == policy


def test_create_bucket_with_configuration_and_acl_header() -> None:
    params = {
        "Bucket": "b",
        "ACL": "private",
        "ObjectLockEnabledForBucket": True,
        "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
    }
    assert_subset(params, parse("s3", "CreateBucket", params))
    assert "CreateBucketConfiguration" not in parse("s3", "CreateBucket", {"Bucket": "b"})


def test_list_objects_v2_reads_query_members() -> None:
    params = {
        "Bucket": "b",
        "Prefix": "a/",
        "Delimiter": "/",
        "MaxKeys": 1000,
        "ContinuationToken": "tok==",
        "StartAfter": "a/x",
        "FetchOwner": True,
    }
    assert_subset(params, parse("s3", "ListObjectsV2", params))
    assert parse("s3", "ListObjects", {"Bucket": "b", "Marker": "m"})["Marker"] == "m"
    assert parse("s3", "ListObjectVersions", {"Bucket": "b"})["Bucket"] == "b"
    assert parse("s3", "ListBuckets", {}) == {}


@pytest.mark.parametrize(
    "operation",
    [
        "GetBucketVersioning",
        "GetBucketLocation",
        "GetBucketTagging",
        "GetBucketPolicy",
        "GetBucketLifecycleConfiguration",
        "GetBucketNotificationConfiguration",
        "HeadBucket",
        "DeleteBucket",
        "GetBucketAcl",
        "GetBucketCors",
    ],
)
def test_bucket_subresource_operations_route_by_query_key(operation: str) -> None:
    assert parse("s3", operation, {"Bucket": "bucket"})["Bucket"] == "bucket"


def test_virtual_host_addressing_takes_bucket_from_host() -> None:
    parsed = parse(
        "s3",
        "GetObject",
        {"Bucket": "my.dotted.bucket", "Key": "/lead//x y"},
        endpoint="http://localhost:4566",
        addressing="virtual",
    )
    assert (parsed["Bucket"], parsed["Key"]) == ("my.dotted.bucket", "/lead//x y")
    parsed = parse(
        "s3",
        "ListObjectsV2",
        {"Bucket": "vb"},
        endpoint="http://localhost:4566",
        addressing="virtual",
    )
    assert parsed["Bucket"] == "vb"


@pytest.mark.parametrize(
    ("host", "bucket"),
    [
        ("b.localhost", "b"),
        ("b.localhost:4566", "b"),
        ("b.s3.localhost:4566", "b"),
        ("my.b.s3.amazonaws.com", "my.b"),
        ("b.s3.eu-west-1.amazonaws.com", "b"),
        ("localhost:4566", None),
        ("127.0.0.1:4566", None),
        ("s3.amazonaws.com", None),
        ("s3.us-east-1.amazonaws.com", None),
        ("s3.localhost", None),
        ("[::1]:4566", None),
    ],
)
def test_s3_bucket_from_host(host: str, bucket: str | None) -> None:
    assert s3_bucket_from_host(host) == bucket


def test_virtual_host_request_with_raw_path() -> None:
    parser = create_parser(load_service_model("s3"))
    op, parsed = parser.parse(HttpRequest("PUT", "/a%2Fb", headers={"host": "bk.s3.localhost"}))
    assert (op.name, parsed["Bucket"], parsed["Key"]) == ("PutObject", "bk", "a/b")
    op, parsed = parser.parse(
        HttpRequest("GET", "/", "versioning", headers={"host": "bk.localhost:4566"})
    )
    assert (op.name, parsed) == ("GetBucketVersioning", {"Bucket": "bk"})


# -- json protocol ---------------------------------------------------------------------


def test_glue_create_table_reads_nested_storage_descriptor() -> None:
    table = {
        "Name": "events",
        "Description": "d",
        "Retention": 0,
        "TableType": "EXTERNAL_TABLE",
        "LastAccessTime": T0,
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "ts", "Type": "timestamp"}],
            "Location": "s3://b/events/",
            "Compressed": False,
            "NumberOfBuckets": -1,
            "SerdeInfo": {"SerializationLibrary": "x", "Parameters": {"field.delim": ","}},
            "SortColumns": [{"Column": "id", "SortOrder": 1}],
            "SkewedInfo": {"SkewedColumnNames": ["id"], "SkewedColumnValueLocationMaps": {}},
        },
        "PartitionKeys": [{"Name": "dt", "Type": "string"}],
        "Parameters": {"classification": "parquet", "projection.enabled": "true"},
    }
    parsed = parse("glue", "CreateTable", {"DatabaseName": "db", "TableInput": table})
    assert parsed == {"DatabaseName": "db", "TableInput": table}


def test_glue_get_partitions_reads_integers_and_nested_segments() -> None:
    params = {
        "DatabaseName": "db",
        "TableName": "t",
        "Expression": "dt > '2024'",
        "MaxResults": 50,
        "Segment": {"SegmentNumber": 0, "TotalSegments": 2},
        "ExcludeColumnSchema": True,
        "QueryAsOfTime": T0,
    }
    assert parse("glue", "GetPartitions", params) == params


def test_athena_start_query_execution() -> None:
    params = {
        "QueryString": "SELECT 1",
        "ClientRequestToken": "t" * 32,
        "QueryExecutionContext": {"Database": "db", "Catalog": "AwsDataCatalog"},
        "ResultConfiguration": {"OutputLocation": "s3://b/out/"},
        "WorkGroup": "primary",
        "ExecutionParameters": ["1", "'a'"],
        "ResultReuseConfiguration": {
            "ResultReuseByAgeConfiguration": {"Enabled": True, "MaxAgeInMinutes": 5}
        },
    }
    assert parse("athena", "StartQueryExecution", params) == params


def test_stepfunctions_start_execution_and_json_1_0() -> None:
    params = {
        "stateMachineArn": "arn:aws:states:us-east-1:0:stateMachine:s",
        "name": "n",
        "input": '{"a": 1}',
    }
    assert parse("stepfunctions", "StartExecution", params) == params


def test_sqs_json_reads_maps_lists_and_blobs() -> None:
    params = {
        "QueueUrl": "http://q",
        "MessageBody": "hi",
        "DelaySeconds": 1,
        "MessageAttributes": {
            "s": {"DataType": "String", "StringValue": "v"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
            "l": {"DataType": "String", "StringListValues": ["x"]},
        },
    }
    assert parse("sqs", "SendMessage", params) == params
    attrs = {"QueueUrl": "http://q", "Attributes": {"VisibilityTimeout": "30"}}
    assert parse("sqs", "SetQueueAttributes", attrs) == attrs


# -- rest-json -------------------------------------------------------------------------


def test_lambda_create_function_reads_body_blob_and_nested_members() -> None:
    params = {
        "FunctionName": "f",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::0:role/r",
        "Handler": "app.handler",
        "Code": {"ZipFile": b"PK\x03\x04zip"},
        "Timeout": 30,
        "MemorySize": 256,
        "Publish": True,
        "Environment": {"Variables": {"A": "1"}},
        "Architectures": ["arm64"],
        "Tags": {"team": "data"},
    }
    assert parse("lambda", "CreateFunction", params) == params


def test_lambda_invoke_reads_blob_payload_label_headers_and_query() -> None:
    params = {
        "FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f",
        "InvocationType": "Event",
        "LogType": "Tail",
        "Payload": b'{"k": "v"}',
        "Qualifier": "$LATEST",
        "ClientContext": "eyJ9",
    }
    assert parse("lambda", "Invoke", params) == params


def test_lambda_list_functions_reads_query_params() -> None:
    params = {"MaxItems": 10, "Marker": "m", "FunctionVersion": "ALL"}
    assert parse("lambda", "ListFunctions", params) == params
    assert parse("lambda", "GetFunction", {"FunctionName": "f", "Qualifier": "1"}) == {
        "FunctionName": "f",
        "Qualifier": "1",
    }


# -- query protocol --------------------------------------------------------------------


def test_sns_publish_reads_entry_maps_and_blobs() -> None:
    params = {
        "TopicArn": "arn:aws:sns:us-east-1:0:t",
        "Message": "héllo & bye",
        "Subject": "s",
        "MessageStructure": "json",
        "MessageAttributes": {
            "a": {"DataType": "String", "StringValue": "v"},
            "b": {"DataType": "Binary", "BinaryValue": b"\xff\x00"},
        },
    }
    assert parse("sns", "Publish", params) == params


def test_sns_member_lists_and_empty_lists() -> None:
    params = {
        "Name": "t",
        "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}],
        "Attributes": {"DisplayName": "x"},
    }
    assert parse("sns", "CreateTopic", params) == params
    entries = {
        "TopicArn": "arn",
        "PublishBatchRequestEntries": [
            {"Id": "1", "Message": "m1"},
            {"Id": "2", "Message": "m2", "MessageGroupId": "g"},
        ],
    }
    assert parse("sns", "PublishBatch", entries) == entries


def test_redshift_reads_named_member_lists_booleans_and_timestamps() -> None:
    params = {
        "ClusterIdentifier": "c",
        "NodeType": "dc2.large",
        "MasterUsername": "u",
        "MasterUserPassword": "Passw0rd!",
        "NumberOfNodes": 2,
        "Encrypted": True,
        "VpcSecurityGroupIds": ["sg-1", "sg-2"],
        "ClusterSecurityGroups": ["a"],
        "Tags": [{"Key": "k", "Value": "v"}],
    }
    assert parse("redshift", "CreateCluster", params) == params
    events = {"SourceType": "cluster", "StartTime": T0, "EndTime": T0, "MaxRecords": 20}
    assert parse("redshift", "DescribeEvents", events) == events


def test_sts_assume_role_reads_policy_arn_list_and_ints() -> None:
    params = {
        "RoleArn": "arn:aws:iam::0:role/r",
        "RoleSessionName": "sess",
        "DurationSeconds": 900,
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/p"}],
        "Tags": [{"Key": "k", "Value": "v"}],
        "TransitiveTagKeys": ["k"],
    }
    assert parse("sts", "AssumeRole", params) == params
    assert parse("sts", "GetCallerIdentity", {}) == {}


def test_sqs_query_protocol_reads_flattened_attribute_maps() -> None:
    body = (
        b"Action=SetQueueAttributes&QueueUrl=http%3A%2F%2Fq&Attribute.1.Name=Policy"
        b"&Attribute.1.Value=%7B%7D&Attribute.2.Name=DelaySeconds&Attribute.2.Value=5"
    )
    request = HttpRequest("POST", "/", headers={}, body=RequestBody(io.BytesIO(body), len(body)))
    op, parsed = create_parser(load_service_model("sqs"), "query").parse(request)
    assert op.name == "SetQueueAttributes"
    assert parsed == {"QueueUrl": "http://q", "Attributes": {"Policy": "{}", "DelaySeconds": "5"}}


def test_query_get_request_reads_query_string() -> None:
    request = HttpRequest("GET", "/", "Action=ListTopics&NextToken=abc")
    op, parsed = create_parser(load_service_model("sns")).parse(request)
    assert (op.name, parsed) == ("ListTopics", {"NextToken": "abc"})


# -- bad input -------------------------------------------------------------------------


def _body(data: bytes) -> RequestBody:
    return RequestBody(io.BytesIO(data), len(data))


def test_json_malformed_body_raises_serialization_exception() -> None:
    request = HttpRequest(
        "POST", "/", headers={"x-amz-target": "AWSGlue.GetTable"}, body=_body(b"{not json")
    )
    with pytest.raises(ProtocolError) as info:
        create_parser(load_service_model("glue")).parse(request)
    assert info.value.code == "SerializationException"


def test_json_wrong_member_type_raises_serialization_exception() -> None:
    request = HttpRequest(
        "POST",
        "/",
        headers={"x-amz-target": "AWSGlue.GetTable"},
        body=_body(b'{"DatabaseName": "d", "CatalogId": "c", "QueryAsOfTime": {"x": 1}}'),
    )
    with pytest.raises(ProtocolError) as info:
        create_parser(load_service_model("glue")).parse(request)
    assert info.value.code == "SerializationException"


def test_json_missing_or_unknown_target_raises_unknown_operation() -> None:
    parser = create_parser(load_service_model("glue"))
    with pytest.raises(UnknownOperation) as info:
        parser.parse(HttpRequest("POST", "/", body=_body(b"{}")))
    assert info.value.code == "UnknownOperationException"
    with pytest.raises(UnknownOperation):
        parser.parse(HttpRequest("POST", "/", headers={"x-amz-target": "AWSGlue.Nope"}))
    with pytest.raises(UnknownOperation):
        parser.parse(HttpRequest("POST", "/", headers={"x-amz-target": "Other.GetTable"}))


def test_s3_malformed_xml_raises_malformed_xml() -> None:
    request = HttpRequest("PUT", "/b", "tagging", body=_body(b"<Tagging><TagSet>"))
    with pytest.raises(MalformedXML) as info:
        create_parser(load_service_model("s3")).parse(request)
    assert info.value.code == "MalformedXML"


def test_rest_path_matching_nothing_raises_unknown_operation() -> None:
    with pytest.raises(UnknownOperation):
        create_parser(load_service_model("lambda")).parse(HttpRequest("GET", "/nope/x"))
    with pytest.raises(UnknownOperation):
        create_parser(load_service_model("s3")).parse(HttpRequest("PATCH", "/b/k"))


def test_query_unknown_or_missing_action_raises_unknown_operation() -> None:
    parser = create_parser(load_service_model("sns"))
    with pytest.raises(UnknownOperation) as info:
        parser.parse(HttpRequest("POST", "/", body=_body(b"Action=Nope")))
    assert info.value.code == "InvalidAction"
    with pytest.raises(UnknownOperation) as info:
        parser.parse(HttpRequest("POST", "/", body=_body(b"TopicArn=x")))
    assert info.value.code == "MissingAction"


def test_invalid_scalar_values_raise_protocol_errors() -> None:
    with pytest.raises(ProtocolError) as info:
        create_parser(load_service_model("s3")).parse(
            HttpRequest("GET", "/b", "list-type=2&max-keys=many")
        )
    assert info.value.code == "InvalidArgument"
    with pytest.raises(ProtocolError) as info:
        create_parser(load_service_model("redshift")).parse(
            HttpRequest("GET", "/", "Action=DescribeClusters&MaxRecords=x")
        )
    assert info.value.code == "InvalidParameterValue"


def test_put_bucket_acl_reads_xml_attributes() -> None:
    policy = {
        "Grants": [
            {"Grantee": {"ID": "o", "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"URI": "http://acs/AllUsers", "Type": "Group"}, "Permission": "READ"},
        ],
        "Owner": {"ID": "o"},
    }
    parsed = parse("s3", "PutBucketAcl", {"Bucket": "b", "AccessControlPolicy": policy})
    assert parsed["AccessControlPolicy"] == policy

"""Response serialization round trips: we serialize, botocore's parser must read it back.

botocore is the oracle (STYLE.md §11) for outputs and for errors (code, message,
HTTP status, request id).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import botocore.parsers
import pytest
from botocore.awsrequest import HeadersDict
from botocore.handlers import parse_get_bucket_location
from botocore.response import StreamingBody

from lakestack.gateway.http import FileRange, HttpResponse, StreamPayload
from lakestack.gateway.protocols.common import ErrorDetails
from lakestack.gateway.protocols.serializer import create_serializer
from lakestack.gateway.protocols.values import xml_escape
from lakestack.gateway.specs import load_service_model

T0 = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
T1 = datetime(2024, 2, 3, 4, 5, 6, 250000, tzinfo=UTC)
REQUEST_ID = "4442587FB7D0A2F9"


def _body_bytes(response: HttpResponse) -> bytes:
    body = response.body
    if isinstance(body, bytes):
        return body
    if isinstance(body, FileRange):
        return b"".join(body.chunks())
    return b"".join(body.chunks)


def botocore_read(
    service: str,
    operation: str | None,
    response: HttpResponse,
    error: bool = False,
    protocol: str | None = None,
) -> dict[str, Any]:
    model = load_service_model(service)
    op = model.operation_model(operation) if operation else None
    body: Any = _body_bytes(response)
    shape = None if error or op is None else op.output_shape
    if shape is not None and op is not None and op.has_streaming_output:
        body = StreamingBody(io.BytesIO(body), len(body))
    parser = botocore.parsers.create_parser(protocol or model.protocol)
    return parser.parse(
        {"status_code": response.status, "headers": HeadersDict(response.headers), "body": body},
        shape,
    )


def roundtrip(
    service: str, operation: str, output: dict[str, Any], protocol: str | None = None
) -> tuple[HttpResponse, dict[str, Any]]:
    model = load_service_model(service)
    response = create_serializer(model, protocol).serialize_response(
        model.operation_model(operation), output, REQUEST_ID
    )
    parsed = botocore_read(service, operation, response, protocol=protocol)
    assert parsed.pop("ResponseMetadata")["RequestId"] == REQUEST_ID
    return response, parsed


def serialize_error(
    service: str, operation: str | None, error: ErrorDetails, protocol: str | None = None
) -> tuple[HttpResponse, dict[str, Any]]:
    model = load_service_model(service)
    op = model.operation_model(operation) if operation else None
    response = create_serializer(model, protocol).serialize_error(op, error, REQUEST_ID)
    return response, botocore_read(service, operation, response, error=True, protocol=protocol)


# -- S3 (rest-xml) ----------------------------------------------------------------------


def _object(i: int) -> dict[str, Any]:
    return {
        "Key": f"data/part-{i:05d} & <x>.parquet",
        "LastModified": T1,
        "ETag": f'"{i:032x}"',
        "Size": i * 1024,
        "StorageClass": "STANDARD",
        "Owner": {"ID": "abc", "DisplayName": "me"},
        "ChecksumAlgorithm": ["CRC32"],
    }


def test_list_objects_v2_round_trips_contents_prefixes_and_flags() -> None:
    output = {
        "IsTruncated": True,
        "Name": "bucket",
        "Prefix": "data/",
        "Delimiter": "/",
        "MaxKeys": 1000,
        "KeyCount": 3,
        "NextContinuationToken": "tok",
        "EncodingType": "url",
        "Contents": [_object(i) for i in range(2)],
        "CommonPrefixes": [{"Prefix": "data/sub/"}],
    }
    response, parsed = roundtrip("s3", "ListObjectsV2", output)
    assert parsed == output
    body = _body_bytes(response)
    assert body.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult '
        b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    )
    assert response.header("Content-Type") == "application/xml"
    assert response.header("x-amz-id-2")


def test_list_objects_v2_drops_non_members() -> None:
    response, parsed = roundtrip(
        "s3",
        "ListObjectsV2",
        {"Name": "b", "Secret": "x", "Contents": [{"Key": "k", "Internal": 1}]},
    )
    assert parsed == {"Name": "b", "Contents": [{"Key": "k"}]}
    assert b"Secret" not in _body_bytes(response) and b"Internal" not in _body_bytes(response)


def test_list_object_versions_round_trips_versions_and_delete_markers() -> None:
    output = {
        "Name": "b",
        "IsTruncated": False,
        "KeyMarker": "",
        "VersionIdMarker": "",
        "Versions": [
            {
                "Key": "k",
                "VersionId": "v2",
                "IsLatest": True,
                "LastModified": T0,
                "ETag": '"e"',
                "Size": 3,
                "StorageClass": "STANDARD",
            }
        ],
        "DeleteMarkers": [
            {
                "Key": "k",
                "VersionId": "v3",
                "IsLatest": False,
                "LastModified": T0,
                "Owner": {"ID": "o"},
            }
        ],
    }
    assert roundtrip("s3", "ListObjectVersions", output)[1] == output


def test_list_multipart_uploads_round_trips() -> None:
    output = {
        "Bucket": "b",
        "KeyMarker": "",
        "UploadIdMarker": "",
        "MaxUploads": 1000,
        "IsTruncated": False,
        "Uploads": [
            {
                "UploadId": "u1",
                "Key": "k",
                "Initiated": T0,
                "StorageClass": "STANDARD",
                "Initiator": {"ID": "i", "DisplayName": "d"},
            }
        ],
    }
    assert roundtrip("s3", "ListMultipartUploads", output)[1] == output


def test_get_object_headers_metadata_and_streaming_body() -> None:
    output = {
        "Body": b"0123456789",
        "ContentLength": 10,
        "ContentType": "text/plain",
        "ETag": '"abc"',
        "LastModified": T0,
        "Metadata": {"owner": "me", "k2": "v"},
        "AcceptRanges": "bytes",
        "VersionId": "v1",
        "ChecksumCRC32": "AAAAAA==",
        "TagCount": 2,
        "DeleteMarker": False,
        "Expires": T0,
        "CacheControl": "no-cache",
        "ObjectLockRetainUntilDate": T0,
    }
    response, parsed = roundtrip("s3", "GetObject", output)
    assert parsed.pop("Body").read() == b"0123456789"
    parsed.pop("ExpiresString", None)
    expected = dict(output)
    expected.pop("Body")
    assert parsed == expected
    assert response.status == 200
    assert response.header("Content-Length") == "10"
    assert response.header("Last-Modified") == "Sat, 03 Feb 2024 04:05:06 GMT"


def test_get_object_ranged_is_206_and_passes_file_range_through(tmp_path: Any) -> None:
    path = tmp_path / "blob"
    path.write_bytes(b"abcdefghij")
    payload = FileRange(str(path), 2, 3)
    model = load_service_model("s3")
    response = create_serializer(model).serialize_response(
        model.operation_model("GetObject"),
        {"Body": payload, "ContentLength": 3, "ContentRange": "bytes 2-4/10"},
        REQUEST_ID,
    )
    assert response.status == 206
    assert response.body is payload
    assert botocore_read("s3", "GetObject", response)["Body"].read() == b"cde"


def test_get_object_stream_payload_is_passed_through() -> None:
    stream = StreamPayload(iter([b"ab", b"cd"]), 4)
    model = load_service_model("s3")
    response = create_serializer(model).serialize_response(
        model.operation_model("GetObject"), {"Body": stream, "ContentLength": 4}, REQUEST_ID
    )
    assert response.body is stream
    assert response.header("Content-Length") == "4"


def test_head_object_has_headers_and_no_body() -> None:
    output = {
        "ContentLength": 1234,
        "ETag": '"e"',
        "LastModified": T0,
        "ContentType": "a/b",
        "Metadata": {"x": "y"},
        "ServerSideEncryption": "AES256",
        "PartsCount": 3,
        "Restore": 'ongoing-request="false"',
        "ObjectLockLegalHoldStatus": "OFF",
    }
    response, parsed = roundtrip("s3", "HeadObject", output)
    parsed.pop("ExpiresString", None)
    assert parsed == output
    assert response.body == b""
    assert response.header("Content-Length") == "1234"


def test_put_object_and_copy_object_outputs() -> None:
    assert roundtrip(
        "s3", "PutObject", {"ETag": '"e"', "VersionId": "v", "ChecksumCRC32": "AAAAAA=="}
    )[1] == {"ETag": '"e"', "VersionId": "v", "ChecksumCRC32": "AAAAAA=="}
    output = {"CopyObjectResult": {"ETag": '"e"', "LastModified": T0}, "VersionId": "v"}
    response, parsed = roundtrip("s3", "CopyObject", output)
    assert parsed == output
    assert b"<CopyObjectResult xmlns=" in _body_bytes(response)


def test_bucket_configuration_outputs() -> None:
    tagging = {"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]}
    response, parsed = roundtrip("s3", "GetBucketTagging", tagging)
    assert parsed == tagging
    assert b"<Tagging xmlns=" in _body_bytes(response)
    versioning = {"Status": "Enabled", "MFADelete": "Disabled"}
    assert roundtrip("s3", "GetBucketVersioning", versioning)[1] == versioning
    policy = '{"Version":"2012-10-17"}'
    assert roundtrip("s3", "GetBucketPolicy", {"Policy": policy})[1] == {"Policy": policy}
    buckets = {
        "Buckets": [{"Name": "a", "CreationDate": T0, "BucketRegion": "us-east-1"}],
        "Owner": {"ID": "o", "DisplayName": "d"},
    }
    assert roundtrip("s3", "ListBuckets", buckets)[1] == buckets
    deleted = {
        "Deleted": [{"Key": "a", "VersionId": "v"}],
        "Errors": [{"Key": "b", "Code": "AccessDenied", "Message": "no"}],
    }
    assert roundtrip("s3", "DeleteObjects", deleted)[1] == deleted
    upload = {"Bucket": "b", "Key": "k", "UploadId": "u"}
    assert roundtrip("s3", "CreateMultipartUpload", upload)[1] == upload


def test_get_bucket_acl_writes_xsi_type_attribute() -> None:
    output = {
        "Owner": {"ID": "o"},
        "Grants": [
            {"Grantee": {"ID": "o", "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {
                "Grantee": {
                    "URI": "http://acs.amazonaws.com/groups/global/AllUsers",
                    "Type": "Group",
                },
                "Permission": "READ",
            },
        ],
    }
    response, parsed = roundtrip("s3", "GetBucketAcl", output)
    assert parsed == output
    assert b'xsi:type="CanonicalUser"' in _body_bytes(response)


def test_get_bucket_lifecycle_and_notification_configuration() -> None:
    lifecycle = {
        "Rules": [
            {
                "ID": "r",
                "Status": "Enabled",
                "Filter": {"Prefix": "p"},
                "Expiration": {"Days": 3, "ExpiredObjectDeleteMarker": True},
            }
        ]
    }
    assert roundtrip("s3", "GetBucketLifecycleConfiguration", lifecycle)[1] == lifecycle
    notification = {
        "QueueConfigurations": [{"Id": "q", "QueueArn": "arn:q", "Events": ["s3:ObjectCreated:*"]}]
    }
    assert roundtrip("s3", "GetBucketNotificationConfiguration", notification)[1] == notification


@pytest.mark.parametrize(("region", "expected"), [("eu-west-1", "eu-west-1"), (None, None)])
def test_get_bucket_location_quirk(region: str | None, expected: str | None) -> None:
    model = load_service_model("s3")
    response = create_serializer(model).serialize_response(
        model.operation_model("GetBucketLocation"), {"LocationConstraint": region}, REQUEST_ID
    )
    body = _body_bytes(response)
    ns = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    if region:
        assert body.endswith(b"<LocationConstraint " + ns + b">eu-west-1</LocationConstraint>")
    else:
        assert body.endswith(b"<LocationConstraint " + ns + b"/>")
    # botocore reads this body with a dedicated handler, not the generic parser.
    parsed: dict[str, Any] = {}
    http = type("R", (), {"content": body, "raw": b""})()
    parse_get_bucket_location(parsed, http)
    assert parsed["LocationConstraint"] == expected


def test_s3_error_envelope_with_extra_fields() -> None:
    error = ErrorDetails(
        "NoSuchKey",
        "The specified key does not exist.",
        404,
        fields={"Key": "a/b", "BucketName": "bk"},
    )
    response, parsed = serialize_error("s3", "GetObject", error)
    assert response.status == 404
    assert parsed["Error"] == {
        "Code": "NoSuchKey",
        "Message": "The specified key does not exist.",
        "Key": "a/b",
        "BucketName": "bk",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert parsed["ResponseMetadata"]["HostId"]
    assert _body_bytes(response).startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error>')


def test_s3_head_error_has_no_body() -> None:
    response, parsed = serialize_error("s3", "HeadObject", ErrorDetails("NoSuchKey", "x", 404))
    assert response.body == b""
    assert parsed["Error"]["Code"] == "404"
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_s3_error_without_operation() -> None:
    response, parsed = serialize_error("s3", None, ErrorDetails("MethodNotAllowed", "m", 405))
    assert (parsed["Error"]["Code"], response.status) == ("MethodNotAllowed", 405)


# -- json -----------------------------------------------------------------------------


def test_glue_get_table_round_trips_nested_shapes_and_timestamps() -> None:
    output = {
        "Table": {
            "Name": "t",
            "DatabaseName": "db",
            "CreateTime": T1,
            "UpdateTime": T0,
            "Retention": 0,
            "StorageDescriptor": {
                "Columns": [{"Name": "a", "Type": "int", "Parameters": {"x": "y"}}],
                "Location": "s3://b/t/",
                "Compressed": False,
                "NumberOfBuckets": -1,
                "SerdeInfo": {"SerializationLibrary": "lib", "Parameters": {"k": "v"}},
                "StoredAsSubDirectories": False,
            },
            "PartitionKeys": [{"Name": "dt", "Type": "string"}],
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "csv"},
            "IsRegisteredWithLakeFormation": False,
            "VersionId": "1",
        }
    }
    response, parsed = roundtrip("glue", "GetTable", output)
    assert parsed == output
    assert response.header("Content-Type") == "application/x-amz-json-1.1"


def test_athena_get_query_results_round_trips_rows_and_longs() -> None:
    output = {
        "UpdateCount": 0,
        "NextToken": "n",
        "ResultSet": {
            "Rows": [{"Data": [{"VarCharValue": "a"}, {}]}, {"Data": [{"VarCharValue": "1"}]}],
            "ResultSetMetadata": {
                "ColumnInfo": [
                    {
                        "Name": "a",
                        "Type": "varchar",
                        "Precision": 2147483647,
                        "Scale": 0,
                        "Nullable": "UNKNOWN",
                        "CaseSensitive": True,
                    }
                ]
            },
        },
    }
    assert roundtrip("athena", "GetQueryResults", output)[1] == output


def test_stepfunctions_describe_execution_json_1_0() -> None:
    output = {
        "executionArn": "arn:e",
        "stateMachineArn": "arn:s",
        "status": "SUCCEEDED",
        "startDate": T1,
        "stopDate": T0,
        "output": '{"x": 1}',
    }
    response, parsed = roundtrip("stepfunctions", "DescribeExecution", output)
    assert parsed == output
    assert response.header("Content-Type") == "application/x-amz-json-1.0"


def test_sqs_receive_message_round_trips_maps_and_blobs() -> None:
    output = {
        "Messages": [
            {
                "MessageId": "m",
                "ReceiptHandle": "r",
                "MD5OfBody": "x",
                "Body": "hi",
                "Attributes": {"SentTimestamp": "1", "ApproximateReceiveCount": "1"},
                "MessageAttributes": {
                    "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
                    "s": {"DataType": "String", "StringValue": "v"},
                },
            }
        ]
    }
    assert roundtrip("sqs", "ReceiveMessage", output)[1] == output


def test_sqs_query_protocol_responses_use_query_names() -> None:
    output = {"Messages": [{"MessageId": "m", "Body": "b", "Attributes": {"SenderId": "s"}}]}
    response, parsed = roundtrip("sqs", "ReceiveMessage", output, protocol="query")
    body = _body_bytes(response)
    assert b"<Message><MessageId>m</MessageId>" in body
    assert b"<Attribute><Name>SenderId</Name><Value>s</Value></Attribute>" in body
    response = create_serializer(load_service_model("sqs"), "query").serialize_response(
        load_service_model("sqs").operation_model("GetQueueUrl"), {"QueueUrl": "u"}, "r"
    )
    assert b"<GetQueueUrlResult><QueueUrl>u</QueueUrl></GetQueueUrlResult>" in response.body


def test_json_error_has_type_message_status_and_request_id() -> None:
    error = ErrorDetails("EntityNotFoundException", "Table t not found", 400)
    response, parsed = serialize_error("glue", "GetTable", error)
    assert parsed["Error"] == {"Code": "EntityNotFoundException", "Message": "Table t not found"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert response.status == 400


def test_sqs_json_error_carries_query_error_header() -> None:
    error = ErrorDetails("AWS.SimpleQueueService.NonExistentQueue", "no queue", 400)
    response, parsed = serialize_error("sqs", "GetQueueUrl", error)
    assert response.header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    assert b'"__type": "QueueDoesNotExist"' in _body_bytes(response)
    assert parsed["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert parsed["Error"]["Message"] == "no queue"
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    error = ErrorDetails("InternalError", "boom", 500, sender_fault=False)
    assert serialize_error("sqs", None, error)[0].header("x-amzn-query-error") == (
        "InternalError;Receiver"
    )


# -- rest-json ------------------------------------------------------------------------


def test_lambda_invoke_status_headers_and_blob_payload() -> None:
    output = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "LogResult": "bG9n",
        "ExecutedVersion": "$LATEST",
        "Payload": b'{"errorMessage": "x"}',
    }
    response, parsed = roundtrip("lambda", "Invoke", output)
    assert parsed.pop("Payload").read() == b'{"errorMessage": "x"}'
    output.pop("Payload")
    assert parsed == output
    accepted = roundtrip("lambda", "Invoke", {"StatusCode": 202})[0]
    assert accepted.status == 202


def test_lambda_get_function_json_body_with_timestamps_and_lists() -> None:
    output = {
        "Configuration": {
            "FunctionName": "f",
            "Timeout": 3,
            "MemorySize": 128,
            "LastModified": "2024-02-03T04:05:06.000+0000",
            "Architectures": ["x86_64"],
            "Environment": {"Variables": {"A": "1"}},
        },
        "Code": {"RepositoryType": "S3", "Location": "http://x"},
        "Tags": {"a": "b"},
    }
    response, parsed = roundtrip("lambda", "GetFunction", output)
    assert parsed == output
    assert response.header("Content-Type") == "application/json"


def test_lambda_create_function_uses_model_response_code() -> None:
    response, parsed = roundtrip("lambda", "CreateFunction", {"FunctionName": "f", "CodeSize": 10})
    assert response.status == 201
    assert parsed == {"FunctionName": "f", "CodeSize": 10}


def test_rest_json_error_uses_error_type_header() -> None:
    error = ErrorDetails("ResourceNotFoundException", "Function not found: f", 404)
    response, parsed = serialize_error("lambda", "GetFunction", error)
    assert parsed["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Function not found: f",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 404


# -- query ----------------------------------------------------------------------------


def test_sns_publish_round_trips_result_wrapper() -> None:
    response, parsed = roundtrip("sns", "Publish", {"MessageId": "m-1", "SequenceNumber": "2"})
    assert parsed == {"MessageId": "m-1", "SequenceNumber": "2"}
    assert _body_bytes(response).startswith(
        b'<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>'
    )


def test_sns_maps_and_member_lists() -> None:
    attrs = {"Attributes": {"TopicArn": "arn:t", "DisplayName": "<d&>"}}
    assert roundtrip("sns", "GetTopicAttributes", attrs)[1] == attrs
    topics = {"Topics": [{"TopicArn": "a"}, {"TopicArn": "b"}], "NextToken": "n"}
    assert roundtrip("sns", "ListTopics", topics)[1] == topics
    assert roundtrip("sns", "DeleteTopic", {})[1] == {}


def test_redshift_describe_clusters_round_trips_named_lists_and_types() -> None:
    output = {
        "Clusters": [
            {
                "ClusterIdentifier": "c",
                "NodeType": "dc2.large",
                "NumberOfNodes": 2,
                "ClusterCreateTime": T0,
                "Encrypted": True,
                "Endpoint": {"Address": "h", "Port": 5439},
                "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg", "Status": "active"}],
                "Tags": [{"Key": "k", "Value": "v"}],
                "TotalStorageCapacityInMegaBytes": 10**12,
            }
        ]
    }
    assert roundtrip("redshift", "DescribeClusters", output)[1] == output


def test_sts_assume_role_and_caller_identity() -> None:
    output = {
        "Credentials": {
            "AccessKeyId": "AKIA",
            "SecretAccessKey": "s",
            "SessionToken": "t",
            "Expiration": T0,
        },
        "AssumedRoleUser": {"AssumedRoleId": "id:s", "Arn": "arn:a"},
        "PackedPolicySize": 6,
    }
    assert roundtrip("sts", "AssumeRole", output)[1] == output
    who = {"UserId": "u", "Account": "000000000000", "Arn": "arn:aws:iam::000000000000:root"}
    assert roundtrip("sts", "GetCallerIdentity", who)[1] == who


@pytest.mark.parametrize(
    ("service", "sender", "kind"),
    [("sns", True, "Sender"), ("sts", False, "Receiver"), ("redshift", True, "Sender")],
)
def test_query_error_envelope(service: str, sender: bool, kind: str) -> None:
    error = ErrorDetails("NotFound", "missing <thing>", 404, sender_fault=sender)
    response, parsed = serialize_error(service, None, error)
    assert parsed["Error"] == {"Type": kind, "Code": "NotFound", "Message": "missing <thing>"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert response.status == 404


# -- escaping ----------------------------------------------------------------------------


def test_xml_escape_writes_control_characters_as_references() -> None:
    assert xml_escape("a\x01b\x1f\r\n\t") == "a&#x1;b&#x1F;&#13;\n\t"
    assert xml_escape("plain") == "plain"

"""Bucket settings Terraform and CDK read and write when they create a bucket (Block
Public Access, Object Ownership, default encryption, policy status and the settings
lakestack keeps at their defaults), and the S3 limits on request size: user metadata
(MetadataTooLarge), object size (EntityTooLarge before the body) and DeleteObjects'
required Content-MD5 or checksum."""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlsplit

import botocore.exceptions
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
SSE_S3 = {"SSEAlgorithm": "AES256"}
AES256 = {"Rules": [{"ApplyServerSideEncryptionByDefault": SSE_S3, "BucketKeyEnabled": False}]}


def _code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def s3(lakestack_client: Any) -> Any:
    client = lakestack_client("s3")
    client.create_bucket(Bucket="ctl")
    return client


def test_terraform_like_bucket_creation_sequence(s3: Any) -> None:
    """What the AWS provider reads after CreateBucket, then the resources it adds."""
    s3.create_bucket(Bucket="tf-bucket")
    s3.head_bucket(Bucket="tf-bucket")
    missing = {
        "get_bucket_policy": "NoSuchBucketPolicy",
        "get_bucket_cors": "NoSuchCORSConfiguration",
        "get_bucket_website": "NoSuchWebsiteConfiguration",
        "get_bucket_lifecycle_configuration": "NoSuchLifecycleConfiguration",
        "get_bucket_replication": "ReplicationConfigurationNotFoundError",
        "get_object_lock_configuration": "ObjectLockConfigurationNotFoundError",
        "get_bucket_tagging": "NoSuchTagSet",
    }
    for method, code in missing.items():
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            getattr(s3, method)(Bucket="tf-bucket")
        assert _code(exc) == (code, 404), method
    assert s3.get_bucket_acl(Bucket="tf-bucket")["Grants"][0]["Permission"] == "FULL_CONTROL"
    assert "Status" not in s3.get_bucket_versioning(Bucket="tf-bucket")
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket="tf-bucket")
    assert s3.get_bucket_request_payment(Bucket="tf-bucket")["Payer"] == "BucketOwner"
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket="tf-bucket")
    got = s3.get_bucket_encryption(Bucket="tf-bucket")["ServerSideEncryptionConfiguration"]
    assert got == AES256
    block = s3.get_public_access_block(Bucket="tf-bucket")["PublicAccessBlockConfiguration"]
    assert block == BLOCK_ALL
    # aws_s3_bucket_public_access_block, _ownership_controls, _server_side_encryption_configuration
    s3.put_public_access_block(Bucket="tf-bucket", PublicAccessBlockConfiguration=BLOCK_ALL)
    s3.put_bucket_ownership_controls(
        Bucket="tf-bucket",
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]},
    )
    kms = {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": "arn:aws:kms:us-east-1:000000000000:key/abc",
                },
                "BucketKeyEnabled": True,
            }
        ]
    }
    s3.put_bucket_encryption(Bucket="tf-bucket", ServerSideEncryptionConfiguration=kms)
    s3.put_bucket_versioning(Bucket="tf-bucket", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(Bucket="tf-bucket", Tagging={"TagSet": [{"Key": "env", "Value": "dev"}]})
    got = s3.get_bucket_encryption(Bucket="tf-bucket")["ServerSideEncryptionConfiguration"]
    assert got == kms
    rules = s3.get_bucket_ownership_controls(Bucket="tf-bucket")["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerPreferred"}]
    put = s3.put_object(Bucket="tf-bucket", Key="k", Body=b"x")
    assert put["ServerSideEncryption"] == "aws:kms" and put["BucketKeyEnabled"] is True
    assert put["SSEKMSKeyId"].endswith("key/abc")
    s3.put_bucket_policy(
        Bucket="tf-bucket",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "ReadFromTheAccount",
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                        "Action": "s3:GetObject",
                        "Resource": ["arn:aws:s3:::tf-bucket/*"],
                    }
                ],
            }
        ),
    )
    assert s3.get_bucket_policy_status(Bucket="tf-bucket")["PolicyStatus"]["IsPublic"] is False
    s3.delete_bucket_policy(Bucket="tf-bucket")
    s3.delete_bucket_encryption(Bucket="tf-bucket")
    got = s3.get_bucket_encryption(Bucket="tf-bucket")["ServerSideEncryptionConfiguration"]
    assert got == AES256


def test_objects_report_sse_s3_by_default(s3: Any) -> None:
    assert s3.put_object(Bucket="ctl", Key="k", Body=b"x")["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket="ctl", Key="k")["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket="ctl", Key="k")["ServerSideEncryption"] == "AES256"
    copied = s3.copy_object(Bucket="ctl", Key="c", CopySource="ctl/k")
    assert copied["ServerSideEncryption"] == "AES256"
    up = s3.create_multipart_upload(Bucket="ctl", Key="m")
    assert up["ServerSideEncryption"] == "AES256"
    part = s3.upload_part(Bucket="ctl", Key="m", UploadId=up["UploadId"], PartNumber=1, Body=b"m")
    done = s3.complete_multipart_upload(
        Bucket="ctl",
        Key="m",
        UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert done["ServerSideEncryption"] == "AES256"


def test_objects_report_the_encryption_their_writer_asked_for(s3: Any) -> None:
    key = "arn:aws:kms:us-east-1:000000000000:key/k1"
    put = s3.put_object(
        Bucket="ctl", Key="kms", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key
    )
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", key)
    head = s3.head_object(Bucket="ctl", Key="kms")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key)
    copied = s3.copy_object(Bucket="ctl", Key="plain", CopySource="ctl/kms")
    assert copied["ServerSideEncryption"] == "AES256"  # a copy takes the bucket default
    up = s3.create_multipart_upload(Bucket="ctl", Key="m", ServerSideEncryption="aws:kms")
    assert up["ServerSideEncryption"] == "aws:kms"
    for kwargs in ({"ServerSideEncryption": "ROT13"}, {"SSEKMSKeyId": key}):
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            s3.put_object(Bucket="ctl", Key="bad", Body=b"x", **kwargs)
        assert _code(exc) == ("InvalidArgument", 400)


def test_public_access_block_round_trip_and_delete(s3: Any) -> None:
    s3.put_public_access_block(
        Bucket="ctl", PublicAccessBlockConfiguration={"BlockPublicPolicy": True}
    )
    block = s3.get_public_access_block(Bucket="ctl")["PublicAccessBlockConfiguration"]
    assert block == {**dict.fromkeys(BLOCK_ALL, False), "BlockPublicPolicy": True}
    s3.delete_public_access_block(Bucket="ctl")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.get_public_access_block(Bucket="ctl")
    assert _code(exc) == ("NoSuchPublicAccessBlockConfiguration", 404)


@pytest.mark.parametrize(
    "config",
    [
        {"Rules": []},
        {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "ROT13"}}]},
    ],
    ids=["no-rules", "bad-algorithm"],
)
def test_bad_encryption_configuration_is_refused(s3: Any, config: dict[str, Any]) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_bucket_encryption(Bucket="ctl", ServerSideEncryptionConfiguration=config)
    assert _code(exc)[1] == 400


def test_bad_ownership_controls_are_refused(s3: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_bucket_ownership_controls(
            Bucket="ctl", OwnershipControls={"Rules": [{"ObjectOwnership": "Nobody"}]}
        )
    assert _code(exc) == ("MalformedXML", 400)


def test_settings_of_a_missing_bucket_are_no_such_bucket(s3: Any) -> None:
    for method in ("get_public_access_block", "get_bucket_encryption", "get_bucket_policy_status"):
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            getattr(s3, method)(Bucket="nowhere")
        assert _code(exc) == ("NoSuchBucket", 404), method


# -- request size limits -----------------------------------------------------------


@pytest.mark.parametrize("size", [2049, 3 * 1024, 7 * 1024])
def test_user_metadata_over_2_kb_is_metadata_too_large(s3: Any, size: int) -> None:
    metadata = {"k": "v" * (size - 1)}
    for call, kw in (
        (s3.put_object, {"Body": b"x"}),
        (s3.create_multipart_upload, {}),
        (s3.copy_object, {"CopySource": "ctl/src", "MetadataDirective": "REPLACE"}),
    ):
        s3.put_object(Bucket="ctl", Key="src", Body=b"s")
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            call(Bucket="ctl", Key="big-meta", Metadata=metadata, **kw)
        assert _code(exc) == ("MetadataTooLarge", 400)
    with pytest.raises(botocore.exceptions.ClientError):
        s3.head_object(Bucket="ctl", Key="big-meta")


def test_user_metadata_of_exactly_2_kb_is_accepted(s3: Any) -> None:
    s3.put_object(Bucket="ctl", Key="k", Body=b"x", Metadata={"ab": "v" * 2046})
    assert len(s3.head_object(Bucket="ctl", Key="k")["Metadata"]["ab"]) == 2046


def _signed_raw(endpoint: str, method: str, path: str, headers: dict[str, str]) -> AWSRequest:
    request = AWSRequest(method=method, url=endpoint + path, headers=headers)
    SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    return request


def _send_head(endpoint: str, request: AWSRequest, body: bytes = b"") -> bytes:
    """Send a request line and headers (and ``body``) over a socket; return the answer."""
    parts = urlsplit(endpoint)
    url = urlsplit(request.url)
    target = url.path + (f"?{url.query}" if url.query else "")
    lines = [f"{request.method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() != "host"]
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = b""
        while b"</Error>" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def test_content_length_over_5_gib_is_entity_too_large_before_the_body(
    s3: Any, lakestack: Any
) -> None:
    request = _signed_raw(
        lakestack.endpoint_url,
        "PUT",
        "/ctl/huge",
        {"Content-Length": str(5 * 1024**3 + 1), "x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
    )
    answer = _send_head(lakestack.endpoint_url, request)
    assert answer.startswith(b"HTTP/1.1 400") and b"<Code>EntityTooLarge</Code>" in answer
    with pytest.raises(botocore.exceptions.ClientError):
        s3.head_object(Bucket="ctl", Key="huge")
    upload = s3.create_multipart_upload(Bucket="ctl", Key="huge")["UploadId"]
    request = _signed_raw(
        lakestack.endpoint_url,
        "PUT",
        f"/ctl/huge?partNumber=1&uploadId={upload}",
        {"Content-Length": str(5 * 1024**3 + 1), "x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
    )
    answer = _send_head(lakestack.endpoint_url, request)
    assert answer.startswith(b"HTTP/1.1 400") and b"<Code>EntityTooLarge</Code>" in answer
    assert s3.list_parts(Bucket="ctl", Key="huge", UploadId=upload).get("Parts", []) == []


@pytest.mark.parametrize("drop", ["content-md5", "checksum"])
def test_delete_objects_without_content_md5_or_checksum_is_invalid_request(
    s3: Any, drop: str
) -> None:
    s3.put_object(Bucket="ctl", Key="k", Body=b"x")

    def strip(request: Any, **_: Any) -> None:
        for name in list(request.headers.keys()):
            lower = name.lower()
            if lower == "content-md5" or lower.startswith(("x-amz-checksum-", "x-amz-sdk-")):
                del request.headers[name]

    s3.meta.events.register("before-sign.s3.DeleteObjects", strip)
    try:
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            s3.delete_objects(Bucket="ctl", Delete={"Objects": [{"Key": "k"}]})
    finally:
        s3.meta.events.unregister("before-sign.s3.DeleteObjects", strip)
    assert _code(exc) == ("InvalidRequest", 400)
    assert exc.value.response["Error"]["Message"] == (
        "Missing required header for this request: Content-MD5"
    )
    assert s3.head_object(Bucket="ctl", Key="k")["ContentLength"] == 1
    if drop == "checksum":  # the usual request (botocore sends a CRC32) still works
        assert s3.delete_objects(Bucket="ctl", Delete={"Objects": [{"Key": "k"}]})["Deleted"]

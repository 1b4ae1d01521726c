from __future__ import annotations

import base64
import inspect
import zlib

import botocore.session
import pytest
from botocore import xform_name
from s3_engine_helpers import ACCOUNT, Body

from lakestack.gateway.context import RequestContext
from lakestack.gateway.http import FileRange, HttpRequest
from lakestack.services.s3.engine import S3Engine
from lakestack.services.s3.errors import NotModified
from lakestack.services.s3.provider import S3Provider

MODEL = botocore.session.get_session().get_service_model("s3")


@pytest.fixture
def p(s3: S3Engine) -> S3Provider:
    return S3Provider(s3)


@pytest.fixture
def ctx() -> RequestContext:
    request = HttpRequest("POST", "/", headers={"x-amz-checksum-crc32": "AAAAAA=="})
    return RequestContext(
        request, "REQ", account_id=ACCOUNT, region="us-east-1", access_key_id=ACCOUNT
    )


def test_provider_methods_are_s3_operations_with_input_members(p: S3Provider) -> None:
    ops = {xform_name(name): name for name in MODEL.operation_names}
    methods = [m for m in dir(p) if not m.startswith("_") and callable(getattr(p, m))]
    assert len(methods) >= 40
    for name in methods:
        op = MODEL.operation_model(ops[name])
        members = {xform_name(m) for m in op.input_shape.members} if op.input_shape else set()
        params = inspect.signature(getattr(p, name)).parameters
        for param in params.values():
            if param.kind is param.KEYWORD_ONLY or param.kind is param.POSITIONAL_OR_KEYWORD:
                assert param.name == "context" or param.name in members, (name, param.name)


def test_put_and_get_object_wire_shapes(p: S3Provider, ctx: RequestContext) -> None:
    p.create_bucket(ctx, bucket="bkt")
    crc = base64.b64encode(zlib.crc32(b"hello").to_bytes(4, "big")).decode()
    out = p.put_object(
        ctx,
        bucket="bkt",
        key="k.csv",
        body=Body(b"hello"),
        checksum_crc32=crc,
        content_type="text/csv",
        metadata={"a": "1"},
        tagging="t=1&u=2",
    )
    assert out["ChecksumCRC32"] == crc and out["ETag"].startswith('"') and "VersionId" not in out
    got = p.get_object(ctx, bucket="bkt", key="k.csv", range="bytes=1-2", checksum_mode="ENABLED")
    assert isinstance(got["Body"], FileRange) and got["Body"].length == 2
    assert got["ContentRange"] == "bytes 1-2/5" and got["ContentType"] == "text/csv"
    assert got["Metadata"] == {"a": "1"} and got["TagCount"] == 2
    assert "ChecksumCRC32" not in got  # S3 sends no checksum for a byte range
    whole = p.get_object(ctx, bucket="bkt", key="k.csv", checksum_mode="ENABLED")
    assert whole["ChecksumCRC32"] == crc
    with pytest.raises(NotModified):
        p.head_object(ctx, bucket="bkt", key="k.csv", if_none_match=out["ETag"])
    tags = p.get_object_tagging(ctx, bucket="bkt", key="k.csv")
    assert tags == {"TagSet": [{"Key": "t", "Value": "1"}, {"Key": "u", "Value": "2"}]}


def test_list_objects_v2_url_encoding(p: S3Provider, ctx: RequestContext) -> None:
    p.create_bucket(ctx, bucket="bkt")
    p.put_object(ctx, bucket="bkt", key="a b/\x01c+", body=Body(b""))
    out = p.list_objects_v2(ctx, bucket="bkt", encoding_type="url")
    assert out["Contents"][0]["Key"] == "a%20b/%01c%2B" and out["KeyCount"] == 1
    out = p.list_objects_v2(ctx, bucket="bkt", delimiter="/", encoding_type="url")
    assert out["CommonPrefixes"] == [{"Prefix": "a%20b/"}]


def test_copy_object_and_multipart_wire(p: S3Provider, ctx: RequestContext) -> None:
    p.create_bucket(ctx, bucket="bkt")
    p.put_object(ctx, bucket="bkt", key="a/s rc", body=Body(b"data"))
    out = p.copy_object(ctx, bucket="bkt", key="dst", copy_source="bkt/a/s%20rc")
    assert out["CopyObjectResult"]["ETag"]
    up = p.create_multipart_upload(ctx, bucket="bkt", key="mp")
    part = p.upload_part(
        ctx, bucket="bkt", key="mp", upload_id=up["UploadId"], part_number=1, body=Body(b"x")
    )
    done = p.complete_multipart_upload(
        ctx,
        bucket="bkt",
        key="mp",
        upload_id=up["UploadId"],
        multipart_upload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert done["ETag"].endswith('-1"')


def test_delete_objects_quiet(p: S3Provider, ctx: RequestContext) -> None:
    p.create_bucket(ctx, bucket="bkt")
    p.put_bucket_versioning(ctx, bucket="bkt", versioning_configuration={"Status": "Enabled"})
    p.put_object(ctx, bucket="bkt", key="k", body=Body(b"data"))
    out = p.delete_objects(ctx, bucket="bkt", delete={"Objects": [{"Key": "k"}]})
    assert out["Deleted"][0]["DeleteMarker"] is True
    out = p.delete_objects(ctx, bucket="bkt", delete={"Objects": [{"Key": "k"}], "Quiet": True})
    assert out == {"Deleted": [], "Errors": []}
    versions = p.list_object_versions(ctx, bucket="bkt")
    assert len(versions["DeleteMarkers"]) == 2 and len(versions["Versions"]) == 1

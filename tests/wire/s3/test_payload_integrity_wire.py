"""Request payloads read whole (DeleteObjects, bucket configuration) are checked against
their Content-MD5 or x-amz-checksum-* header, as S3 does: a mismatch is BadDigest, a
malformed value InvalidDigest / InvalidRequest, and nothing is changed."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import botocore.exceptions
import pytest

from lakestack.emulator import Emulator

Hook = Callable[..., None]


def _set_header(name: str, value: str) -> Hook:
    def hook(request: Any, **_: Any) -> None:
        for key in [k for k in request.headers if k.lower().startswith("x-amz-checksum-")]:
            del request.headers[key]
        request.headers[name] = value

    return hook


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [
        ("Content-MD5", _md5(b"another body"), "BadDigest"),
        ("Content-MD5", "not-an-md5", "InvalidDigest"),
        ("x-amz-checksum-crc32", "AAAAAA==", "BadDigest"),
        ("x-amz-checksum-crc32", "!!", "InvalidRequest"),
    ],
)
def test_delete_objects_with_a_wrong_digest_deletes_nothing(
    lakestack: Emulator, header: str, value: str, code: str
) -> None:
    s3 = lakestack.client("s3")
    s3.create_bucket(Bucket="digests")
    s3.put_object(Bucket="digests", Key="keep", Body=b"1")
    s3.meta.events.register("before-sign.s3.DeleteObjects", _set_header(header, value))
    with pytest.raises(botocore.exceptions.ClientError) as err:
        s3.delete_objects(Bucket="digests", Delete={"Objects": [{"Key": "keep"}]})
    assert err.value.response["Error"]["Code"] == code
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="digests")["Contents"]] == ["keep"]


def test_matching_digests_are_accepted(lakestack: Emulator) -> None:
    s3 = lakestack.client("s3")
    s3.create_bucket(Bucket="digests-ok")
    s3.put_object(Bucket="digests-ok", Key="gone", Body=b"1")
    s3.delete_objects(Bucket="digests-ok", Delete={"Objects": [{"Key": "gone"}]})  # boto3's CRC32
    tagging = {"TagSet": [{"Key": "team", "Value": "lake"}]}
    s3.put_bucket_tagging(Bucket="digests-ok", Tagging=tagging)
    assert s3.get_bucket_tagging(Bucket="digests-ok")["TagSet"] == tagging["TagSet"]
    assert s3.list_objects_v2(Bucket="digests-ok")["KeyCount"] == 0

"""Multipart uploads through boto3: create, parts, copy parts, complete rules, abort, lists."""

from __future__ import annotations

import hashlib
from typing import Any

import botocore.exceptions
import pytest

MiB = 1 << 20


def _code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def s3(lakestack_client: Any) -> Any:
    client = lakestack_client("s3")
    client.create_bucket(Bucket="mpu")
    return client


def _upload(s3: Any, key: str, parts: list[bytes]) -> tuple[str, list[dict[str, Any]]]:
    upload_id = s3.create_multipart_upload(Bucket="mpu", Key=key)["UploadId"]
    done = []
    for n, data in enumerate(parts, 1):
        etag = s3.upload_part(Bucket="mpu", Key=key, UploadId=upload_id, PartNumber=n, Body=data)[
            "ETag"
        ]
        done.append({"PartNumber": n, "ETag": etag})
    return upload_id, done


def test_complete_multipart_upload_concatenates_and_sets_etag(s3: Any) -> None:
    parts = [b"a" * 5 * MiB, b"b" * 5 * MiB, b"tail"]
    upload_id, done = _upload(s3, "big", parts)
    listed = s3.list_parts(Bucket="mpu", Key="big", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in listed] == [(1, 5 * MiB), (2, 5 * MiB), (3, 4)]
    uploads = s3.list_multipart_uploads(Bucket="mpu")["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("big", upload_id)]
    resp = s3.complete_multipart_upload(
        Bucket="mpu", Key="big", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    md5s = b"".join(hashlib.md5(p).digest() for p in parts)
    assert resp["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-3"'
    assert s3.get_object(Bucket="mpu", Key="big")["Body"].read() == b"".join(parts)
    assert s3.list_multipart_uploads(Bucket="mpu").get("Uploads", []) == []


def test_complete_with_small_non_last_part_raises_entity_too_small(s3: Any) -> None:
    upload_id, done = _upload(s3, "small", [b"x" * 100, b"y" * 100])
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket="mpu", Key="small", UploadId=upload_id, MultipartUpload={"Parts": done}
        )
    assert _code(exc) == ("EntityTooSmall", 400)


def test_complete_with_wrong_etag_raises_invalid_part(s3: Any) -> None:
    upload_id, done = _upload(s3, "k", [b"x" * 10])
    done[0]["ETag"] = '"00000000000000000000000000000000"'
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket="mpu", Key="k", UploadId=upload_id, MultipartUpload={"Parts": done}
        )
    assert _code(exc) == ("InvalidPart", 400)


def test_complete_with_parts_out_of_order_raises_invalid_part_order(s3: Any) -> None:
    upload_id, done = _upload(s3, "k", [b"x" * 5 * MiB, b"y"])
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket="mpu",
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": list(reversed(done))},
        )
    assert _code(exc) == ("InvalidPartOrder", 400)


def test_abort_then_use_raises_no_such_upload(s3: Any) -> None:
    upload_id, done = _upload(s3, "k", [b"x"])
    s3.abort_multipart_upload(Bucket="mpu", Key="k", UploadId=upload_id)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket="mpu", Key="k", UploadId=upload_id, MultipartUpload={"Parts": done}
        )
    assert _code(exc) == ("NoSuchUpload", 404)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.list_parts(Bucket="mpu", Key="k", UploadId=upload_id)
    assert _code(exc) == ("NoSuchUpload", 404)


def test_upload_part_copy_with_range(s3: Any) -> None:
    s3.put_object(Bucket="mpu", Key="src", Body=b"0123456789" * MiB)
    upload_id = s3.create_multipart_upload(Bucket="mpu", Key="dst")["UploadId"]
    p1 = s3.upload_part_copy(
        Bucket="mpu",
        Key="dst",
        UploadId=upload_id,
        PartNumber=1,
        CopySource="mpu/src",
        CopySourceRange=f"bytes=0-{5 * MiB - 1}",
    )
    p2 = s3.upload_part(Bucket="mpu", Key="dst", UploadId=upload_id, PartNumber=2, Body=b"end")
    s3.complete_multipart_upload(
        Bucket="mpu",
        Key="dst",
        UploadId=upload_id,
        MultipartUpload={
            "Parts": [
                {"PartNumber": 1, "ETag": p1["CopyPartResult"]["ETag"]},
                {"PartNumber": 2, "ETag": p2["ETag"]},
            ]
        },
    )
    data = s3.get_object(Bucket="mpu", Key="dst")["Body"].read()
    assert data == (b"0123456789" * MiB)[: 5 * MiB] + b"end"


def test_reuploading_a_part_overwrites_it(s3: Any) -> None:
    upload_id = s3.create_multipart_upload(Bucket="mpu", Key="k")["UploadId"]
    s3.upload_part(Bucket="mpu", Key="k", UploadId=upload_id, PartNumber=1, Body=b"old")
    etag = s3.upload_part(Bucket="mpu", Key="k", UploadId=upload_id, PartNumber=1, Body=b"new")[
        "ETag"
    ]
    s3.complete_multipart_upload(
        Bucket="mpu",
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert s3.get_object(Bucket="mpu", Key="k")["Body"].read() == b"new"

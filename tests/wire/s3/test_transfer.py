"""boto3's managed transfers (multipart upload, ranged parallel download) with many threads,
and with each checksum algorithm boto3 sends (CRC32, CRC32C, CRC64NVME, SHA1, SHA256)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig

from lakestack.core import checksums

MiB = 1 << 20


def test_upload_file_and_download_file_with_many_threads(
    lakestack_client: Any, tmp_path: Path
) -> None:
    s3 = lakestack_client("s3")
    s3.create_bucket(Bucket="big")
    data = os.urandom(5 * MiB) * 7 + b"tail"  # 35 MiB + 4 bytes -> 8 parts of 5 MiB
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    config = TransferConfig(
        multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=10
    )
    s3.upload_file(str(src), "big", "data/blob.bin", Config=config)

    head = s3.head_object(Bucket="big", Key="data/blob.bin")
    assert head["ContentLength"] == len(data)
    parts = [data[i : i + 5 * MiB] for i in range(0, len(data), 5 * MiB)]
    md5s = b"".join(hashlib.md5(p).digest() for p in parts)
    assert head["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-{len(parts)}"'

    dst = tmp_path / "dst.bin"
    s3.download_file("big", "data/blob.bin", str(dst), Config=config)
    assert hashlib.sha256(dst.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert s3.list_multipart_uploads(Bucket="big").get("Uploads", []) == []


ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_managed_multipart_transfer_with_each_checksum_algorithm(
    lakestack_client: Any, tmp_path: Path, algorithm: str
) -> None:
    s3 = lakestack_client("s3")
    s3.create_bucket(Bucket="sums")
    data = os.urandom(5 * MiB) * 2 + os.urandom(MiB)  # 3 parts
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    s3.upload_file(
        str(src), "sums", "blob.bin", Config=config, ExtraArgs={"ChecksumAlgorithm": algorithm}
    )

    head = s3.head_object(Bucket="sums", Key="blob.bin", ChecksumMode="ENABLED")
    parts = [data[i : i + 5 * MiB] for i in range(0, len(data), 5 * MiB)]
    value = head[f"Checksum{algorithm}"]
    if head["ChecksumType"] == "FULL_OBJECT":
        assert value == checksums.checksum(algorithm, data)
    else:
        assert head["ChecksumType"] == "COMPOSITE"
        assert value == checksums.composite(
            algorithm, [checksums.checksum(algorithm, p) for p in parts]
        )

    dst = tmp_path / "dst.bin"
    s3.download_file("sums", "blob.bin", str(dst), Config=config)
    assert dst.read_bytes() == data


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_managed_single_part_transfer_with_each_checksum_algorithm(
    lakestack_client: Any, tmp_path: Path, algorithm: str
) -> None:
    s3 = lakestack_client("s3")
    s3.create_bucket(Bucket="sums")
    data = os.urandom(MiB + 3)
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    s3.upload_file(str(src), "sums", "one.bin", ExtraArgs={"ChecksumAlgorithm": algorithm})
    # boto3 validates the checksum the server returns on a whole-object GET
    got = s3.get_object(Bucket="sums", Key="one.bin", ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == checksums.checksum(algorithm, data)
    assert got["Body"].read() == data


def test_full_object_crc_of_a_multipart_upload_combines_the_parts(lakestack_client: Any) -> None:
    s3 = lakestack_client("s3")
    s3.create_bucket(Bucket="sums")
    parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), b"tail"]
    upload = s3.create_multipart_upload(
        Bucket="sums", Key="full", ChecksumAlgorithm="CRC64NVME", ChecksumType="FULL_OBJECT"
    )
    done = []
    for number, part in enumerate(parts, 1):
        r = s3.upload_part(
            Bucket="sums",
            Key="full",
            UploadId=upload["UploadId"],
            PartNumber=number,
            Body=part,
            ChecksumAlgorithm="CRC64NVME",
        )
        done.append({"PartNumber": number, "ETag": r["ETag"]})
    whole = checksums.checksum("CRC64NVME", b"".join(parts))
    assert whole == checksums.combine(
        "CRC64NVME", [(checksums.checksum("CRC64NVME", p), len(p)) for p in parts]
    )
    s3.complete_multipart_upload(
        Bucket="sums",
        Key="full",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": done},
        ChecksumCRC64NVME=whole,
        ChecksumType="FULL_OBJECT",
    )
    head = s3.head_object(Bucket="sums", Key="full", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC64NVME"], head["ChecksumType"]) == (whole, "FULL_OBJECT")


# XXHASH values from the reference implementation (xxHash's own test vectors: seed 0, "abc").
_XXHASH_ABC = {
    "XXHASH64": "44bc2cf5ad770999",
    "XXHASH3": "78af5f94892f3950",
    "XXHASH128": "06b05ab6733a618578af5f94892f3950",
}


@pytest.mark.parametrize("algorithm", sorted(_XXHASH_ABC))
def test_put_object_with_xxhash_checksum_is_verified_and_returned(
    lakestack_client: Any, algorithm: str
) -> None:
    s3 = lakestack_client("s3")
    s3.create_bucket(Bucket="xxhash")
    put = s3.put_object(Bucket="xxhash", Key="k", Body=b"abc", ChecksumAlgorithm=algorithm)
    expected = checksums.encode(bytes.fromhex(_XXHASH_ABC[algorithm]))
    assert put[f"Checksum{algorithm}"] == expected
    head = s3.head_object(Bucket="xxhash", Key="k", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == expected
    with pytest.raises(s3.exceptions.ClientError) as err:
        s3.put_object(Bucket="xxhash", Key="bad", Body=b"abd", **{f"Checksum{algorithm}": expected})
    assert err.value.response["Error"]["Code"] == "BadDigest"

"""boto3's managed transfers (multipart upload, ranged parallel download) with many threads."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from boto3.s3.transfer import TransferConfig

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

"""pyarrow's S3 filesystem (the AWS C++ SDK) against the live endpoint.

The C++ SDK uploads every part as an aws-chunked body over ``Transfer-Encoding: chunked``
with ``Expect: 100-continue`` and a CRC64NVME trailer; a Parquet file over 10 MiB is
written as a multipart upload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from lakestack.emulator import Emulator

BUCKET = "arrow-lake"


@pytest.fixture
def s3fs(lakestack: Emulator, lakestack_client: Callable[..., Any]) -> pafs.S3FileSystem:
    lakestack_client("s3").create_bucket(Bucket=BUCKET)
    return pafs.S3FileSystem(
        endpoint_override=lakestack.endpoint_url.removeprefix("http://"),
        scheme="http",
        access_key="test",
        secret_key="test",
        region="us-east-1",
    )


def _table(rows: int) -> pa.Table:
    """Rows that do not compress: about 24 bytes each."""
    ids = pa.array(range(rows), pa.int64())
    noise = pa.array([(i * 2654435761) % (1 << 63) for i in range(rows)], pa.int64())
    text = pa.array([f"{i:08x}" for i in range(rows)], pa.string())
    return pa.table({"id": ids, "noise": noise, "text": text})


def test_parquet_over_10_mib_is_written_multipart_and_read_back(
    s3fs: pafs.S3FileSystem, lakestack_client: Callable[..., Any]
) -> None:
    table = _table(700_000)
    path = f"{BUCKET}/events/year=2026/part-0.parquet"
    pq.write_table(table, path, filesystem=s3fs, compression="none")

    head = lakestack_client("s3").head_object(Bucket=BUCKET, Key="events/year=2026/part-0.parquet")
    assert head["ContentLength"] > 10 << 20
    assert head.get("PartsCount", 1) >= 2  # a multipart upload, parts checksummed CRC64NVME
    assert pq.read_table(path, filesystem=s3fs).equals(table)
    info = s3fs.get_file_info(pafs.FileSelector(f"{BUCKET}/events", recursive=True))
    assert [i.path for i in info if i.type == pafs.FileType.File] == [path]


def test_small_stream_and_dataset_round_trip(s3fs: pafs.S3FileSystem) -> None:
    with s3fs.open_output_stream(f"{BUCKET}/notes/hello.txt") as out:
        out.write(b"hello, lake")
    with s3fs.open_input_stream(f"{BUCKET}/notes/hello.txt") as src:
        assert src.read() == b"hello, lake"
    table = _table(1000)
    pq.write_to_dataset(table, f"{BUCKET}/ds", filesystem=s3fs, partition_cols=None)
    assert pq.read_table(f"{BUCKET}/ds", filesystem=s3fs).num_rows == 1000

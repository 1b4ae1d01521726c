"""SIGKILL during concurrent uploads: every object is absent or whole, acknowledged
objects survive, and the restarted server shows no temp litter (issue: Storage)."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from botocore.config import Config

from tests.conftest import ServeProcess, boto_client

UPLOADS = 50


def _body(i: int) -> bytes:
    # 1-3 MiB of reproducible bytes, so uploads are still in flight when the kill lands
    size = (1 << 20) * (1 + i % 3) + i
    return (hashlib.sha256(str(i).encode()).digest() * (size // 32 + 1))[:size]


def test_sigkill_mid_upload_leaves_objects_absent_or_whole(serve_process: ServeProcess) -> None:
    serve_process.start()
    s3 = boto_client(
        "s3",
        serve_process.url,
        config=Config(retries={"max_attempts": 1}, max_pool_connections=UPLOADS),
    )
    s3.create_bucket(Bucket="crash")  # type: ignore[attr-defined]
    acked: dict[str, str] = {}
    lock = threading.Lock()
    started = threading.Barrier(UPLOADS + 1)

    def upload(i: int) -> None:
        body = _body(i)
        started.wait()
        try:
            resp = s3.put_object(Bucket="crash", Key=f"obj/{i:03d}", Body=body)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the server died under this request
            return
        with lock:
            acked[f"obj/{i:03d}"] = resp["ETag"]

    with ThreadPoolExecutor(UPLOADS) as pool:
        futures = [pool.submit(upload, i) for i in range(UPLOADS)]
        started.wait()
        time.sleep(0.15)
        serve_process.kill()
        for f in futures:
            f.result()

    serve_process.start()
    s3 = boto_client("s3", serve_process.url)
    listed = {o["Key"]: o for o in s3.list_objects_v2(Bucket="crash").get("Contents", [])}  # type: ignore[attr-defined]
    assert set(acked) <= set(listed), "an acknowledged upload was lost"
    for key, obj in listed.items():
        i = int(key.split("/")[1])
        expected = _body(i)
        data = s3.get_object(Bucket="crash", Key=key)["Body"].read()  # type: ignore[attr-defined]
        assert data == expected, f"{key} is not whole"
        assert obj["ETag"] == f'"{hashlib.md5(expected).hexdigest()}"'
        if key in acked:
            assert acked[key] == obj["ETag"]
    tmp_dirs = [p for p in Path(serve_process.data_dir).rglob("tmp") if p.is_dir()]
    assert all(not os.listdir(p) for p in tmp_dirs), "temp litter left after restart"


def test_fsync_mode_stores_and_serves_objects(tmp_path: Path) -> None:
    from lakestack.emulator import Emulator

    with Emulator(tmp_path / "data", port=0, fsync=True) as emu:
        assert emu.config.fsync
        s3 = emu.client("s3")
        s3.create_bucket(Bucket="durable")
        s3.put_object(Bucket="durable", Key="k", Body=b"synced")
        assert s3.get_object(Bucket="durable", Key="k")["Body"].read() == b"synced"

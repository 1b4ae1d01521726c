"""The main job: ``lakestack demo`` lands raw events in the lake and prints the bill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lakestack.cli.main import main
from lakestack.emulator import Emulator


def test_demo_lands_raw_events_and_prints_the_bill(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--days", "2", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "raw/" in out and "total" in out and "PutObject" in out
    assert "(same answer)" in out  # the pruned and the full-scan query agree
    scanned = [
        int(line.split("bytes scanned")[0].split(":")[1].replace(",", ""))
        for line in out.splitlines()
        if "bytes scanned" in line
    ]
    assert len(scanned) == 2 and scanned[1] == pytest.approx(2 * scanned[0], rel=0.05)
    assert "StartQueryExecution" in out and "DataScanned-Bytes" in out

    emu = Emulator(tmp_path, port=0).start()
    try:
        s3 = emu.client("s3")
        keys = [
            o["Key"]
            for o in s3.list_objects_v2(Bucket="lakestack-demo-dev-data", Prefix="raw/")["Contents"]
        ]
        assert len(keys) == 8
        curated = s3.list_objects_v2(
            Bucket="lakestack-demo-dev-data", Prefix="curated/table=events/"
        )["Contents"]
        assert len(curated) == 2 and all(o["Key"].endswith(".snappy.parquet") for o in curated)
        assert all(
            k.startswith("raw/source=app/year=") and "/month=" in k and "/day=" in k for k in keys
        )
        first = s3.get_object(Bucket="lakestack-demo-dev-data", Key=keys[0])["Body"].read()
        event = json.loads(first.splitlines()[0])
        assert set(event) == {"event_id", "user_id", "event_type", "event_time", "payload"}
    finally:
        emu.stop()


def test_bill_command_reads_the_data_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo", "--days", "1", "--data-dir", str(tmp_path)])
    capsys.readouterr()
    assert main(["bill", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "s3" in out and "PutObject" in out and "Requests-Tier1" in out

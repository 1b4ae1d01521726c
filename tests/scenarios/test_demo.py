"""The main job: ``lakestack demo`` lands raw events in the lake and prints the bill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lakestack.cli.main import main
from lakestack.emulator import Emulator


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One run of ``lakestack demo --days 2`` (it starts Spark: run it once)."""
    import contextlib
    import io

    data_dir = tmp_path_factory.mktemp("demo")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["demo", "--days", "2", "--data-dir", str(data_dir)]) == 0
    return data_dir, out.getvalue()


def test_demo_ships_the_seed_glue_script_verbatim() -> None:
    from lakestack.cli.demo import seed_glue_script
    from tests.conftest import seed_code_block

    assert seed_glue_script() == seed_code_block("import sys\nfrom awsglue") + "\n"


def test_demo_glue_stage_fails_verbatim_then_curates_and_bookmarks(
    demo: tuple[Path, str],
) -> None:
    _, out = demo
    assert "run 1, the seed's script verbatim: FAILED" in out
    assert "year, month, day not found" in out
    assert "run 2, fixed, bookmarks enabled: SUCCEEDED" in out
    assert "run 3: SUCCEEDED: the bookmark skipped the 8 files already processed" in out
    assert "only in year=2026/month=02/day=03" in out
    assert "JobRun" in out and "DPU-Seconds" in out


def test_demo_lands_raw_events_and_prints_the_bill(demo: tuple[Path, str]) -> None:
    tmp_path, out = demo
    assert "raw/" in out and "total" in out and "PutObject" in out
    assert "(same answer)" in out  # the pruned and the full-scan query agree
    scanned = [
        int(line.split("bytes scanned")[0].split(":")[1].replace(",", ""))
        for line in out.splitlines()
        if "bytes scanned" in line
    ]
    # three days curated (two, then one more through the bookmark run): 3x the bytes
    assert len(scanned) == 2 and scanned[1] == pytest.approx(3 * scanned[0], rel=0.05)
    assert "StartQueryExecution" in out and "DataScanned-Bytes" in out

    emu = Emulator(tmp_path, port=0).start()
    try:
        s3 = emu.client("s3")
        keys = [
            o["Key"]
            for o in s3.list_objects_v2(Bucket="lakestack-demo-dev-data", Prefix="raw/")["Contents"]
        ]
        assert len(keys) == 12  # 3 days x 4 files
        curated = s3.list_objects_v2(
            Bucket="lakestack-demo-dev-data", Prefix="curated/table=events/"
        )["Contents"]
        days = {o["Key"].split("/")[4] for o in curated}
        assert days == {"day=01", "day=02", "day=03"}
        assert all(o["Key"].endswith(".snappy.parquet") for o in curated)
        assert all(
            k.startswith("raw/source=app/year=") and "/month=" in k and "/day=" in k for k in keys
        )
        first = s3.get_object(Bucket="lakestack-demo-dev-data", Key=keys[0])["Body"].read()
        event = json.loads(first.splitlines()[0])
        assert set(event) == {"event_id", "user_id", "event_type", "timestamp", "payload"}
    finally:
        emu.stop()


def test_bill_command_reads_the_data_dir(
    demo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path, _ = demo
    assert main(["bill", "--embedded", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "s3" in out and "PutObject" in out and "Requests-Tier1" in out


def test_demo_explains_the_expected_failure_before_the_verbatim_run(
    demo: tuple[Path, str],
) -> None:
    _, out = demo
    explained = out.index("expected to FAIL")
    assert explained < out.index("run 1, the seed's script verbatim: FAILED")
    assert "ApplyMapping" in out[explained:] and "partitionKeys" in out[explained:]


def test_demo_prints_only_log_paths_that_outlive_it(demo: tuple[Path, str]) -> None:
    data_dir, out = demo
    paths = [line.strip() for line in out.splitlines() if line.strip().startswith("/")]
    assert paths, "the kept data dir's Glue run logs are listed"
    assert all(Path(p).is_file() and p.startswith(str(data_dir)) for p in paths)


def test_demo_in_a_temporary_dir_lists_no_logs(tmp_path: Path) -> None:
    from lakestack.cli.demo import run_logs

    gone = tmp_path / "removed"
    lines = run_logs(gone, ["jr_1"], temporary=True)
    assert len(lines) == 1 and "--data-dir" in lines[0] and str(gone) not in lines[0]


def test_demo_help_states_the_real_default_data_dir(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "temporary directory, removed when the demo ends" in text

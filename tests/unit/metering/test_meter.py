"""The usage meter and pricing: counters, gauges, persistence, prices from the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakestack.core.clock import FixedClock
from lakestack.metering import Meter
from lakestack.metering.pricing import format_bill, load_prices, price_rows


def test_record_sums_quantities_per_key() -> None:
    m = Meter(None, FixedClock())
    for _ in range(3):
        m.record("s3", "PutObject", "Requests-Tier1", 1, "Requests", "1", "us-east-1", "b")
    m.record("s3", "GetObject", "Requests-Tier2", 1, "Requests", "1", "us-east-1", "b")
    assert {(r.operation, r.quantity) for r in m.rows()} == {("PutObject", 3.0), ("GetObject", 1.0)}


def test_usage_persists_across_meters(tmp_path: Path) -> None:
    clock = FixedClock()
    m = Meter(tmp_path / "usage.sqlite", clock)
    m.record("s3", "PutObject", "Requests-Tier1", 2, "Requests", "1", "us-east-1", "b")
    m.close()
    m2 = Meter(tmp_path / "usage.sqlite", clock)
    m2.record("s3", "PutObject", "Requests-Tier1", 1, "Requests", "1", "us-east-1", "b")
    assert [r.quantity for r in m2.rows()] == [3.0]
    m2.close()


def test_gauge_accrues_value_times_hours(tmp_path: Path) -> None:
    clock = FixedClock(0)
    m = Meter(tmp_path / "usage.sqlite", clock)
    m.set_gauge("s3", "StandardStorage", "TimedStorage", 1000, "Bytes", "1", "us-east-1", "b")
    clock.advance(7200)  # 1000 bytes for 2 hours
    m.set_gauge("s3", "StandardStorage", "TimedStorage", 0, "Bytes", "1", "us-east-1", "b")
    clock.advance(3600)  # nothing stored for an hour
    (row,) = m.rows()
    assert (row.dimension, row.unit, row.quantity) == ("TimedStorage", "Bytes-Hrs", 2000.0)
    m.close()


def test_gauge_level_survives_restart(tmp_path: Path) -> None:
    clock = FixedClock(0)
    m = Meter(tmp_path / "usage.sqlite", clock)
    m.set_gauge("s3", "StandardStorage", "TimedStorage", 10, "Bytes", "1", "us-east-1", "b")
    m.close()
    clock.advance(3600)
    m2 = Meter(tmp_path / "usage.sqlite", clock)
    assert [r.quantity for r in m2.rows()] == [10.0]
    m2.close()


def test_s3_request_prices_match_the_published_table() -> None:
    prices = load_prices()
    assert prices["s3"]["Requests-Tier1"]["usd"] / prices["s3"]["Requests-Tier1"][
        "per"
    ] == pytest.approx(0.005 / 1000)
    assert prices["s3"]["Requests-Tier2"]["usd"] / prices["s3"]["Requests-Tier2"][
        "per"
    ] == pytest.approx(0.0004 / 1000)


def test_one_gb_month_of_standard_storage_costs_0_023() -> None:
    m = Meter(None, FixedClock(0))
    m.set_gauge("s3", "StandardStorage", "TimedStorage", 2**30, "Bytes", "1", "us-east-1", "b")
    m.clock.advance(730 * 3600)  # type: ignore[attr-defined]
    (line,) = price_rows(m.rows())
    assert line.usd == pytest.approx(0.023)


def test_format_bill_groups_by_service_and_totals() -> None:
    m = Meter(None, FixedClock())
    m.record("s3", "PutObject", "Requests-Tier1", 1000, "Requests", "1", "us-east-1", "b")
    text = format_bill(price_rows(m.rows()))
    assert (
        "PutObject" in text
        and "$    0.005000" in text
        and text.splitlines()[-1].startswith("total")
    )


def test_reset_forgets_usage(tmp_path: Path) -> None:
    m = Meter(tmp_path / "u.sqlite", FixedClock())
    m.record("s3", "PutObject", "Requests-Tier1", 1, "Requests", "1", "us-east-1")
    m.flush()
    m.reset()
    assert m.rows() == []
    m.close()


def test_notes_are_counted_per_text_persist_and_show_under_their_resource(
    tmp_path: Path,
) -> None:
    m = Meter(tmp_path / "usage.sqlite", FixedClock())
    why = "10 DPU x 10-minute minimum (Glue 0.9)"
    for _ in range(2):
        m.record("glue", "JobRun", "DPU-Seconds", 6000, "DPU-Seconds", "1", "us-east-1", "j", why)
    m.record("glue", "JobRun", "DPU-Seconds", 700, "DPU-Seconds", "1", "us-east-1", "j", "other")
    m.close()
    again = Meter(tmp_path / "usage.sqlite", FixedClock())
    (row,) = again.rows()
    assert (row.quantity, row.notes) == (
        12700.0,
        (("10 DPU x 10-minute minimum (Glue 0.9)", 2), ("other", 1)),
    )
    text = format_bill(price_rows([row]))
    assert "      2 x 10 DPU x 10-minute minimum (Glue 0.9)" in text
    assert "      other" in text
    again.reset()
    assert again.rows() == []
    again.close()


def test_usage_rows_read_back_from_json_keep_their_notes() -> None:
    from lakestack.metering import UsageRow

    row = UsageRow(
        "1", "us-east-1", "glue", "JobRun", "DPU-Seconds", "DPU-Seconds", "j", 1.0, [["why", 3]]
    )  # type: ignore[arg-type]
    assert row.notes == (("why", 3),)

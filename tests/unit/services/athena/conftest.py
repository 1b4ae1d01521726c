"""Fixtures for Athena engine tests: S3, Glue and Athena engines on a temp dir with a
fixed clock and seeded ids, and the seed's projected ``events`` table with three days."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from athena_helpers import SEED_DDL, Lake, day_parquet


@pytest.fixture
def lake(tmp_path: Path) -> Iterator[Lake]:
    engines = Lake(tmp_path / "data")
    yield engines
    engines.close()


@pytest.fixture
def events(lake: Lake) -> dict[str, bytes]:
    lake.ok("CREATE DATABASE analytics")
    lake.ok(SEED_DDL, "analytics")
    days = {}
    for day in ("01", "02", "03"):
        days[day] = day_parquet(day, 1000 + int(day))
        lake.put(f"curated/table=events/year=2026/month=02/day={day}/part-0.parquet", days[day])
    lake.store.listed.clear()
    return days

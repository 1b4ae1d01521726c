"""Fixtures for Glue catalog engine tests: an engine on a temp dir with a fixed clock
and seeded ids, a database and a partitioned table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from glue_helpers import WHERE, events_table, make_engine

from lakestack.core.clock import FixedClock
from lakestack.services.glue.catalog import GlueCatalogEngine
from lakestack.services.glue.models import DatabaseInput


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def glue(tmp_path: Path, clock: FixedClock) -> Iterator[GlueCatalogEngine]:
    engine = make_engine(tmp_path / "data", clock)
    yield engine
    engine.close()


@pytest.fixture
def db(glue: GlueCatalogEngine) -> str:
    glue.create_database(*WHERE, DatabaseInput("lake"))
    return "lake"


@pytest.fixture
def events(glue: GlueCatalogEngine, db: str) -> str:
    glue.create_table(*WHERE, db, events_table())
    return "events"

"""Fixtures for S3 engine tests: an engine on a temp dir with a fixed clock and seeded ids."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from s3_engine_helpers import ACCOUNT, REGION, Harness

from lakestack.services.s3.engine import S3Engine


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(tmp_path / "data")
    yield harness
    harness.engine.close()


@pytest.fixture
def s3(h: Harness) -> S3Engine:
    return h.engine


@pytest.fixture
def bucket(s3: S3Engine) -> str:
    s3.create_bucket(ACCOUNT, REGION, "bkt")
    return "bkt"

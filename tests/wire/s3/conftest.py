"""Fixtures shared by the S3 wire tests."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config


@pytest.fixture
def anon(lakestack_client: Any) -> Any:
    """An S3 client that signs nothing: AWS's anonymous principal."""
    return lakestack_client(
        "s3",
        config=Config(
            signature_version=UNSIGNED,
            retries={"max_attempts": 1},
            s3={"addressing_style": "path"},
        ),
    )


@pytest.fixture
def other(lakestack_client: Any) -> Any:
    """An S3 client of the default account (000000000000), the other side of a test."""
    return lakestack_client("s3")

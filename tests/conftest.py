"""Shared test helpers. The endpoint fixtures (``lakestack``, ``lakestack_client``,
``lakestack_emulator``) come from lakestack's own pytest plugin."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# --doctest-modules would import every conftest.py as a module named "conftest"; two of
# them in sibling folders then clash. They hold fixtures, not doctests.
collect_ignore_glob = ["**/conftest.py"]

# Tests that start Spark (a JVM): those using the session fixtures, and these modules,
# which start Glue ETL runs or the demo. ``pytest -m "not spark"`` is the fast loop.
SPARK_FIXTURES = frozenset({"spark", "glue_context"})
SPARK_MODULES = frozenset(
    {
        "tests/wire/glue/test_etl_jobs_wire.py",
        "tests/scenarios/test_demo.py",
    }
)
ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        module = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else ""
        if module in SPARK_MODULES or SPARK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.spark)


SEED = Path(__file__).resolve().parent / "fixtures" / "seed" / "data-aws-skill.md"


def seed_code_block(starts_with: str) -> str:
    """The code block of the seed skill document that starts with ``starts_with``, verbatim."""
    for block in re.findall(r"```[a-z]*\n(.*?)```", SEED.read_text(), re.S):
        if block.startswith(starts_with):
            return str(block).rstrip("\n")
    raise LookupError(f"no seed code block starts with {starts_with!r}")


def seed_events_ddl(bucket: str) -> str:
    """The seed's projected ``CREATE EXTERNAL TABLE events``, only the bucket renamed."""
    return seed_code_block("CREATE EXTERNAL TABLE events").replace(
        "s3://bucket/", f"s3://{bucket}/"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServeProcess:
    """``lakestack serve`` in a subprocess, for tests that kill or restart the server."""

    def __init__(self, data_dir: Path, *extra: str, quiet: bool = True) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra = (*extra, "--quiet") if quiet else extra
        self.log = data_dir.parent / f"serve-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServeProcess:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "lakestack.cli.main",
                    "serve",
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(self.data_dir),
                    *self.extra,
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env={**os.environ},
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/_lakestack/health", timeout=1).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.log.read_text()) from None
                time.sleep(0.05)
        raise RuntimeError("lakestack serve did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.kill()


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[ServeProcess]:
    proc = ServeProcess(tmp_path / "data")
    yield proc
    proc.stop()


def boto_client(service: str, endpoint: str, **kwargs: object) -> object:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=kwargs.pop("region_name", "us-east-1"),
        aws_access_key_id=kwargs.pop("aws_access_key_id", "test"),
        aws_secret_access_key=kwargs.pop("aws_secret_access_key", "test"),
        config=kwargs.pop("config", Config(retries={"max_attempts": 1})),
        **kwargs,
    )


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """The test session's one SparkSession (local[2]) with Glue's settings."""
    from awsglue import _spark

    session = _spark.spark_session("local[2]", app_name="lakestack-tests")
    yield session


@pytest.fixture
def glue_context(spark: object) -> object:
    """A GlueContext over the shared session (as ``GlueContext(SparkContext())`` gives)."""
    from awsglue.context import GlueContext

    return GlueContext(spark.sparkContext)  # type: ignore[attr-defined]

"""Helpers for S3 engine tests: a recording meter, request bodies, a harness."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from lakestack.core.clock import FixedClock
from lakestack.core.events import EventBus, ObjectCreated, ObjectRemoved
from lakestack.core.ids import Ids
from lakestack.services.s3.engine import S3Engine

ACCOUNT = "111122223333"
REGION = "us-east-1"


class RecordingMeter:
    def __init__(self) -> None:
        self.records: list[tuple[Any, ...]] = []
        self.gauges: dict[tuple[Any, ...], float] = {}

    def record(
        self,
        service: str,
        operation: str,
        dimension: str,
        quantity: float,
        unit: str,
        account: str,
        region: str,
        resource: str | None = None,
    ) -> None:
        self.records.append(
            (service, operation, dimension, quantity, unit, account, region, resource)
        )

    def set_gauge(
        self,
        service: str,
        operation: str,
        dimension: str,
        value: float,
        unit: str,
        account: str,
        region: str,
        resource: str | None = None,
    ) -> None:
        self.gauges[(service, operation, dimension, unit, account, region, resource)] = value


class Body(io.BytesIO):
    """A request body: ``read(n)`` plus ``trailers`` (filled only once read to the end)."""

    def __init__(self, data: bytes, trailers: dict[str, str] | None = None) -> None:
        super().__init__(data)
        self._pending = trailers or {}
        self.trailers: dict[str, str] = {}

    def read(self, n: int | None = -1, /) -> bytes:
        data = super().read(n)
        if not data:
            self.trailers = self._pending
        return data


class Harness:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = FixedClock()
        self.meter = RecordingMeter()
        self.events = EventBus()
        self.seen: list[Any] = []
        self.events.subscribe(ObjectCreated, self.seen.append)
        self.events.subscribe(ObjectRemoved, self.seen.append)
        self.engine = self.open()

    def open(self, seed: int = 1) -> S3Engine:
        return S3Engine(self.root, self.clock, Ids(seed=seed), self.meter, self.events)

    def reopen(self) -> S3Engine:
        self.engine.close()
        self.engine = self.open(seed=2)
        return self.engine


def put(s3: S3Engine, bucket: str, key: str, data: bytes = b"x", **kw: Any) -> Any:
    return s3.put_object(ACCOUNT, REGION, bucket, key, Body(data), **kw)


def read(s3: S3Engine, bucket: str, key: str, **kw: Any) -> bytes:
    d = s3.get_object(ACCOUNT, REGION, bucket, key, **kw)
    with open(d.path, "rb") as f:
        f.seek(d.offset)
        return f.read(d.length)

"""The composition root: builds the stores, engines, providers and the gateway, and
wires events between services. The only module that knows every part.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from lakestack.adapters import GlueCatalogForAthena
from lakestack.config import Config
from lakestack.core.clock import Clock
from lakestack.core.credentials import CredentialStore
from lakestack.core.datadir_lock import DataDirLock
from lakestack.core.events import EventBus
from lakestack.core.ids import Ids
from lakestack.gateway.app import Gateway
from lakestack.gateway.auth import SigV4Verifier
from lakestack.gateway.dispatch import Dispatcher
from lakestack.gateway.http import HttpRequest, HttpResponse
from lakestack.gateway.server import Server
from lakestack.lake_routes import LakeRoutes
from lakestack.metering import Meter, UsageRow
from lakestack.services.athena.engine import AthenaEngine
from lakestack.services.athena.provider import AthenaProvider
from lakestack.services.glue.engine import GlueEngine
from lakestack.services.glue.provider import GlueProvider
from lakestack.services.s3.engine import S3Engine
from lakestack.services.s3.provider import S3Provider
from lakestack.services.sts.engine import StsEngine
from lakestack.services.sts.provider import StsProvider

LOG = logging.getLogger(__name__)

_FLUSH_SECONDS = 2.0

# botocore service name -> provider class, for every service lakestack serves.
PROVIDER_CLASSES: dict[str, type] = {
    "s3": S3Provider,
    "glue": GlueProvider,
    "sts": StsProvider,
    "athena": AthenaProvider,
}
# Every service the product covers, served or not yet (docs/coverage.md lists them all).
PRODUCT_SERVICES = (
    "s3",
    "glue",
    "athena",
    "lambda",
    "stepfunctions",
    "redshift",
    "redshift-data",
    "sns",
    "sqs",
    "sts",
)


class Emulator:
    """lakestack in one object: every engine, and (once started) the endpoint.

    >>> with Emulator(temporary=True, port=0) as emu:
    ...     _ = emu.client("s3").create_bucket(Bucket="bkt")
    ...     [b["Name"] for b in emu.client("s3").list_buckets()["Buckets"]]
    ['bkt']

    Args:
        data_dir: where state lives; default ``LAKESTACK_HOME`` or ``~/.lakestack``.
        temporary: use a fresh temporary directory, removed on ``stop()``.
        config: full settings; keyword overrides win over it.
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        temporary: bool = False,
        config: Config | None = None,
        clock: Clock | None = None,
        ids: Ids | None = None,
        **overrides: Any,
    ) -> None:
        self._tempdir = tempfile.mkdtemp(prefix="lakestack-") if temporary else None
        if self._tempdir is not None:
            data_dir = self._tempdir
        base = config or Config.from_env()
        self.config = base.with_(data_dir=Path(data_dir) if data_dir else None, **overrides)
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        # One process per persistent data dir (a temporary one is ours alone).
        self._dir_lock = None if temporary else DataDirLock(self.config.data_dir).acquire()
        self.clock = clock or Clock(scale=self.config.time_scale)
        self.ids = ids or Ids()
        self.events = EventBus()
        self.meter = Meter(self.config.data_dir / "usage.sqlite", self.clock)
        self.credentials = CredentialStore(self.config.data_dir / "credentials.json")
        self.server: Server | None = None
        self._stop_flush = threading.Event()
        self._build_engines()
        self.gateway = Gateway(
            Dispatcher(self.providers),
            SigV4Verifier(self.credentials, self.config.auth, self.clock.now),
            self.credentials,
            self.ids,
            internal_routes={
                "health": self._health,
                "reset": self._reset_route,
                **LakeRoutes(self.s3, self.glue, self.credentials).routes(),
            },
            log_requests=self.config.log_requests,
        )

    def _build_engines(self) -> None:
        data = self.config.data_dir
        self.s3 = S3Engine(
            data, self.clock, self.ids, self.meter, self.events, fsync=self.config.fsync
        )
        self.glue = GlueEngine(
            data,
            self.clock,
            self.ids,
            self.meter,
            scripts=self.s3,
            endpoint=self._endpoint_or_none,
            warm_spark=True,
        )
        self.athena = AthenaEngine(
            data, self.clock, self.ids, self.meter, self.s3, GlueCatalogForAthena(self.glue)
        )
        self.providers: dict[str, object] = {
            "s3": S3Provider(self.s3),
            "glue": GlueProvider(self.glue),
            "athena": AthenaProvider(self.athena),
        }
        self.providers["sts"] = StsProvider(StsEngine(self.credentials))

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> Emulator:
        """Serve the endpoint in a background thread (port 0 -> a free port)."""
        if self.server is None:
            self.server = Server(self.gateway, self.config.host, self.config.port)
            self.server.start()
            threading.Thread(target=self._flush_loop, name="lakestack-meter", daemon=True).start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        self.server = Server(self.gateway, self.config.host, self.config.port)
        threading.Thread(target=self._flush_loop, name="lakestack-meter", daemon=True).start()
        try:
            self.server.serve_forever()
        finally:
            self.stop()

    def stop(self) -> None:
        self._stop_flush.set()
        if self.server is not None:
            self.server.shutdown()
            self.server = None
        self.athena.close()
        self.s3.meter_storage()
        self.meter.close()
        self.s3.close()
        self.glue.close()
        if self._dir_lock is not None:
            self._dir_lock.release()
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None

    def reset(self) -> None:
        """Forget every resource and all usage; credentials are kept."""
        self.athena.reset()
        self.s3.reset()
        self.glue.reset()
        self.meter.reset()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def usage(self) -> list[UsageRow]:
        """Every usage record so far, with storage levels sampled now."""
        self.s3.meter_storage()
        return self.meter.rows()

    # -- conveniences ------------------------------------------------------------------
    @property
    def endpoint_url(self) -> str:
        if self.server is None:
            raise RuntimeError("the emulator is not started; call start()")
        return self.server.url

    def _endpoint_or_none(self) -> str | None:
        """The endpoint Glue job scripts call, once the server is up."""
        return self.server.url if self.server is not None else None

    def client(self, service: str, region: str = "us-east-1", **kwargs: Any) -> Any:
        """A boto3 client for this endpoint with dummy credentials and no retries."""
        import boto3
        from botocore.config import Config as BotoConfig

        kwargs.setdefault(
            "config", BotoConfig(retries={"max_attempts": 1}, s3={"addressing_style": "path"})
        )
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=kwargs.pop("aws_access_key_id", "test"),
            aws_secret_access_key=kwargs.pop("aws_secret_access_key", "test"),
            **kwargs,
        )

    def _flush_loop(self) -> None:
        while not self._stop_flush.wait(_FLUSH_SECONDS):
            try:
                self.s3.housekeeping()
                self.meter.flush()
            except Exception:  # noqa: BLE001 - a metering hiccup must not stop serving
                LOG.exception("flushing usage failed")

    def _health(self, request: HttpRequest) -> HttpResponse:
        import json

        body = {
            "status": "running",
            "pid": os.getpid(),
            "data_dir": str(self.config.data_dir),
            "services": sorted(self.providers),
            "auth": self.config.auth,
        }
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(body).encode())

    def _reset_route(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(405)
        self.reset()
        return HttpResponse(200, [("Content-Type", "application/json")], b'{"reset": true}')

"""The composition root: builds the stores, engines, providers and the gateway, and
wires events between services. The only module that knows every part.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from lakestack.config import Config
from lakestack.core.clock import Clock
from lakestack.core.credentials import CredentialStore
from lakestack.core.datadir_lock import DataDirLock
from lakestack.core.events import EventBus
from lakestack.core.ids import Ids
from lakestack.core.storage.private import private_dir
from lakestack.gateway.app import Gateway, InternalRoute
from lakestack.gateway.auth import SigV4Verifier
from lakestack.gateway.context import RequestContext
from lakestack.gateway.dispatch import Dispatcher
from lakestack.gateway.http import HttpResponse
from lakestack.gateway.routing import Router
from lakestack.gateway.server import Server
from lakestack.metering import Meter, UsageRow
from lakestack.registry import (
    SERVICES,
    Parts,
    ServiceEntry,
    Services,
    routes,
    shared_signing_names,
)

LOG = logging.getLogger(__name__)

_FLUSH_SECONDS = 2.0


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
        services: the registry entries to serve (default ``lakestack.registry.SERVICES``).
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        temporary: bool = False,
        config: Config | None = None,
        clock: Clock | None = None,
        ids: Ids | None = None,
        services: Sequence[ServiceEntry] | None = None,
        **overrides: Any,
    ) -> None:
        self._tempdir = tempfile.mkdtemp(prefix="lakestack-") if temporary else None
        if self._tempdir is not None:
            data_dir = self._tempdir
        base = config or Config.from_env()
        self.config = base.with_(data_dir=Path(data_dir) if data_dir else None, **overrides)
        private_dir(self.config.data_dir)
        # One process per persistent data dir (a temporary one is ours alone).
        self._dir_lock = None if temporary else DataDirLock(self.config.data_dir).acquire()
        self.clock = clock or Clock(scale=self.config.time_scale)
        self.ids = ids or Ids()
        self.events = EventBus()
        self.meter = Meter(self.config.data_dir / "usage.sqlite", self.clock)
        self.credentials = CredentialStore(self.config.data_dir / "credentials.json")
        self.server: Server | None = None
        self._stop_flush = threading.Event()
        self.services = Services(services if services is not None else SERVICES, self._parts)
        self.providers = self.services.providers
        self.gateway = Gateway(
            Dispatcher(self.providers, self.services.member_policy),
            SigV4Verifier(self.credentials, self.config.auth, self.clock.now),
            self.credentials,
            self.ids,
            internal_routes=_InternalRoutes(
                {"health": self._health, "reset": self._reset_route, "bill": self._bill_route},
                self._lake_routes,
            ),
            log_requests=self.config.log_requests,
            router=Router(
                routes(list(self.services.entries.values())),
                shared_signing_names(list(self.services.entries.values())),
            ),
        )

    def _parts(self, services: Services) -> Parts:
        return Parts(
            config=self.config,
            data_dir=self.config.data_dir,
            clock=self.clock,
            ids=self.ids,
            meter=self.meter,
            events=self.events,
            credentials=self.credentials,
            endpoint=self._endpoint_or_none,
            engine=services.engine,
        )

    # Engines are built on first use (a request, or one of these attributes).
    @property
    def s3(self) -> Any:
        return self.services.engine("s3")

    @property
    def glue(self) -> Any:
        return self.services.engine("glue")

    @property
    def athena(self) -> Any:
        return self.services.engine("athena")

    def _lake_routes(self) -> dict[str, InternalRoute]:
        from lakestack.lake_routes import LakeRoutes

        return LakeRoutes(self.s3, self.glue, self.credentials).routes()

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
        self.services.sample(build=False)
        self.services.close()
        self.meter.close()
        if self._dir_lock is not None:
            self._dir_lock.release()
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None

    def reset(self) -> None:
        """Forget every resource and all usage; credentials are kept."""
        self.services.reset()
        self.meter.reset()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def usage(self) -> list[UsageRow]:
        """Every usage record so far, with storage levels sampled now."""
        self.services.sample(build=True)
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
                self.services.tick()
                self.meter.flush()
            except Exception:  # noqa: BLE001 - a metering hiccup must not stop serving
                LOG.exception("flushing usage failed")

    def _health(self, context: RequestContext) -> HttpResponse:
        """Unsigned (anyone may ask whether lakestack runs), so it names no path."""
        import json

        from lakestack import __version__

        body = {
            "status": "running",
            "version": __version__,
            "pid": os.getpid(),
            "services": sorted(self.services.names),
            "auth": self.config.auth,
        }
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(body).encode())

    def _reset_route(self, context: RequestContext) -> HttpResponse:
        if context.request.method != "POST":
            return HttpResponse(405)
        self.reset()
        return HttpResponse(200, [("Content-Type", "application/json")], b'{"reset": true}')

    def _bill_route(self, request: Any) -> HttpResponse:
        """Every usage row so far, for ``lakestack bill`` (it prices them)."""
        import dataclasses
        import json

        rows = [dataclasses.asdict(row) for row in self.usage()]
        body = json.dumps({"data_dir": str(self.config.data_dir), "rows": rows}).encode()
        return HttpResponse(200, [("Content-Type", "application/json")], body)


class _InternalRoutes(Mapping[str, InternalRoute]):
    """The internal routes: fixed ones, then the lake routes, built on first use (they
    need the S3 and Glue engines, which ``health`` must not load)."""

    def __init__(
        self,
        fixed: dict[str, InternalRoute],
        build: Callable[[], dict[str, InternalRoute]],
    ) -> None:
        self._fixed = fixed
        self._build = build
        self._built: dict[str, InternalRoute] | None = None
        self._lock = threading.Lock()

    def _all(self) -> dict[str, InternalRoute]:
        if self._built is None:
            with self._lock:
                if self._built is None:
                    self._built = {**self._build(), **self._fixed}
        return self._built

    def __getitem__(self, name: str) -> InternalRoute:
        if name in self._fixed:
            return self._fixed[name]
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __bool__(self) -> bool:  # truth needs no count (counting builds the lake routes)
        return True

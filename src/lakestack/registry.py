"""The services lakestack serves: one declarative entry each, and the lazy holder that
builds their engines and providers on first use.

Everything that used to list services by hand is derived from ``SERVICES``: the
gateway's routing tables (signing name, ``X-Amz-Target`` prefix, rest paths), the
dispatcher's provider table, ``docs/coverage.md``, the health route's (``lakestack
status``) service list, ``Emulator.reset()`` and shutdown.

Adding a service is one package plus one entry. Write ``services/<name>/`` (``engine.py``,
``models.py``, ``errors.py``, ``provider.py``, STYLE.md §2), then add to ``SERVICES``::

    def _logs_engine(parts: Parts) -> Any:
        from lakestack.services.logs.engine import LogsEngine

        return LogsEngine(parts.data_dir, parts.clock, parts.ids, parts.meter)


    ServiceEntry(
        name="logs",                    # botocore service name (``data/<name>/``)
        signing_name="logs",            # metadata.signingName, else endpointPrefix
        target_prefix="Logs_20140328",  # metadata.targetPrefix (json protocol), else None
        provider="lakestack.services.logs.provider:LogsProvider",  # class(engine)
        engine=_logs_engine,            # (Parts) -> engine, called on first request
        state="logs",                   # its folder in the data dir, if it has one
    ),

Fields, all checked against the botocore model by ``tests/unit/test_registry.py``:

- ``engine(parts)`` receives the shared parts (data dir, config, clock, ids, meter,
  events, credentials, the endpoint once serving) and reaches engines it needs by
  name with ``parts.engine("s3")``; it imports its engine module inside the function
  so that ``lakestack serve`` starts without DuckDB, pyarrow, sqlglot or Spark.
- ``provider`` is ``"module:Class"``; the class is called with the engine.
- ``reset``/``close``/``tick``/``sample`` name engine methods (``None``: none):
  ``reset`` forgets every resource, ``close`` releases files and processes at
  shutdown, ``tick`` runs every few seconds while serving (housekeeping), ``sample``
  records usage levels (storage) before a usage report and at shutdown.
- ``state``: the engine's folder under the data dir; an engine not built yet is built
  by ``reset`` only when that folder exists (there is state to forget).
- ``prepare(data_dir)``: runs when the emulator starts, before any engine is built
  (e.g. Glue kills the processes a killed server left behind).
- ``shared_signing``: ``(path prefix, header)`` for a service that signs with another
  service's signing name (S3 Control signs as ``s3``): its requests are those under the
  prefix that carry the header.

Next to the provider, an optional ``members.json`` lists the request members the
provider takes beyond its methods' parameters (``gateway.dispatch.MemberPolicy``)::

    {"kwargs": {"PutObject": ["ACL", "CacheControl"]},
     "ignored": {"*": {"ExpectedBucketOwner": "why it is safe to ignore"}}}

Any other member a request carries answers 501 ``NotImplemented`` naming it.

Engines are built once, under a lock, in dependency order; shutdown closes them in
the reverse order they were built. Knows the composition, never a service's semantics.
"""

from __future__ import annotations

import importlib
import importlib.resources
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lakestack.config import Config
from lakestack.core.clock import Clock
from lakestack.core.credentials import CredentialStore
from lakestack.core.events import EventBus
from lakestack.core.ids import Ids
from lakestack.gateway.dispatch import MemberPolicy
from lakestack.metering import Meter

EngineFactory = Callable[["Parts"], Any]
MEMBERS_FILE = "members.json"


@dataclass(frozen=True)
class Parts:
    """What every engine factory may use: the shared infrastructure of one emulator."""

    config: Config
    data_dir: Path
    clock: Clock
    ids: Ids
    meter: Meter
    events: EventBus
    credentials: CredentialStore
    endpoint: Callable[[], str | None]  # the server's URL once serving (Glue scripts call it)
    engine: Callable[[str], Any]  # another service's engine by name, built on demand


@dataclass(frozen=True)
class ServiceEntry:
    """One served service; see the module docstring for each field."""

    name: str
    signing_name: str
    provider: str
    engine: EngineFactory
    target_prefix: str | None = None
    state: str | None = None
    reset: str | None = "reset"
    close: str | None = "close"
    tick: str | None = None
    sample: str | None = None
    prepare: Callable[[Path], None] | None = None
    shared_signing: tuple[str, str] | None = None

    def member_policy(self) -> MemberPolicy:
        """The provider package's ``members.json`` (members read through ``**kw``,
        members accepted and ignored), empty when it has none."""
        return _member_policy(self.provider.partition(":")[0].rpartition(".")[0])

    def provider_class(self) -> type:
        """The provider class (imports its module)."""
        return _import(self.provider)

    @property
    def protocol(self) -> str:
        """The wire protocol, from the botocore model."""
        from lakestack.gateway.specs import load_service_model

        return str(load_service_model(self.name).protocol)


@cache
def _member_policy(package: str) -> MemberPolicy:
    if not package:  # a provider module outside any package has no data files
        return MemberPolicy()
    path = importlib.resources.files(package) / MEMBERS_FILE
    if not path.is_file():
        return MemberPolicy()
    return MemberPolicy.from_json(json.loads(path.read_text(encoding="utf-8")))


@cache
def _import(spec: str) -> type:
    module, _, attr = spec.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    assert isinstance(cls, type), spec
    return cls


# -- engine factories: one per service, each importing its engine on call -----------------
def _s3_engine(parts: Parts) -> Any:
    from lakestack.services.s3.engine import S3Engine

    return S3Engine(
        parts.data_dir, parts.clock, parts.ids, parts.meter, parts.events, fsync=parts.config.fsync
    )


def _glue_engine(parts: Parts) -> Any:
    from lakestack.services.glue.engine import build_glue

    return build_glue(
        parts.data_dir,
        parts.clock,
        parts.ids,
        parts.meter,
        objects=parts.engine("s3"),
        endpoint=parts.endpoint,
        warm_spark=True,
        logs=parts.engine("logs"),
        credentials=parts.credentials,
    )


def _reap_glue_children(data_dir: Path) -> None:
    """Glue processes a killed server left behind die at start, not at Glue's first request."""
    from lakestack.services.glue.children import children_dir, reap_recorded

    reap_recorded(children_dir(data_dir))


def _athena_engine(parts: Parts) -> Any:
    from lakestack.adapters import GlueCatalogForAthena
    from lakestack.services.athena.engine import AthenaEngine

    return AthenaEngine(
        parts.data_dir,
        parts.clock,
        parts.ids,
        parts.meter,
        parts.engine("s3"),
        GlueCatalogForAthena(parts.engine("glue").catalog),
    )


def _sts_engine(parts: Parts) -> Any:
    from lakestack.services.sts.engine import StsEngine

    return StsEngine(parts.credentials, lambda: parts.engine("iam"), parts.clock, parts.ids)


def _iam_engine(parts: Parts) -> Any:
    from lakestack.services.iam.engine import IamEngine

    return IamEngine(parts.data_dir, parts.clock, parts.ids, parts.credentials)


def _logs_engine(parts: Parts) -> Any:
    from lakestack.services.logs.engine import LogsEngine

    return LogsEngine(parts.data_dir, parts.clock, parts.meter)


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry(
        name="s3",
        signing_name="s3",
        provider="lakestack.services.s3.provider:S3Provider",
        engine=_s3_engine,
        state="s3",
        tick="housekeeping",
        sample="meter_storage",
    ),
    ServiceEntry(
        name="s3control",
        signing_name="s3",
        shared_signing=("/v20180820/", "x-amz-account-id"),  # S3's name, its own paths
        provider="lakestack.services.s3control.provider:S3ControlProvider",
        engine=lambda parts: parts.engine("s3"),  # S3 keeps (and enforces) the settings
        reset=None,
        close=None,
    ),
    ServiceEntry(
        name="glue",
        signing_name="glue",
        target_prefix="AWSGlue",
        provider="lakestack.services.glue.provider:GlueProvider",
        engine=_glue_engine,
        state="glue",
        prepare=_reap_glue_children,
    ),
    ServiceEntry(
        name="athena",
        signing_name="athena",
        target_prefix="AmazonAthena",
        provider="lakestack.services.athena.provider:AthenaProvider",
        engine=_athena_engine,
        state="athena",
    ),
    ServiceEntry(
        name="sts",
        signing_name="sts",
        provider="lakestack.services.sts.provider:StsProvider",
        engine=_sts_engine,
        reset=None,
        close=None,
    ),
    ServiceEntry(
        name="iam",
        signing_name="iam",
        provider="lakestack.services.iam.provider:IamProvider",
        engine=_iam_engine,
        state="iam",
    ),
    ServiceEntry(
        name="logs",
        signing_name="logs",
        target_prefix="Logs_20140328",
        provider="lakestack.services.logs.provider:LogsProvider",
        engine=_logs_engine,
        state="logs",
    ),
)

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
    "iam",
    "logs",
)


def routes(entries: Sequence[ServiceEntry]) -> list[tuple[str, str, str | None]]:
    """``(name, signing name, target prefix)`` per entry: what the gateway's router takes."""
    return [(e.name, e.signing_name, e.target_prefix) for e in entries]


def shared_signing_names(entries: Sequence[ServiceEntry]) -> list[tuple[str, str, str, str]]:
    """``(signing name, path prefix, header, name)`` of the entries that sign with another
    service's name: the router's ``shared`` rows."""
    return [(e.signing_name, *e.shared_signing, e.name) for e in entries if e.shared_signing]


class Services:
    """The engines and providers of one emulator, built on first use (thread-safe).

    ``providers`` is the dispatcher's table: a mapping whose membership test and
    iteration never build anything; looking a service up builds its engine (and the
    engines that one needs) and its provider once.
    """

    def __init__(self, entries: Sequence[ServiceEntry], parts: Callable[[Services], Parts]):
        names = [e.name for e in entries]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate service names in registry: {names}")
        self.entries: dict[str, ServiceEntry] = {e.name: e for e in entries}
        self._parts = parts(self)
        for entry in entries:
            if entry.prepare is not None:
                entry.prepare(self._parts.data_dir)
        self._lock = threading.RLock()
        self._engines: dict[str, Any] = {}
        self._providers: dict[str, object] = {}
        self._building: list[str] = []
        self.built: list[str] = []  # names in the order their engines were built
        self.providers: Mapping[str, object] = _Providers(self)

    @property
    def names(self) -> list[str]:
        return list(self.entries)

    def engine(self, name: str) -> Any:
        """The engine of service ``name``, built now if needed."""
        engine = self._engines.get(name)
        if engine is not None:
            return engine
        entry = self.entries[name]
        with self._lock:
            if name in self._engines:
                return self._engines[name]
            if name in self._building:
                raise RuntimeError(f"engine dependency cycle: {' -> '.join(self._building)}")
            self._building.append(name)
            try:
                engine = entry.engine(self._parts)
            finally:
                self._building.pop()
            self._engines[name] = engine
            self.built.append(name)
            return engine

    def provider(self, name: str) -> object:
        provider = self._providers.get(name)
        if provider is not None:
            return provider
        with self._lock:
            if name not in self._providers:
                entry = self.entries[name]
                self._providers[name] = entry.provider_class()(self.engine(name))
            return self._providers[name]

    def member_policy(self, name: str) -> MemberPolicy:
        return self.entries[name].member_policy()

    def is_built(self, name: str) -> bool:
        return name in self._engines

    def reset(self) -> None:
        """Reset every engine that holds state: those built, and those whose folder exists."""
        for entry in self.entries.values():
            if entry.reset is None:
                continue
            if not self.is_built(entry.name):
                if entry.state is None or not (self._parts.data_dir / entry.state).exists():
                    continue
            getattr(self.engine(entry.name), entry.reset)()

    def tick(self) -> None:
        """Periodic housekeeping of the engines built so far."""
        for name in list(self.built):
            hook = self.entries[name].tick
            if hook is not None:
                getattr(self._engines[name], hook)()

    def sample(self, *, build: bool) -> None:
        """Record usage levels; ``build``: also of engines not built yet (a usage report)."""
        for entry in self.entries.values():
            if entry.sample is None or not (build or self.is_built(entry.name)):
                continue
            getattr(self.engine(entry.name), entry.sample)()

    def close(self) -> None:
        """Close the engines built, dependents first (reverse build order)."""
        with self._lock:
            for name in reversed(self.built):
                hook = self.entries[name].close
                if hook is not None:
                    getattr(self._engines[name], hook)()
            self._engines.clear()
            self._providers.clear()
            self.built.clear()


class _Providers(Mapping[str, object]):
    """Provider table for the dispatcher: ``in`` and iteration never build an engine."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def __getitem__(self, name: str) -> object:
        if name not in self._services.entries:
            raise KeyError(name)
        return self._services.provider(name)

    def __contains__(self, name: object) -> bool:
        return name in self._services.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._services.entries)

    def __len__(self) -> int:
        return len(self._services.entries)

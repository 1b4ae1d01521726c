"""The service registry: entries agree with botocore's models, engines load on first use,
and adding a service is one package plus one entry (a toy DynamoDB, served through boto3)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lakestack.emulator import Emulator
from lakestack.gateway.specs import load_service_model
from lakestack.registry import SERVICES, Parts, ServiceEntry, Services

HEAVY_MODULES = ("duckdb", "pyarrow", "sqlglot", "pyspark")


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e.name)
def test_entry_matches_its_botocore_model(entry: ServiceEntry) -> None:
    metadata = load_service_model(entry.name).metadata
    assert entry.signing_name == metadata.get("signingName", metadata["endpointPrefix"])
    assert entry.target_prefix == metadata.get("targetPrefix")
    assert entry.protocol in ("json", "rest-json", "query", "rest-xml")


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e.name)
def test_entry_hooks_are_engine_methods(entry: ServiceEntry) -> None:
    provider = entry.provider_class()
    package = provider.__module__.rsplit(".", 1)[0]
    engine_cls = getattr(
        importlib.import_module(package + ".engine"),
        provider.__name__.removesuffix("Provider") + "Engine",
    )
    for hook in (entry.reset, entry.close, entry.tick, entry.sample):
        assert hook is None or callable(getattr(engine_cls, hook, None)), (entry.name, hook)


def test_serve_starts_without_heavy_engines() -> None:
    """Starting the endpoint and answering health and STS loads no DuckDB, pyarrow,
    sqlglot or Spark (engines are built on their service's first request), and health
    answers before botocore is imported."""
    code = f"""
import json, sys, urllib.request
from lakestack.emulator import Emulator
with Emulator(temporary=True, port=0) as emu:
    health = json.load(urllib.request.urlopen(emu.endpoint_url + "/_lakestack/health"))
    before_aws = [m for m in ("botocore", "awscrt") if m in sys.modules]
    emu.client("sts").get_caller_identity()
    print(json.dumps({{"services": health["services"], "built": emu.services.built,
        "loaded": [m for m in {HEAVY_MODULES!r} if m in sys.modules], "before": before_aws}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["services"] == sorted(e.name for e in SERVICES)
    assert seen["built"] == ["sts"]
    assert seen["loaded"] == []
    assert seen["before"] == []  # botocore (and the awscrt it loads) wait for an AWS request


# -- a toy service: the "package" (engine + provider) and its one registry entry ---------
class ToyTablesEngine:
    """A list of table names, per account."""

    def __init__(self, parts: Parts) -> None:
        self.tables: dict[str, list[str]] = {}
        self.resets = 0
        self.closed = False

    def list_tables(self, account: str) -> list[str]:
        return sorted(self.tables.get(account, []))

    def reset(self) -> None:
        self.tables.clear()
        self.resets += 1

    def close(self) -> None:
        self.closed = True


class ToyTablesProvider:
    def __init__(self, engine: ToyTablesEngine) -> None:
        self.engine = engine

    def list_tables(
        self, context: Any, exclusive_start_table_name: str | None = None, limit: int | None = None
    ) -> dict[str, Any]:
        names = self.engine.list_tables(context.account_id)
        return {"TableNames": names[:limit] if limit else names}


TOY = ServiceEntry(
    name="dynamodb",
    signing_name="dynamodb",
    target_prefix="DynamoDB_20120810",
    provider=f"{__name__}:ToyTablesProvider",
    engine=ToyTablesEngine,
)


@pytest.fixture
def toy_emulator() -> Iterator[Emulator]:
    with Emulator(temporary=True, port=0, services=[*SERVICES, TOY]) as emu:
        yield emu


def test_toy_service_is_served_from_one_registry_entry(toy_emulator: Emulator) -> None:
    dynamodb = toy_emulator.client("dynamodb")
    assert dynamodb.list_tables()["TableNames"] == []
    engine = toy_emulator.services.engine("dynamodb")
    engine.tables["000000000000"] = ["orders", "clicks"]
    assert dynamodb.list_tables()["TableNames"] == ["clicks", "orders"]
    assert dynamodb.list_tables(Limit=1)["TableNames"] == ["clicks"]

    with pytest.raises(ClientError) as info:  # an operation the provider lacks
        dynamodb.describe_limits()
    assert info.value.response["Error"]["Code"] == "NotImplemented"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501

    health = json.load(urllib.request.urlopen(toy_emulator.endpoint_url + "/_lakestack/health"))
    assert "dynamodb" in health["services"]

    toy_emulator.reset()
    assert engine.resets == 1 and dynamodb.list_tables()["TableNames"] == []
    toy_emulator.stop()
    assert engine.closed


def test_engines_are_built_once_in_dependency_order(
    parts_for: Callable[[Services], Parts],
) -> None:
    built: list[str] = []

    def factory(name: str, needs: tuple[str, ...]) -> Any:
        def build(parts: Parts) -> object:
            for other in needs:
                parts.engine(other)
            built.append(name)
            return object()

        return build

    prepared: list[str] = []
    entries = [
        ServiceEntry("b", "b", "x:Y", factory("b", ("a",)), reset=None, close=None),
        ServiceEntry(
            "a", "a", "x:Y", factory("a", ()), reset=None, close=None, prepare=prepared.append
        ),
    ]
    services = Services(entries, parts_for)
    assert prepared == [parts_for(services).data_dir] and services.built == []  # at start
    assert services.engine("b") is services.engine("b")
    assert built == ["a", "b"] and services.built == ["a", "b"]
    assert "a" in services.providers and list(services.providers) == ["b", "a"]


def test_reset_builds_no_engine_without_state(parts_for: Callable[[Services], Parts]) -> None:
    services = Services(SERVICES, parts_for)
    services.reset()
    assert services.built == []


def test_duplicate_service_names_are_refused(parts_for: Callable[[Services], Parts]) -> None:
    with pytest.raises(ValueError, match="duplicate"):
        Services([TOY, TOY], parts_for)


@pytest.fixture
def parts_for(tmp_path: Path) -> Iterator[Callable[[Services], Parts]]:
    from lakestack.config import Config
    from lakestack.core.clock import Clock
    from lakestack.core.credentials import CredentialStore
    from lakestack.core.events import EventBus
    from lakestack.core.ids import Ids
    from lakestack.metering import Meter

    clock = Clock()
    meter = Meter(tmp_path / "usage.sqlite", clock)

    def make(services: Services) -> Parts:
        return Parts(
            config=Config.from_env(data_dir=tmp_path),
            data_dir=tmp_path,
            clock=clock,
            ids=Ids(),
            meter=meter,
            events=EventBus(),
            credentials=CredentialStore(tmp_path / "credentials.json"),
            endpoint=lambda: None,
            engine=services.engine,
        )

    yield make
    meter.close()

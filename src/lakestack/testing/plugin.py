"""pytest fixtures for testing code against lakestack.

- ``lakestack_emulator`` (session): one endpoint on 127.0.0.1, port 0, temp data dir.
- ``lakestack`` (function): that endpoint, reset before the test, with
  ``AWS_ENDPOINT_URL`` and dummy credentials set in the environment.
- ``lakestack_client``: factory, ``lakestack_client("s3")`` -> a boto3 client.

Uses only the public ``Emulator`` API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from lakestack.emulator import Emulator


@pytest.fixture(scope="session")
def lakestack_emulator() -> Iterator[Emulator]:
    from lakestack.emulator import Emulator  # imported on use: loading the plugin stays cheap

    emu = Emulator(temporary=True, port=0, host="127.0.0.1").start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def lakestack(lakestack_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    lakestack_emulator.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", lakestack_emulator.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return lakestack_emulator


@pytest.fixture
def lakestack_client(lakestack: Emulator) -> Callable[..., Any]:
    def make(service: str, **kwargs: Any) -> Any:
        return lakestack.client(service, **kwargs)

    return make

"""Settings: defaults, environment, overrides, and strict auth off loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakestack.config import Config


def test_binding_beyond_loopback_forces_strict_auth(tmp_path: Path) -> None:
    assert Config(tmp_path, host="0.0.0.0", auth="open").auth == "strict"
    assert Config(tmp_path, host="127.0.0.1", auth="open").auth == "open"


def test_environment_then_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAKESTACK_HOME", str(tmp_path / "env"))
    monkeypatch.setenv("LAKESTACK_AUTH", "strict")
    config = Config.from_env(port=0)
    assert (config.data_dir, config.auth, config.port) == (tmp_path / "env", "strict", 0)
    assert Config.from_env(data_dir=tmp_path / "x").data_dir == tmp_path / "x"


def test_unset_overrides_keep_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAKESTACK_AUTH", raising=False)
    assert Config.from_env(data_dir=tmp_path, auth=None).auth == "open"

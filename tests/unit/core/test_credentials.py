"""The credential store: default pair, persistence, account rule."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from lakestack.core.credentials import Credential, CredentialStore, account_id_for


def test_new_store_contains_default_test_pair() -> None:
    store = CredentialStore(None)
    assert store.get("test") == Credential("test", "test", None)
    assert store.list() == [Credential("test", "test", None)]


def test_get_unknown_key_returns_none() -> None:
    assert CredentialStore(None).get("AKIDUNKNOWN") is None


def test_add_then_get_returns_credential() -> None:
    store = CredentialStore(None)
    added = store.add("AKIDEXAMPLE", "secret", "111122223333")
    assert store.get("AKIDEXAMPLE") == added == Credential("AKIDEXAMPLE", "secret", "111122223333")
    assert [c.access_key_id for c in store.list()] == ["AKIDEXAMPLE", "test"]


def test_add_existing_key_replaces_it() -> None:
    store = CredentialStore(None)
    store.add("test", "other")
    assert store.get("test") == Credential("test", "other", None)


@pytest.mark.parametrize(
    ("key", "secret", "account"),
    [("", "s", None), ("a/b", "s", None), ("a b", "s", None), ("k", "", None), ("k", "s", "12")],
)
def test_add_malformed_values_raise_value_error(key: str, secret: str, account: str | None) -> None:
    with pytest.raises(ValueError):
        CredentialStore(None).add(key, secret, account)


@pytest.mark.parametrize(
    ("key", "account", "expected"),
    [
        ("test", None, "000000000000"),
        ("123456789012", None, "123456789012"),
        ("1234567890123", None, "000000000000"),
        ("12345678901a", None, "000000000000"),
        ("AKIDEXAMPLE", "111122223333", "111122223333"),
        ("123456789012", "111122223333", "111122223333"),
    ],
)
def test_account_for_follows_lakestack_rule(key: str, account: str | None, expected: str) -> None:
    store = CredentialStore(None)
    if account is not None:
        store.add(key, "secret", account)
    assert store.account_for(key) == expected
    assert account_id_for(key, store.get(key)) == expected


def test_account_for_unknown_twelve_digit_key_is_that_account() -> None:
    assert CredentialStore(None).account_for("210987654321") == "210987654321"


def test_file_store_is_created_with_default_pair(tmp_path: Path) -> None:
    path = tmp_path / "data" / "credentials.json"
    CredentialStore(path)
    doc = json.loads(path.read_text())
    assert doc["credentials"] == [
        {"access_key_id": "test", "secret_access_key": "test", "account_id": None}
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["credentials.json"]  # no temp files


def test_file_store_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    CredentialStore(path).add("AKIDEXAMPLE", "secret", "111122223333")
    reopened = CredentialStore(path)
    assert reopened.get("AKIDEXAMPLE") == Credential("AKIDEXAMPLE", "secret", "111122223333")
    assert reopened.get("test") is not None


def test_file_without_default_pair_gets_it_added(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    row = {"access_key_id": "k", "secret_access_key": "s", "account_id": None}
    path.write_text(json.dumps({"version": 1, "credentials": [row]}))
    store = CredentialStore(path)
    assert store.get("test") is not None and store.get("k") is not None
    assert len(json.loads(path.read_text())["credentials"]) == 2


def test_get_sees_keys_added_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    running = CredentialStore(path)
    CredentialStore(path).add("AKIDLATER", "secret")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # coarse-mtime filesystems
    assert running.get("AKIDLATER") == Credential("AKIDLATER", "secret", None)


def test_corrupt_file_raises_value_error(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not a valid lakestack credentials file"):
        CredentialStore(path)

"""The credential store's temporary credentials, principals, removal and pruning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lakestack.core.credentials import Credential, CredentialStore

ROLE_SESSION = "arn:aws:sts::111122223333:assumed-role/r/s"


def test_temporary_credential_round_trips_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    store = CredentialStore(path)
    added = store.add(
        "ASIAEXAMPLE000000001",
        "secret",
        "111122223333",
        session_token="token",
        expiration=1_800_000_000.0,
        principal_arn=ROLE_SESSION,
        principal_id="AROAX:s",
    )
    assert added.temporary and not added.expired(1_799_999_999.0) and added.expired(1.8e9)
    reopened = CredentialStore(path).get("ASIAEXAMPLE000000001")
    assert reopened == added


def test_files_without_the_new_fields_still_load(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "credentials": [
                    {"access_key_id": "old", "secret_access_key": "s", "account_id": None}
                ],
            }
        )
    )
    assert CredentialStore(path).get("old") == Credential("old", "s")


def test_token_without_expiry_is_refused() -> None:
    with pytest.raises(ValueError):
        CredentialStore(None).add("ASIAX", "s", session_token="t")


def test_remove_forgets_a_key_but_never_the_default_pair(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "credentials.json")
    store.add("AKIAREMOVE", "s")
    assert store.remove("AKIAREMOVE") is True
    assert store.get("AKIAREMOVE") is None
    assert CredentialStore(tmp_path / "credentials.json").get("AKIAREMOVE") is None
    assert store.remove("AKIAREMOVE") is False
    assert store.remove("test") is False and store.get("test") is not None


def test_prune_expired_keeps_recently_expired_keys() -> None:
    store = CredentialStore(None)
    store.add("ASIAOLD", "s", session_token="t", expiration=100.0)
    store.add("ASIARECENT", "s", session_token="t", expiration=1000.0)
    store.add("AKIALONG", "s")
    assert store.prune_expired(now=100.0 + 86400) == 1
    assert store.get("ASIAOLD") is None
    assert store.get("ASIARECENT") is not None and store.get("AKIALONG") is not None

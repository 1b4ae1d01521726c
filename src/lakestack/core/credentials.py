"""Access keys lakestack accepts, and which account each one acts for.

Owns the credential store: a small JSON file in the data directory
(``<data_dir>/credentials.json``, written atomically) or an in-memory table. It
always holds the default pair ``test`` / ``test``. Knows nothing of HTTP or of
how signatures are computed; the gateway's SigV4 verifier asks it for secrets.

Account rule (lakestack's, not AWS's): a credential's explicit account wins,
else an access key id of exactly 12 digits *is* the account id, else the
default account ``000000000000``.
"""

from __future__ import annotations

import builtins
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ACCOUNT_ID = "000000000000"
DEFAULT_ACCESS_KEY_ID = "test"
DEFAULT_SECRET_ACCESS_KEY = "test"
FILE_NAME = "credentials.json"
_FORMAT_VERSION = 1
_FORBIDDEN_KEY_CHARS = frozenset("/,=; \t\r\n")


@dataclass(frozen=True, slots=True)
class Credential:
    """One access key pair; ``account_id`` is ``None`` when derived by the account rule."""

    access_key_id: str
    secret_access_key: str
    account_id: str | None = None


def account_id_for(access_key_id: str, credential: Credential | None = None) -> str:
    """Apply the account rule to an access key id.

    >>> account_id_for("123456789012"), account_id_for("AKIAEXAMPLE")
    ('123456789012', '000000000000')
    >>> account_id_for("x", Credential("x", "s", "111122223333"))
    '111122223333'
    """
    if credential is not None and credential.account_id:
        return credential.account_id
    if len(access_key_id) == 12 and access_key_id.isascii() and access_key_id.isdigit():
        return access_key_id
    return DEFAULT_ACCOUNT_ID


def _check_account_id(account_id: str | None) -> None:
    if account_id is not None and not (
        len(account_id) == 12 and account_id.isascii() and account_id.isdigit()
    ):
        raise ValueError(f"account id must be 12 digits, got {account_id!r}")


def _check_access_key_id(access_key_id: str) -> None:
    if not access_key_id or _FORBIDDEN_KEY_CHARS.intersection(access_key_id):
        # '/' would break the SigV4 credential scope; ',' ';' '=' the header syntax.
        raise ValueError(f"invalid access key id {access_key_id!r}")


class CredentialStore:
    """Credentials kept in ``path`` (a JSON file), or in memory when ``path`` is None.

    Thread-safe. Lookups of unknown keys re-read the file when it changed on
    disk, so a key added by another process (the CLI) is seen without restart.

    >>> store = CredentialStore(None)
    >>> store.get("test").secret_access_key, store.account_for("test")
    ('test', '000000000000')
    >>> store.add("AKIDEXAMPLE", "secret", "111122223333").account_id
    '111122223333'
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._mtime_ns: int | None = None
        self._by_key: dict[str, Credential] = {}
        with self._lock:
            self._load()
            if DEFAULT_ACCESS_KEY_ID not in self._by_key:
                self._by_key[DEFAULT_ACCESS_KEY_ID] = Credential(
                    DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
                )
                self._save()

    @property
    def path(self) -> Path | None:
        return self._path

    def add(self, access_key_id: str, secret: str, account_id: str | None = None) -> Credential:
        """Add or replace a key pair and persist the store.

        Raises:
            ValueError: the key id, secret or account id is malformed.
        """
        _check_access_key_id(access_key_id)
        _check_account_id(account_id)
        if not secret:
            raise ValueError("secret access key must not be empty")
        credential = Credential(access_key_id, secret, account_id)
        with self._lock:
            self._by_key[access_key_id] = credential
            self._save()
        return credential

    def get(self, access_key_id: str) -> Credential | None:
        """The credential for ``access_key_id``, or ``None`` when unknown."""
        credential = self._by_key.get(access_key_id)
        if credential is None and self._path is not None and self._changed_on_disk():
            with self._lock:
                self._load()
            credential = self._by_key.get(access_key_id)
        return credential

    def account_for(self, access_key_id: str) -> str:
        """The account an access key acts for (see the module's account rule)."""
        return account_id_for(access_key_id, self._by_key.get(access_key_id))

    def list(self) -> builtins.list[Credential]:
        """All credentials, sorted by access key id."""
        return sorted(self._by_key.values(), key=lambda c: c.access_key_id)

    def _changed_on_disk(self) -> bool:
        assert self._path is not None
        try:
            return self._path.stat().st_mtime_ns != self._mtime_ns
        except FileNotFoundError:
            return False

    def _load(self) -> None:
        if self._path is None or not self._path.exists():
            return
        self._mtime_ns = self._path.stat().st_mtime_ns
        try:
            doc = json.loads(self._path.read_text(encoding="utf-8"))
            loaded = {
                row["access_key_id"]: Credential(
                    row["access_key_id"], row["secret_access_key"], row.get("account_id")
                )
                for row in doc["credentials"]
            }
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{self._path} is not a valid lakestack credentials file") from exc
        self._by_key = {**self._by_key, **loaded}

    def _save(self) -> None:
        if self._path is None:
            return
        doc = {
            "version": _FORMAT_VERSION,
            "credentials": [
                {
                    "access_key_id": c.access_key_id,
                    "secret_access_key": c.secret_access_key,
                    "account_id": c.account_id,
                }
                for c in self.list()
            ],
        }
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".credentials.", dir=self._path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=2)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._path)  # mkstemp already made it 0600: secrets inside
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._mtime_ns = self._path.stat().st_mtime_ns

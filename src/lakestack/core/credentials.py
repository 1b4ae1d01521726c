"""Access keys lakestack accepts, and which account each one acts for.

Owns the credential store: a small JSON file in the data directory
(``<data_dir>/credentials.json``, written atomically) or an in-memory table. It
always holds the default pair ``test`` / ``test``. Knows nothing of HTTP or of
how signatures are computed; the gateway's SigV4 verifier asks it for secrets.

Account rule (lakestack's, not AWS's): a credential's explicit account wins,
else an access key id of exactly 12 digits *is* the account id, else the
default account ``000000000000``.

Besides long-term keys the store holds the keys IAM issues for its users (with
the user as principal) and STS's temporary credentials (with a session token, an
expiry and the assumed role as principal). The store records them; deciding
whether a request's token matches or expired is the verifier's job.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import json
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from lakestack.core.storage.private import private_dir

DEFAULT_ACCOUNT_ID = "000000000000"
DEFAULT_ACCESS_KEY_ID = "test"
DEFAULT_SECRET_ACCESS_KEY = "test"
FILE_NAME = "credentials.json"
_FORMAT_VERSION = 1
_FORBIDDEN_KEY_CHARS = frozenset("/,=; \t\r\n")


@dataclass(frozen=True, slots=True)
class Credential:
    """One access key pair; ``account_id`` is ``None`` when derived by the account rule.

    ``session_token`` and ``expiration`` (epoch seconds) are set for temporary
    credentials; ``principal_arn``/``principal_id`` name the IAM user or assumed
    role the key acts as (``None``: the account's root).
    """

    access_key_id: str
    secret_access_key: str
    account_id: str | None = None
    session_token: str | None = None
    expiration: float | None = None
    principal_arn: str | None = None
    principal_id: str | None = None

    @property
    def temporary(self) -> bool:
        return self.session_token is not None

    def expired(self, now: float) -> bool:
        """True once a temporary credential's expiry has passed.

        >>> Credential("k", "s", expiration=10.0).expired(10.0), Credential("k", "s").expired(1e12)
        (True, False)
        """
        return self.expiration is not None and now >= self.expiration


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

    def add(
        self,
        access_key_id: str,
        secret: str,
        account_id: str | None = None,
        *,
        session_token: str | None = None,
        expiration: float | None = None,
        principal_arn: str | None = None,
        principal_id: str | None = None,
    ) -> Credential:
        """Add or replace a key pair and persist the store.

        Args:
            session_token, expiration: make it a temporary credential; requests
                must carry the token and are refused after ``expiration``.
            principal_arn, principal_id: the IAM user or assumed role it acts as.

        Raises:
            ValueError: the key id, secret or account id is malformed.
        """
        _check_access_key_id(access_key_id)
        _check_account_id(account_id)
        if not secret:
            raise ValueError("secret access key must not be empty")
        if (session_token is None) != (expiration is None):
            raise ValueError("a temporary credential needs both a session token and an expiry")
        credential = Credential(
            access_key_id,
            secret,
            account_id,
            session_token,
            expiration,
            principal_arn,
            principal_id,
        )
        with self._lock:
            self._by_key[access_key_id] = credential
            self._save()
        return credential

    def service_credential(self, account: str, principal_arn: str, principal_id: str) -> Credential:
        """The long-lived key a process lakestack starts (a Glue job's script) signs with,
        acting as ``principal_arn`` in ``account``: made once, then the same key, so a
        warm process keeps working across runs. Its id is derived from the principal.

        >>> store = CredentialStore(None)
        >>> c = store.service_credential("111122223333", "arn:aws:sts::111122223333:"
        ...     "assumed-role/r/GlueJobRunnerSession", "AROAX:GlueJobRunnerSession")
        >>> store.account_for(c.access_key_id), c.access_key_id[:4], len(c.access_key_id)
        ('111122223333', 'AKIA', 20)
        >>> store.service_credential("111122223333", c.principal_arn or "", "x") == c
        True
        """
        digest = hashlib.sha256(f"{account}\0{principal_arn}".encode()).digest()
        key_id = "AKIA" + base64.b32encode(digest).decode()[:16]
        existing = self.get(key_id)
        if existing is not None and existing.account_id == account:
            return existing
        return self.add(
            key_id,
            secrets.token_urlsafe(30),
            account,
            principal_arn=principal_arn,
            principal_id=principal_id,
        )

    def remove(self, access_key_id: str) -> bool:
        """Forget a key (IAM's DeleteAccessKey); True when it was there.

        The default pair cannot be removed (it is put back on the next start).
        """
        with self._lock:
            if access_key_id == DEFAULT_ACCESS_KEY_ID or access_key_id not in self._by_key:
                return False
            del self._by_key[access_key_id]
            self._save()
        return True

    def prune_expired(self, now: float, grace: float = 86400.0) -> int:
        """Drop temporary credentials that expired more than ``grace`` seconds ago.

        Until then an expired key is still known, so requests signed with it get
        ``ExpiredToken`` rather than being taken for an unknown key.
        """
        with self._lock:
            stale = [
                key
                for key, cred in self._by_key.items()
                if cred.expiration is not None and cred.expiration + grace <= now
            ]
            for key in stale:
                del self._by_key[key]
            if stale:
                self._save()
        return len(stale)

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
            loaded = {row["access_key_id"]: _from_row(row) for row in doc["credentials"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{self._path} is not a valid lakestack credentials file") from exc
        self._by_key = {**self._by_key, **loaded}

    def _save(self) -> None:
        if self._path is None:
            return
        doc = {
            "version": _FORMAT_VERSION,
            "credentials": [_to_row(c) for c in self.list()],
        }
        private_dir(self._path.parent)
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


_OPTIONAL_FIELDS = ("session_token", "expiration", "principal_arn", "principal_id")


def _to_row(credential: Credential) -> dict[str, object]:
    row: dict[str, object] = {
        "access_key_id": credential.access_key_id,
        "secret_access_key": credential.secret_access_key,
        "account_id": credential.account_id,
    }
    for name in _OPTIONAL_FIELDS:
        value = getattr(credential, name)
        if value is not None:
            row[name] = value
    return row


def _from_row(row: dict[str, object]) -> Credential:
    """A credential from its file row (files written before the optional fields load too).

    >>> _from_row({"access_key_id": "k", "secret_access_key": "s"}).temporary
    False
    """
    expiration = row.get("expiration")
    return Credential(
        str(row["access_key_id"]),
        str(row["secret_access_key"]),
        _opt_str(row.get("account_id")),
        _opt_str(row.get("session_token")),
        float(expiration) if isinstance(expiration, int | float) else None,
        _opt_str(row.get("principal_arn")),
        _opt_str(row.get("principal_id")),
    )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)

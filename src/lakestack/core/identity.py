"""Who a request acts as, across IAM and STS: id formats and the role lookup port.

STS issues credentials for IAM roles without importing IAM: the composition root
injects a :class:`RoleLookup` (IAM's engine satisfies it). Knows no storage, no HTTP.
Id prefixes follow AWS's "unique identifiers" table:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Protocol

from lakestack.core.ids import Ids

_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@dataclass(frozen=True, slots=True)
class RoleInfo:
    """What STS needs of a role to issue credentials for it."""

    account: str
    name: str
    arn: str
    role_id: str
    max_session_duration: int


class RoleLookup(Protocol):
    def find_role(self, account: str, name: str) -> RoleInfo | None:
        """The role named ``name`` in ``account``, or None."""
        ...


def unique_id(ids: Ids, prefix: str, length: int = 21) -> str:
    """An IAM-style unique id: ``prefix`` then upper-case letters and digits.

    >>> u = unique_id(Ids(seed=1), "AROA"); (u[:4], len(u), u.isalnum(), u.isupper())
    ('AROA', 21, True, True)
    """
    needed = length - len(prefix)
    text = base64.b32encode(bytes.fromhex(ids.hex(needed))).decode().rstrip("=")
    return prefix + text[:needed]


def secret_key(ids: Ids, length: int = 40) -> str:
    """A secret access key: ``length`` characters of the base64 alphabet.

    >>> len(secret_key(Ids(seed=1)))
    40
    """
    raw = bytes.fromhex(ids.hex(length))
    return "".join(_SECRET_ALPHABET[b % 64] for b in raw)


def session_token(ids: Ids) -> str:
    """An opaque session token, as long as the ones STS hands out (a few hundred chars).

    >>> len(session_token(Ids(seed=1))) > 300
    True
    """
    return "IQoJb3JpZ2luX2VjE" + base64.b64encode(bytes.fromhex(ids.hex(256))).decode()

"""Opaque NextToken values for listings: a position wrapped so clients can't build one.

Knows no service; each service turns a bad token into its own error.
"""

from __future__ import annotations

import base64
import binascii


class BadToken(ValueError):
    """A token this module did not make (or made for another namespace)."""


def encode_token(namespace: str, position: str) -> str:
    """An opaque token for ``position`` in a ``namespace`` of listings.

    >>> decode_token("glue", encode_token("glue", "sales"))
    'sales'
    """
    return base64.urlsafe_b64encode(f"{namespace}:{position}".encode()).decode()


def decode_token(namespace: str, token: str | None) -> str | None:
    """The position in ``token``; None for no token.

    Raises:
        BadToken: the token is not one :func:`encode_token` made for ``namespace``.
    """
    if not token:
        return None
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(f"{namespace}:"):
        raise BadToken(token)
    return text[len(namespace) + 1 :]

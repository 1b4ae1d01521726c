"""Object checksums as S3 defines them: CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5.

Owns the running hashers (``new_hasher``), the wire encoding of a digest (base64 of
the big-endian bytes) and the composite "checksum of checksums" S3 uses for
multipart uploads. Knows nothing of HTTP, buckets or where the bytes live.
CRC64NVME needs ``awscrt``; :func:`supported` says whether an algorithm is available.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable
from typing import Protocol

import crc32c as _crc32c

try:  # optional: botocore's CRT extra
    from awscrt import checksums as _crt
except ImportError:  # pragma: no cover - depends on the environment
    _crt = None


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    """A running CRC kept as an int, digested big-endian like S3 does."""

    __slots__ = ("_fn", "_value", "_width")

    def __init__(self, fn: Callable[[bytes, int], int], width: int) -> None:
        self._fn = fn
        self._value = 0
        self._width = width

    def update(self, data: bytes, /) -> None:
        self._value = self._fn(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width, "big")


def _crc64nvme(data: bytes, value: int) -> int:
    assert _crt is not None
    return int(_crt.crc64nvme(data, value))


_HASHLIB = {"SHA1": "sha1", "SHA256": "sha256", "SHA512": "sha512", "MD5": "md5"}
ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "SHA512", "MD5")
"""Algorithm names as S3 spells them (``ChecksumAlgorithm`` values)."""


def supported(algorithm: str) -> bool:
    """Whether lakestack can compute ``algorithm`` here.

    >>> supported("CRC32"), supported("XXHASH64")
    (True, False)
    """
    if algorithm == "CRC64NVME":
        return _crt is not None
    return algorithm in ALGORITHMS


def new_hasher(algorithm: str) -> Hasher:
    """A fresh running hasher for one of :data:`ALGORITHMS`.

    >>> h = new_hasher("CRC32"); h.update(b"hello"); encode(h.digest())
    'NhCmhg=='

    Raises:
        ValueError: the algorithm is unknown or not available here.
    """
    if algorithm == "CRC32":
        return _Crc(zlib.crc32, 4)
    if algorithm == "CRC32C":
        return _Crc(_crc32c.crc32c, 4)
    if algorithm == "CRC64NVME" and _crt is not None:
        return _Crc(_crc64nvme, 8)
    name = _HASHLIB.get(algorithm)
    if name is None:
        raise ValueError(f"checksum algorithm {algorithm} is not supported")
    return hashlib.new(name)


def encode(digest: bytes) -> str:
    """Digest bytes as S3 sends them: base64."""
    return base64.b64encode(digest).decode("ascii")


def decode(value: str) -> bytes | None:
    """Base64 text back to digest bytes; ``None`` when it is not valid base64.

    >>> decode("NhCmhg=="), decode("not base64!")
    (b'6\\x10\\xa6\\x86', None)
    """
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def digest_size(algorithm: str) -> int:
    """Digest length in bytes (used to validate incoming values).

    >>> digest_size("CRC32C"), digest_size("SHA256")
    (4, 32)
    """
    return {
        "CRC32": 4,
        "CRC32C": 4,
        "CRC64NVME": 8,
        "SHA1": 20,
        "SHA256": 32,
        "SHA512": 64,
        "MD5": 16,
    }[algorithm]


def checksum(algorithm: str, data: bytes) -> str:
    """One-shot encoded checksum of ``data``.

    >>> checksum("SHA1", b"")
    '2jmj7l5rSw0yVb/vlWAYkK/YBwk='
    """
    h = new_hasher(algorithm)
    h.update(data)
    return encode(h.digest())


def composite(algorithm: str, part_values: list[str]) -> str:
    """S3's multipart COMPOSITE checksum: the checksum of the concatenated part
    digests, then ``-<part count>``.

    >>> composite("CRC32", [checksum("CRC32", b"a"), checksum("CRC32", b"b")])
    '7pJxdw==-2'
    """
    h = new_hasher(algorithm)
    for value in part_values:
        h.update(decode(value) or b"")
    return f"{encode(h.digest())}-{len(part_values)}"

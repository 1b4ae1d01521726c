"""Object checksums as S3 defines them: CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5
and the XXHASH family (XXHASH64, XXHASH3, XXHASH128).

Owns the running hashers (``new_hasher``), the wire encoding of a digest (base64 of
the big-endian bytes) and the two multipart forms S3 uses: the COMPOSITE "checksum of
checksums" and the FULL_OBJECT CRC combined from the parts' CRCs without re-reading
them (``combine``). Knows nothing of HTTP, buckets or where the bytes live.

The CRCs are the ones boto3 and the AWS C++ SDK (pyarrow's S3 filesystem) send. CRC32 is
zlib's; CRC32C and CRC64NVME (the NVMe polynomial S3 uses by default) come from the AWS
Common Runtime (``awscrt``), the implementation the SDKs themselves use; so do the
XXHASH digests (botocore computes them with awscrt too).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, Protocol


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


_CrcFn = Callable[[bytes, int], int]


class _Crc:
    """A running CRC kept as an int, digested big-endian like S3 does."""

    __slots__ = ("_fn", "_value", "_width")

    def __init__(self, fn: _CrcFn, width: int) -> None:
        self._fn = fn
        self._value = 0
        self._width = width

    def update(self, data: bytes, /) -> None:
        self._value = self._fn(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width, "big")


def _zlib_crc32(data: bytes, value: int) -> int:
    return zlib.crc32(data, value)


@cache
def _crt() -> Any:
    """awscrt's checksums, loaded on first use (its native library is slow to load)."""
    from awscrt import checksums  # type: ignore[import-untyped]

    return checksums


def _crt_crc32c(data: bytes, value: int) -> int:
    return int(_crt().crc32c(data, value))


def _crt_crc64nvme(data: bytes, value: int) -> int:
    return int(_crt().crc64nvme(data, value))


# name -> (running function, digest width, combine(crc1, crc2, len2))
_CRCS: dict[str, tuple[_CrcFn, int, Callable[[int, int, int], int]]] = {
    "CRC32": (_zlib_crc32, 4, lambda a, b, n: int(_crt().combine_crc32(a, b, n))),
    "CRC32C": (_crt_crc32c, 4, lambda a, b, n: int(_crt().combine_crc32c(a, b, n))),
    "CRC64NVME": (_crt_crc64nvme, 8, lambda a, b, n: int(_crt().combine_crc64nvme(a, b, n))),
}
_HASHLIB = {"SHA1": "sha1", "SHA256": "sha256", "SHA512": "sha512", "MD5": "md5"}


class _XXHash:
    """awscrt's streaming XXHASH, seed 0 as the SDKs use it."""

    __slots__ = ("_hash",)

    def __init__(self, factory: str) -> None:
        self._hash = getattr(_crt().XXHash, factory)()

    def update(self, data: bytes, /) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return bytes(self._hash.finalize())


# name -> (awscrt factory, digest width)
_XXHASHES = {
    "XXHASH64": ("new_xxhash64", 8),
    "XXHASH3": ("new_xxhash3_64", 8),
    "XXHASH128": ("new_xxhash3_128", 16),
}
ALGORITHMS = (
    "CRC32",
    "CRC32C",
    "CRC64NVME",
    "SHA1",
    "SHA256",
    "SHA512",
    "MD5",
    *_XXHASHES,
)
"""Algorithm names as S3 spells them (``ChecksumAlgorithm`` values)."""
FULL_OBJECT_ALGORITHMS = tuple(_CRCS)
"""The algorithms a multipart upload may checksum as a FULL_OBJECT (the CRCs)."""


def supported(algorithm: str) -> bool:
    """Whether lakestack can compute ``algorithm``.

    >>> supported("CRC64NVME"), supported("XXHASH64"), supported("ADLER32")
    (True, True, False)
    """
    return algorithm in ALGORITHMS


def new_hasher(algorithm: str) -> Hasher:
    """A fresh running hasher for one of :data:`ALGORITHMS`.

    >>> h = new_hasher("CRC32"); h.update(b"hello"); encode(h.digest())
    'NhCmhg=='
    >>> h = new_hasher("CRC64NVME"); h.update(b"123456789"); h.digest().hex()
    'ae8b14860a799888'

    Raises:
        ValueError: the algorithm is unknown.
    """
    crc = _CRCS.get(algorithm)
    if crc is not None:
        return _Crc(crc[0], crc[1])
    xxhash = _XXHASHES.get(algorithm)
    if xxhash is not None:
        return _XXHash(xxhash[0])
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

    >>> digest_size("CRC32C"), digest_size("CRC64NVME"), digest_size("SHA256")
    (4, 8, 32)
    """
    return {
        "CRC32": 4,
        "CRC32C": 4,
        "CRC64NVME": 8,
        "SHA1": 20,
        "SHA256": 32,
        "SHA512": 64,
        "MD5": 16,
        **{name: width for name, (_, width) in _XXHASHES.items()},
    }[algorithm]


def checksum(algorithm: str, data: bytes) -> str:
    """One-shot encoded checksum of ``data``.

    >>> checksum("SHA1", b"")
    '2jmj7l5rSw0yVb/vlWAYkK/YBwk='
    >>> checksum("CRC32C", b"hello")
    'mnG7TA=='
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


def combine(algorithm: str, parts: Iterable[tuple[str, int]]) -> str:
    """S3's multipart FULL_OBJECT checksum: the CRC of the whole object, combined from
    each part's encoded CRC and byte length without reading the data again.

    >>> parts = [(checksum("CRC64NVME", b"hello "), 6), (checksum("CRC64NVME", b"world"), 5)]
    >>> combine("CRC64NVME", parts) == checksum("CRC64NVME", b"hello world")
    True

    Raises:
        ValueError: ``algorithm`` is not a CRC (only CRCs combine), or a value is not
            a valid encoded digest of it.
    """
    crc = _CRCS.get(algorithm)
    if crc is None:
        raise ValueError(f"the FULL_OBJECT checksum type cannot be used with {algorithm}")
    _, width, join = crc
    total = 0
    for value, length in parts:
        raw = decode(value)
        if raw is None or len(raw) != width:
            raise ValueError(f"{value!r} is not a {algorithm} checksum")
        total = join(total, int.from_bytes(raw, "big"), length)
    return encode(total.to_bytes(width, "big"))

from __future__ import annotations

import base64
import hashlib
import zlib

import crc32c
import pytest

from lakestack.core import checksums


@pytest.mark.parametrize(
    ("algo", "expected"),
    [
        ("CRC32", zlib.crc32(b"hello").to_bytes(4, "big")),
        ("CRC32C", crc32c.crc32c(b"hello").to_bytes(4, "big")),
        ("SHA1", hashlib.sha1(b"hello").digest()),
        ("SHA256", hashlib.sha256(b"hello").digest()),
    ],
)
def test_checksum_matches_reference(algo: str, expected: bytes) -> None:
    h = checksums.new_hasher(algo)
    h.update(b"he")
    h.update(b"llo")
    assert h.digest() == expected
    assert checksums.checksum(algo, b"hello") == base64.b64encode(expected).decode()


def test_new_hasher_unknown_raises() -> None:
    with pytest.raises(ValueError):
        checksums.new_hasher("ADLER32")


def test_composite_is_checksum_of_part_digests() -> None:
    parts = [checksums.checksum("SHA256", b"a"), checksums.checksum("SHA256", b"b")]
    raw = hashlib.sha256(hashlib.sha256(b"a").digest() + hashlib.sha256(b"b").digest()).digest()
    assert checksums.composite("SHA256", parts) == base64.b64encode(raw).decode() + "-2"


def test_decode_rejects_bad_base64() -> None:
    assert checksums.decode("@@") is None

"""Listing: ListObjects (v1), ListObjectsV2 and ListObjectVersions.

Walks keys in UTF-8 binary order by seeking an index: each page costs a few
indexed range queries, and a common prefix is skipped whole by seeking past
``successor(prefix)``. Continuation tokens are opaque (base64 of the last item
returned). Part of :class:`lakestack.services.s3.engine.S3Engine`; knows no HTTP.
Response-side URL encoding (``encoding-type=url``) is :func:`url_encode`, applied
by the provider.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from lakestack.services.s3.base import EngineBase
from lakestack.services.s3.errors import InvalidArgument
from lakestack.services.s3.models import ListObjectsResult, ListVersionsResult, ObjectVersion

MAX_KEYS = 1000
_BATCH = 256


def successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with ``prefix``.

    >>> successor(b"a/"), successor(b"a\\xff"), successor(b"\\xff")
    (b'a0', b'b', None)
    """
    p = prefix.rstrip(b"\xff")
    if not p:
        return None
    return p[:-1] + bytes([p[-1] + 1])


def url_encode(value: str | None) -> str | None:
    """S3's ``encoding-type=url`` form of a key or prefix.

    >>> url_encode("a b/c+d\\x01é")
    'a%20b/c%2Bd%01%C3%A9'
    """
    return None if value is None else quote(value, safe="/")


def encode_token(kind: str, value: bytes) -> str:
    return base64.urlsafe_b64encode(kind.encode() + value).decode()


def decode_token(token: str) -> tuple[str, bytes]:
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if raw[:1] not in (b"K", b"P"):
        raise InvalidArgument(
            "The continuation token provided is incorrect",
            ArgumentName="continuation-token",
            ArgumentValue=token,
        )
    return raw[:1].decode(), raw[1:]


@dataclass(slots=True)
class _Cursor:
    lower: bytes
    inclusive: bool
    seq: int | None = None
    """For version listings: continue with this key's versions older than ``seq``."""


Item = tuple[str, ObjectVersion | bytes]  # ("K", version) or ("P", common prefix)
Fetch = Callable[[_Cursor, bytes | None, int], list[ObjectVersion]]


def walk(
    fetch: Fetch,
    prefix: bytes,
    delimiter: bytes | None,
    cursor: _Cursor,
    skip_upto: bytes | None,
    limit: int,
) -> tuple[list[Item], bool]:
    """Up to ``limit`` items (keys or common prefixes) from ``cursor`` on, and whether
    more exist. Common prefixes not greater than ``skip_upto`` are left out."""
    upper = successor(prefix) if prefix else None
    if cursor.lower < prefix:
        cursor = _Cursor(prefix, True)
    out: list[Item] = []
    while len(out) <= limit:
        rows = fetch(cursor, upper, _BATCH)
        if not rows:
            break
        jumped = False
        for v in rows:
            k = v.key.encode()
            i = k.find(delimiter, len(prefix)) if delimiter else -1
            if i >= 0:
                assert delimiter is not None
                cp = k[: i + len(delimiter)]
                if skip_upto is None or cp > skip_upto:
                    out.append(("P", cp))
                nxt = successor(cp)
                if nxt is None:
                    return _cut(out, limit)
                cursor = _Cursor(nxt, True)
                jumped = True
                break
            out.append(("K", v))
            cursor = _Cursor(k, False, v.seq)
            if len(out) > limit:
                break
        if not jumped and len(rows) < _BATCH:
            break
    return _cut(out, limit)


def _cut(out: list[Item], limit: int) -> tuple[list[Item], bool]:
    return (out[:limit], True) if len(out) > limit else (out, False)


def _check_common(max_keys: int | None, encoding_type: str | None) -> int:
    if encoding_type is not None and encoding_type != "url":
        raise InvalidArgument(
            "Invalid Encoding Method specified in Request",
            ArgumentName="encoding-type",
            ArgumentValue=encoding_type,
        )
    if max_keys is None:
        return MAX_KEYS
    if max_keys < 0:
        raise InvalidArgument(
            "Argument maxKeys must be an integer between 0 and 2147483647",
            ArgumentName="maxKeys",
            ArgumentValue=str(max_keys),
        )
    return min(max_keys, MAX_KEYS)


def _split(items: list[Item]) -> tuple[list[ObjectVersion], list[str]]:
    keys = [v for kind, v in items if kind == "K"]
    prefixes = [v.decode() for kind, v in items if kind == "P"]  # type: ignore[union-attr]
    return keys, prefixes  # type: ignore[return-value]


class ListingOps(EngineBase):
    def _fetch_visible(self, bucket: str) -> Fetch:
        def fetch(c: _Cursor, upper: bytes | None, n: int) -> list[ObjectVersion]:
            return self._store.visible_after(bucket, c.lower, c.inclusive, upper, n)

        return fetch

    def _fetch_versions(self, bucket: str) -> Fetch:
        def fetch(c: _Cursor, upper: bytes | None, n: int) -> list[ObjectVersion]:
            rows: list[ObjectVersion] = []
            if c.seq is not None and not c.inclusive:
                rows = self._store.versions_after(
                    bucket, b"", False, None, n, key=c.lower, below_seq=c.seq
                )
            if len(rows) < n:
                rows += self._store.versions_after(
                    bucket, c.lower, c.inclusive, upper, n - len(rows)
                )
            return rows

        return fetch

    def list_objects_v2(
        self,
        account: str,
        region: str,
        bucket: str,
        *,
        prefix: str | None = None,
        delimiter: str | None = None,
        max_keys: int | None = None,
        continuation_token: str | None = None,
        start_after: str | None = None,
        encoding_type: str | None = None,
    ) -> ListObjectsResult:
        """One page of current, non-deleted keys in UTF-8 binary order.

        Raises:
            NoSuchBucket, InvalidArgument (bad token, encoding type or max-keys).
        """
        self._bill("ListObjectsV2", account, region, bucket)
        self._bucket(bucket)
        limit = _check_common(max_keys, encoding_type)
        skip = start_after.encode() if start_after else None
        cursor = _Cursor(skip or b"", skip is None)
        if continuation_token:
            kind, value = decode_token(continuation_token)
            nxt = successor(value) if kind == "P" else value
            cursor = (
                _Cursor(nxt, True) if kind == "P" and nxt is not None else _Cursor(value, False)
            )
        items, truncated = self._walk_visible(bucket, prefix, delimiter, cursor, skip, limit)
        keys, prefixes = _split(items)
        token = None
        if truncated:
            kind, last = items[-1]
            token = encode_token(kind, last if isinstance(last, bytes) else last.key.encode())
        return ListObjectsResult(
            bucket=bucket,
            prefix=prefix or "",
            delimiter=delimiter,
            max_keys=limit,
            contents=keys,
            common_prefixes=prefixes,
            is_truncated=truncated,
            encoding_type=encoding_type,
            next_continuation_token=token,
            continuation_token=continuation_token,
            start_after=start_after,
        )

    def list_objects(
        self,
        account: str,
        region: str,
        bucket: str,
        *,
        prefix: str | None = None,
        delimiter: str | None = None,
        max_keys: int | None = None,
        marker: str | None = None,
        encoding_type: str | None = None,
    ) -> ListObjectsResult:
        """ListObjects (v1): ``NextMarker`` only when a delimiter was given."""
        self._bill("ListObjects", account, region, bucket)
        self._bucket(bucket)
        limit = _check_common(max_keys, encoding_type)
        skip = marker.encode() if marker else None
        items, truncated = self._walk_visible(
            bucket, prefix, delimiter, _Cursor(skip or b"", skip is None), skip, limit
        )
        keys, prefixes = _split(items)
        next_marker = None
        if truncated and delimiter:
            _, last = items[-1]
            next_marker = last.decode() if isinstance(last, bytes) else last.key
        return ListObjectsResult(
            bucket=bucket,
            prefix=prefix or "",
            delimiter=delimiter,
            max_keys=limit,
            contents=keys,
            common_prefixes=prefixes,
            is_truncated=truncated,
            encoding_type=encoding_type,
            marker=marker or "",
            next_marker=next_marker,
        )

    def _walk_visible(
        self,
        bucket: str,
        prefix: str | None,
        delimiter: str | None,
        cursor: _Cursor,
        skip: bytes | None,
        limit: int,
    ) -> tuple[list[Item], bool]:
        if limit == 0:
            return [], False
        return walk(
            self._fetch_visible(bucket),
            (prefix or "").encode(),
            delimiter.encode() if delimiter else None,
            cursor,
            skip,
            limit,
        )

    def list_object_versions(
        self,
        account: str,
        region: str,
        bucket: str,
        *,
        prefix: str | None = None,
        delimiter: str | None = None,
        max_keys: int | None = None,
        key_marker: str | None = None,
        version_id_marker: str | None = None,
        encoding_type: str | None = None,
    ) -> ListVersionsResult:
        """Versions and delete markers, by key then newest first.

        Raises:
            NoSuchBucket, InvalidArgument (version-id marker without key marker, or unknown).
        """
        self._bill("ListObjectVersions", account, region, bucket)
        self._bucket(bucket)
        limit = _check_common(max_keys, encoding_type)
        cursor = _Cursor(b"", True)
        if version_id_marker and not key_marker:
            raise InvalidArgument(
                "A version-id marker cannot be specified without a key marker.",
                ArgumentName="version-id-marker",
                ArgumentValue=version_id_marker,
            )
        if key_marker:
            cursor = _Cursor(key_marker.encode(), False)
            if version_id_marker:
                marked = self._store.version(bucket, key_marker, version_id_marker)
                if marked is None:
                    raise InvalidArgument(
                        "Invalid version id specified",
                        ArgumentName="version-id-marker",
                        ArgumentValue=version_id_marker,
                    )
                cursor.seq = marked.seq
        items: list[Item] = []
        truncated = False
        if limit:
            items, truncated = walk(
                self._fetch_versions(bucket),
                (prefix or "").encode(),
                delimiter.encode() if delimiter else None,
                cursor,
                key_marker.encode() if key_marker else None,
                limit,
            )
        versions, prefixes = _split(items)
        result = ListVersionsResult(
            bucket=bucket,
            prefix=prefix or "",
            delimiter=delimiter,
            max_keys=limit,
            versions=versions,
            common_prefixes=prefixes,
            is_truncated=truncated,
            key_marker=key_marker or "",
            version_id_marker=version_id_marker or "",
            encoding_type=encoding_type,
        )
        if truncated:
            _, last = items[-1]
            if isinstance(last, bytes):
                result.next_key_marker = last.decode()
            else:
                result.next_key_marker = last.key
                result.next_version_id_marker = last.version_id
        return result

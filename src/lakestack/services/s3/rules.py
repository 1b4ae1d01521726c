"""Pure S3 rules: bucket names, key limits, byte ranges, conditional requests,
tag sets and copy sources.

Functions of values only: no store, no clock, no HTTP. Errors are raised as
``services/s3/errors`` classes.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from urllib.parse import unquote

from lakestack.services.s3.errors import (
    BadRequest,
    EntityTooLarge,
    InvalidArgument,
    InvalidBucketName,
    InvalidRange,
    InvalidTag,
    KeyTooLongError,
    MetadataTooLarge,
    NotModified,
    PreconditionFailed,
)
from lakestack.services.s3.models import ObjectVersion

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
MAX_KEY_BYTES = 1024
MAX_USER_METADATA_BYTES = 2 * 1024
MAX_UPLOAD_BYTES = 5 * 1024**3
"""The largest single PUT and the largest part: 5 GiB."""


def validate_user_metadata(user: dict[str, str]) -> None:
    """User-defined metadata is limited to 2 KB: the UTF-8 bytes of every key and value.

    >>> validate_user_metadata({"k": "v" * 2047})
    >>> validate_user_metadata({"k": "v" * 2048})
    Traceback (most recent call last):
    ...
    lakestack.services.s3.errors.MetadataTooLarge: Your metadata headers exceed the maximum \
allowed metadata size.
    """
    size = sum(len(k.encode()) + len(v.encode()) for k, v in user.items())
    if size > MAX_USER_METADATA_BYTES:
        raise MetadataTooLarge(Size=size, MaxSizeAllowed=MAX_USER_METADATA_BYTES)


SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def encryption_request(
    algorithm: str | None, kms_key_id: str | None
) -> tuple[str, str | None] | None:
    """The server-side encryption a write asks for; ``None``: the bucket's default.

    >>> encryption_request("aws:kms", "alias/data")
    ('aws:kms', 'alias/data')
    >>> encryption_request(None, None) is None
    True
    """
    if algorithm is None:
        if kms_key_id is not None:
            raise InvalidArgument(
                "Server Side Encryption with KMS managed key requires HTTP header "
                "x-amz-server-side-encryption : aws:kms",
                ArgumentName="x-amz-server-side-encryption",
            )
        return None
    if algorithm not in SSE_ALGORITHMS:
        raise InvalidArgument(
            "The encryption method specified is not supported",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue=algorithm,
        )
    if kms_key_id is not None and algorithm == "AES256":
        raise InvalidArgument(
            "Server Side Encryption with KMS managed key requires HTTP header "
            "x-amz-server-side-encryption : aws:kms",
            ArgumentName="x-amz-server-side-encryption-aws-kms-key-id",
        )
    return algorithm, kms_key_id


def validate_upload_size(content_length: int | None) -> None:
    """Refuse a body over 5 GiB before reading it.

    >>> validate_upload_size(5 * 1024**3 + 1)
    Traceback (most recent call last):
    ...
    lakestack.services.s3.errors.EntityTooLarge: Your proposed upload exceeds the maximum \
allowed object size.
    """
    if content_length is not None and content_length > MAX_UPLOAD_BYTES:
        raise EntityTooLarge(ProposedSize=content_length, MaxSizeAllowed=MAX_UPLOAD_BYTES)


def validate_bucket_name(name: str) -> None:
    """Raise ``InvalidBucketName`` unless ``name`` follows the general-purpose rules.

    >>> validate_bucket_name("my-bucket.logs")
    >>> validate_bucket_name("My_Bucket")
    Traceback (most recent call last):
    ...
    lakestack.services.s3.errors.InvalidBucketName: The specified bucket is not valid.
    """
    ok = (
        _BUCKET.fullmatch(name) is not None
        and ".." not in name
        and ".-" not in name
        and "-." not in name
        and not name.startswith(("xn--", "sthree-", "amzn-s3-demo-"))
        and not name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"))
        and not _is_ip(name)
    )
    if not ok:
        raise InvalidBucketName(BucketName=name)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def validate_key(key: str) -> None:
    """Keys are at most 1024 bytes of UTF-8; anything else goes (``..``, control chars)."""
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise KeyTooLongError(Size=len(key.encode()), MaxSizeAllowed=MAX_KEY_BYTES)


def parse_range(spec: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive byte range ``(first, last)`` a ``Range`` value asks for.

    ``None`` means "send the whole object": no range, or a value that is not a
    single well-formed byte range (AWS ignores those). Unsatisfiable ranges raise.

    >>> parse_range("bytes=0-9", 100), parse_range("bytes=90-", 100), parse_range("bytes=-5", 100)
    ((0, 9), (90, 99), (95, 99))
    >>> parse_range("bytes=5-200", 100), parse_range("bytes=9-3", 100), parse_range("items=1-2", 9)
    ((5, 99), None, None)
    >>> parse_range("bytes=100-", 100)
    Traceback (most recent call last):
    ...
    lakestack.services.s3.errors.InvalidRange: The requested range is not satisfiable
    """
    if not spec:
        return None
    m = _RANGE.fullmatch(spec.strip())
    if m is None or (not m.group(1) and not m.group(2)):
        return None
    first_s, last_s = m.groups()
    if not first_s:
        n = int(last_s)
        if n == 0 or size == 0:
            raise InvalidRange(RangeRequested=spec, ActualObjectSize=size)
        return max(0, size - n), size - 1
    first = int(first_s)
    if last_s and int(last_s) < first:
        return None
    last = int(last_s) if last_s else size - 1
    if first >= size:
        raise InvalidRange(RangeRequested=spec, ActualObjectSize=size)
    return first, min(last, size - 1)


def _etag_matches(header: str, etag: str) -> bool:
    wanted = etag.strip('"')
    for item in header.split(","):
        item = item.strip()
        if item == "*" or item.removeprefix("W/").strip('"') == wanted:
            return True
    return False


def check_read_conditions(
    v: ObjectVersion,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: datetime | None,
    if_unmodified_since: datetime | None,
) -> None:
    """GET/HEAD preconditions in RFC 7232 order, with S3's precedence rules:
    a true If-Match makes If-Unmodified-Since irrelevant, a false If-None-Match
    makes If-Modified-Since irrelevant.

    Raises:
        PreconditionFailed: If-Match false, or If-Unmodified-Since false without If-Match.
        NotModified: If-None-Match matches, or not modified since If-Modified-Since.
    """
    lm = int(v.last_modified)
    if if_match is not None:
        if not _etag_matches(if_match, v.etag):
            raise PreconditionFailed(Condition="If-Match")
    elif if_unmodified_since is not None and lm > if_unmodified_since.timestamp():
        raise PreconditionFailed(Condition="If-Unmodified-Since")
    if if_none_match is not None:
        if _etag_matches(if_none_match, v.etag):
            raise NotModified(ETag=v.etag)
    elif if_modified_since is not None and lm <= if_modified_since.timestamp():
        raise NotModified(ETag=v.etag)


def check_copy_conditions(
    v: ObjectVersion,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: datetime | None,
    if_unmodified_since: datetime | None,
) -> None:
    """``x-amz-copy-source-if-*``: every failure is a 412, same precedence as reads."""
    try:
        check_read_conditions(v, if_match, if_none_match, if_modified_since, if_unmodified_since)
    except NotModified:
        cond = (
            "x-amz-copy-source-If-None-Match"
            if if_none_match is not None
            else "x-amz-copy-source-If-Modified-Since"
        )
        raise PreconditionFailed(Condition=cond) from None
    except PreconditionFailed as e:
        raise PreconditionFailed(
            Condition="x-amz-copy-source-" + str(e.fields.get("Condition"))
        ) from None


def validate_tags(tags: dict[str, str], limit: int = 10) -> None:
    """Object tag rules: at most ``limit`` tags, key ≤ 128 chars, value ≤ 256 chars."""
    if len(tags) > limit:
        raise BadRequest(f"Object tags cannot be greater than {limit}")
    for k, val in tags.items():
        if not k or len(k) > 128:
            raise InvalidTag("The TagKey you have provided is invalid")
        if len(val) > 256:
            raise InvalidTag("The TagValue you have provided is invalid")


def tag_set_to_dict(tag_set: list[dict[str, str]]) -> dict[str, str]:
    """``[{"Key","Value"}]`` -> dict, rejecting duplicate keys as S3 does.

    >>> tag_set_to_dict([{"Key": "a", "Value": "1"}])
    {'a': '1'}
    """
    out: dict[str, str] = {}
    for t in tag_set:
        if t["Key"] in out:
            raise InvalidTag("Cannot provide multiple Tags with the same key")
        out[t["Key"]] = t.get("Value", "")
    return out


def parse_copy_source(source: str) -> tuple[str, str, str | None]:
    """``bucket/key[?versionId=v]`` (URL-encoded, optional leading ``/``) -> parts.

    >>> parse_copy_source("/b/dir/a%20b.txt?versionId=v1")
    ('b', 'dir/a b.txt', 'v1')
    """
    version_id: str | None = None
    path, sep, query = source.partition("?")
    if sep:
        for pair in query.split("&"):
            name, _, value = pair.partition("=")
            if name == "versionId":
                version_id = unquote(value)
    path = unquote(path).lstrip("/")
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise InvalidArgument(
            "Invalid copy source object key", ArgumentName="x-amz-copy-source", ArgumentValue=source
        )
    return bucket, key, version_id

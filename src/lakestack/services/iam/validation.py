"""IAM's input constraints that botocore's validator does not check (patterns, maxima).

Messages follow AWS's "1 validation error detected" form. Knows no storage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from lakestack.core.pagination import BadToken, decode_token, encode_token
from lakestack.services.iam.errors import InvalidInput, ValidationError
from lakestack.services.iam.models import Page

T = TypeVar("T")

_NAME = re.compile(r"[\w+=,.@-]+")
_PATH = re.compile(r"/|/[\x21-\x7e]+/")
_VERSION_ID = re.compile(r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?")
_TOKEN_NAMESPACE = "iam"
MAX_TAGS = 50


def _invalid(value: object, member: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: Member must {constraint}"
    )


def check_name(value: str, member: str, max_length: int = 64) -> None:
    """A role, user, policy or inline policy name.

    >>> check_name("glue-role@x", "roleName")
    >>> check_name("bad name", "roleName")
    Traceback (most recent call last):
    lakestack.services.iam.errors.ValidationError: 1 validation error detected: Value \
'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular \
expression pattern: [\\w+=,.@-]+
    """
    if len(value) > max_length:
        raise _invalid(value, member, f"have length less than or equal to {max_length}")
    if not _NAME.fullmatch(value):
        raise _invalid(value, member, r"satisfy regular expression pattern: [\w+=,.@-]+")


def check_path(value: str, member: str = "path") -> None:
    if len(value) > 512:
        raise _invalid(value, member, "have length less than or equal to 512")
    if not _PATH.fullmatch(value):
        raise _invalid(
            value,
            member,
            r"satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007F]+\u002F)",
        )


def check_version_id(value: str) -> None:
    if not _VERSION_ID.fullmatch(value):
        raise _invalid(
            value,
            "versionId",
            r"satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?",
        )


def check_max_session_duration(value: int) -> None:
    if not 3600 <= value <= 43200:
        raise _invalid(
            value,
            "maxSessionDuration",
            "have value less than or equal to 43200"
            if value > 43200
            else "have value greater than or equal to 3600",
        )


def check_tags(tags: dict[str, str]) -> None:
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise _invalid(key, "tags.member.key", "have length less than or equal to 128")
        if len(value) > 256:
            raise _invalid(value, "tags.member.value", "have length less than or equal to 256")


def check_max_items(max_items: int | None) -> int:
    if max_items is None:
        return 100
    if not 1 <= max_items <= 1000:
        raise _invalid(max_items, "maxItems", "have value less than or equal to 1000")
    return max_items


def page_start(marker: str | None) -> str | None:
    try:
        return decode_token(_TOKEN_NAMESPACE, marker)
    except BadToken:
        raise InvalidInput("Invalid Marker.") from None


def page_marker(position: str) -> str:
    return encode_token(_TOKEN_NAMESPACE, position)


def paginate(
    items: Iterable[T], key: Callable[[T], str], marker: str | None, max_items: int | None
) -> Page[T]:
    """One page of ``items`` (sorted by ``key``) after ``marker``.

    >>> paginate(["a", "b", "c"], str, None, 2).items
    ['a', 'b']
    """
    limit = check_max_items(max_items)
    start = page_start(marker)
    ordered = sorted(items, key=key)
    if start is not None:
        ordered = [i for i in ordered if key(i) > start]
    page = ordered[:limit]
    truncated = len(ordered) > limit
    return Page(page, truncated, page_marker(key(page[-1])) if truncated else None)

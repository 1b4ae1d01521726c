"""What engines that read the lake (Athena, Glue crawlers) need from the object store,
as protocols the S3 engine satisfies structurally; ``emulator.py`` passes it in.

Knows no service: a listing is keys, sizes and the absolute paths of their bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


class StoredObject(Protocol):
    """A listed object: its key, size and the absolute path of its bytes."""

    @property
    def key(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def blob(self) -> str | None: ...


class ObjectListing(Protocol):
    """One page of ``list_objects_v2``."""

    @property
    def contents(self) -> Sequence[StoredObject]: ...

    @property
    def next_continuation_token(self) -> str | None: ...


@runtime_checkable
class ObjectLister(Protocol):
    """The S3 engine's ``list_objects_v2`` (same signature); raises an ``AwsError``
    (``NoSuchBucket``) for a missing bucket."""

    def list_objects_v2(
        self,
        account: str,
        region: str,
        bucket: str,
        *,
        prefix: str | None = None,
        continuation_token: str | None = None,
    ) -> ObjectListing: ...

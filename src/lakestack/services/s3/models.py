"""S3 resources as plain dataclasses: buckets, object versions, uploads, parts and
listing pages (the events S3 publishes are in ``core.events``).

snake_case only; no HTTP, no XML, no SQL. Keys are ``str``; timestamps are
epoch seconds (floats) with ``datetime`` helpers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

DEFAULT_CONTENT_TYPE = "binary/octet-stream"


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def canonical_user_id(account: str) -> str:
    """The 64-hex canonical user id lakestack shows for an account.

    >>> len(canonical_user_id("000000000000"))
    64
    """
    return hashlib.sha256(f"lakestack:{account}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who sends a request, as S3's access decisions see it.

    ``account`` and ``arn`` are ``None`` for AWS's anonymous principal (an unsigned
    request). ``arn`` is ``arn:aws:iam::<account>:root`` for an account's root, else
    the IAM user, role or assumed-role session ARN.
    """

    account: str | None
    arn: str | None = None
    source_ip: str = "127.0.0.1"
    secure_transport: bool = False
    user_agent: str | None = None
    referer: str | None = None
    presigned: bool = False
    """Signed in the query string (a presigned URL) rather than in a header."""

    @property
    def anonymous(self) -> bool:
        return self.account is None

    @classmethod
    def root(cls, account: str) -> Principal:
        """An account's root user.

        >>> Principal.root("111111111111").arn
        'arn:aws:iam::111111111111:root'
        """
        return cls(account, f"arn:aws:iam::{account}:root")


@dataclass(slots=True)
class Bucket:
    name: str
    account: str
    region: str
    created: float
    versioning: str | None = None
    """``None`` (never enabled), ``"Enabled"`` or ``"Suspended"``."""

    @property
    def created_dt(self) -> datetime:
        return _dt(self.created)


@dataclass(slots=True)
class ObjectMetadata:
    """What a writer says about an object besides its bytes (content headers, user metadata)."""

    content_type: str | None = None
    content_encoding: str | None = None
    content_disposition: str | None = None
    content_language: str | None = None
    cache_control: str | None = None
    expires: datetime | None = None
    website_redirect_location: str | None = None
    user: dict[str, str] = field(default_factory=dict)
    acl: list[tuple[str, str, str]] | None = None
    """Grants (grantee type, grantee, permission) set when written; ``None``: the owner's
    FULL_CONTROL only."""
    encryption: tuple[str, str | None] | None = None
    """Server-side encryption the writer asked for (algorithm, KMS key id); ``None``: the
    bucket's default encryption."""


@dataclass(slots=True)
class Checksum:
    """An object's (or part's) checksum: algorithm, base64 value, FULL_OBJECT|COMPOSITE."""

    algorithm: str
    value: str
    type: str = "FULL_OBJECT"


@dataclass(slots=True)
class ObjectVersion:
    """One version of a key, or a delete marker."""

    bucket: str
    key: str
    version_id: str
    is_latest: bool
    is_delete_marker: bool
    last_modified: float
    size: int = 0
    etag: str = ""
    """Quoted, as S3 shows it: ``'"<md5 hex>"'`` or ``'"<hex>-<parts>"'``."""
    blob: str | None = None
    """Absolute path of the bytes on disk (``None`` for delete markers)."""
    metadata: ObjectMetadata = field(default_factory=ObjectMetadata)
    checksum: Checksum | None = None
    tags: dict[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    parts_count: int | None = None
    owner: str = ""
    seq: int = 0

    @property
    def last_modified_dt(self) -> datetime:
        return _dt(self.last_modified)

    @property
    def content_type(self) -> str:
        return self.metadata.content_type or DEFAULT_CONTENT_TYPE


@dataclass(slots=True)
class ObjectData:
    """What a GET returns: the version and which bytes of which file to send."""

    version: ObjectVersion
    path: str
    offset: int
    length: int
    content_range: str | None = None
    """``bytes a-b/size`` when a range was honoured (the response is then partial)."""


@dataclass(slots=True)
class DeleteResult:
    key: str
    version_id: str | None = None
    delete_marker: bool = False
    delete_marker_version_id: str | None = None


@dataclass(slots=True)
class DeleteError:
    key: str
    version_id: str | None
    code: str
    message: str


@dataclass(slots=True)
class DeleteObjectsResult:
    deleted: list[DeleteResult]
    errors: list[DeleteError]


@dataclass(slots=True)
class ListObjectsResult:
    """A page of ListObjects (v1) or ListObjectsV2. Keys are raw; the provider
    URL-encodes them when ``encoding_type == "url"``."""

    bucket: str
    prefix: str
    delimiter: str | None
    max_keys: int
    contents: list[ObjectVersion]
    common_prefixes: list[str]
    is_truncated: bool
    encoding_type: str | None = None
    next_continuation_token: str | None = None
    continuation_token: str | None = None
    start_after: str | None = None
    marker: str | None = None
    next_marker: str | None = None

    @property
    def key_count(self) -> int:
        return len(self.contents) + len(self.common_prefixes)


@dataclass(slots=True)
class ListVersionsResult:
    bucket: str
    prefix: str
    delimiter: str | None
    max_keys: int
    versions: list[ObjectVersion]
    """Versions and delete markers together, in key order, newest first per key."""
    common_prefixes: list[str]
    is_truncated: bool
    key_marker: str = ""
    version_id_marker: str = ""
    next_key_marker: str | None = None
    next_version_id_marker: str | None = None
    encoding_type: str | None = None


@dataclass(slots=True)
class MultipartUpload:
    upload_id: str
    bucket: str
    key: str
    initiated: float
    account: str
    metadata: ObjectMetadata = field(default_factory=ObjectMetadata)
    checksum_algorithm: str | None = None
    checksum_type: str | None = None
    storage_class: str = "STANDARD"
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def initiated_dt(self) -> datetime:
        return _dt(self.initiated)


@dataclass(slots=True)
class Part:
    part_number: int
    size: int
    etag: str
    last_modified: float
    blob: str
    checksum: Checksum | None = None

    @property
    def last_modified_dt(self) -> datetime:
        return _dt(self.last_modified)


@dataclass(slots=True)
class ListPartsResult:
    upload: MultipartUpload
    parts: list[Part]
    part_number_marker: int
    next_part_number_marker: int | None
    max_parts: int
    is_truncated: bool


@dataclass(slots=True)
class ListUploadsResult:
    bucket: str
    prefix: str
    delimiter: str | None
    max_uploads: int
    uploads: list[MultipartUpload]
    common_prefixes: list[str]
    is_truncated: bool
    key_marker: str = ""
    upload_id_marker: str = ""
    next_key_marker: str | None = None
    next_upload_id_marker: str | None = None
    encoding_type: str | None = None


@dataclass(slots=True, frozen=True)
class StorageUsage:
    """Bytes stored in one bucket and storage class (every version counts)."""

    account: str
    bucket: str
    storage_class: str
    bytes: int
    objects: int
    region: str = "us-east-1"

"""Shared plumbing of the S3 engine: construction, bucket lookup, metering, events,
and streaming a body into a blob while verifying its digests.

The resource mixins (``buckets``, ``objects``, ``multipart``, ``listing``) build on
:class:`EngineBase`; ``engine.S3Engine`` composes them. Knows no HTTP: a body is
anything with ``read(n)`` and, after EOF, an optional ``trailers`` dict.
"""

from __future__ import annotations

import base64
import itertools
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lakestack.core import checksums
from lakestack.core.clock import Clock
from lakestack.core.events import EventBus, ObjectCreated
from lakestack.core.ids import Ids
from lakestack.core.storage import BlobStore, BlobWriter, suffix_for
from lakestack.core.storage.private import private_dir
from lakestack.metering.meter import UsageSink
from lakestack.services.s3.access import BucketAccess
from lakestack.services.s3.errors import (
    BadDigest,
    InvalidDigest,
    InvalidRequest,
    MalformedPolicy,
    MethodNotAllowed,
    NoSuchBucket,
    NoSuchKey,
    NoSuchVersion,
    NotImplementedHeader,
    PreconditionFailed,
)
from lakestack.services.s3.models import Bucket, Checksum, ObjectVersion
from lakestack.services.s3.policy import Policy, parse_policy
from lakestack.services.s3.store import S3Store

LOG = logging.getLogger(__name__)
SERVICE = "s3"
_TIER1_PREFIXES = ("Put", "List", "Create", "Upload", "Complete", "Copy", "Post", "Restore")


class Body(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


@dataclass(slots=True)
class Ingested:
    """A body written to a blob and verified."""

    blob: str
    size: int
    md5_hex: str
    checksum: Checksum | None


def request_tier(operation: str) -> str | None:
    """S3's request pricing class for an operation; ``None`` when AWS does not charge.

    >>> request_tier("PutObject"), request_tier("GetObject"), request_tier("DeleteObject")
    ('Requests-Tier1', 'Requests-Tier2', None)
    """
    if operation.startswith(("Delete", "Abort")):
        return None
    if operation.startswith(_TIER1_PREFIXES):
        return "Requests-Tier1"
    return "Requests-Tier2"


class EngineBase:
    """Dependencies and helpers shared by every S3 operation."""

    def __init__(
        self,
        data_dir: Path,
        clock: Clock,
        ids: Ids,
        meter: UsageSink,
        events: EventBus,
        fsync: bool = False,
    ) -> None:
        self._root = Path(data_dir) / "s3"
        self._fsync = fsync
        self._clock = clock
        self._ids = ids
        self._meter = meter
        self._events = events
        self._sequence = itertools.count(int(clock.now() * 1000) << 16)
        self._open()

    def _open(self) -> None:
        private_dir(self._root)
        self._blobs = BlobStore(self._root, fsync=self._fsync, clock=self._clock.now)
        self._store = S3Store(self._root / "meta.sqlite", durable=self._fsync)
        self._blob_prefix = str(self._blobs.blob_dir) + os.sep
        self._storage_levels: dict[tuple[str, str, str, str], int] = {}
        self._storage_writes = -1  # the store's write count when storage was last metered
        # access state per bucket and Block Public Access per account, loaded on first use
        # and dropped whenever a configuration they come from changes
        self._access_cache: dict[str, BucketAccess] = {}
        self._account_blocks: dict[str, dict[str, bool] | None] = {}
        self._store.blob_root = self._blob_prefix
        swept = self._blobs.sweep(self._store.referenced_blobs())
        if swept:
            LOG.info("removed %d unreferenced blob files under %s", swept, self._root)

    def close(self) -> None:
        self._blobs.purge(float("inf"))
        self._store.close()

    def reset(self) -> None:
        """Forget every bucket and object: delete the metadata and the blob files."""
        self._blobs.purge(float("inf"))
        self._store.close()
        shutil.rmtree(self._root, ignore_errors=True)
        self._open()

    # -- helpers ---------------------------------------------------------------

    def _bill(self, operation: str, account: str, region: str, bucket: str | None) -> None:
        """Record a request; the bucket owner pays for requests to an existing bucket,
        whoever sends them (anonymous and other accounts too), as on S3."""
        tier = request_tier(operation)
        if tier is not None:
            state = self._access_state(bucket) if bucket else None
            payer = state.owner if state is not None else account
            self._meter.record(SERVICE, operation, tier, 1, "Requests", payer, region, bucket)

    def _bucket(self, name: str) -> Bucket:
        b = self._store.get_bucket(name)
        if b is None:
            raise NoSuchBucket(BucketName=name)
        return b

    def _access_state(self, bucket: str) -> BucketAccess | None:
        """What decides access to ``bucket`` (cached); ``None`` if it does not exist."""
        state = self._access_cache.get(bucket)
        if state is not None:
            return state
        with self._store.lock:
            b = self._store.get_bucket(bucket)
            if b is None:
                return None
            c = self._store.configs(bucket)
            grants = c.get("acl")
            state = BucketAccess(
                name=bucket,
                owner=b.account,
                policy=_stored_policy(c.get("policy"), bucket),
                acl=[(g[0], g[1], g[2]) for g in grants] if grants is not None else None,
                block=c.get("public_access_block"),
                ownership=c.get("ownership"),
                encryption=c.get("encryption"),
            )
            self._access_cache[bucket] = state
        return state

    def _account_block(self, account: str) -> dict[str, bool] | None:
        """The account-level PublicAccessBlockConfiguration, ``None`` if unset."""
        if account not in self._account_blocks:
            with self._store.lock:
                block = self._store.get_config(_account_key(account), "public_access_block")
                self._account_blocks[account] = block
        return self._account_blocks[account]

    def _set_configs(self, bucket: str, values: dict[str, Any]) -> None:
        """Store (``None``: delete) configurations and drop the cached access state."""
        with self._store.lock:
            for kind, value in values.items():
                self._store.set_config(bucket, kind, value)
            self._access_cache.pop(bucket, None)
            self._account_blocks.clear()

    def _rel(self, blob: str | None) -> str | None:
        return blob[len(self._blob_prefix) :] if blob else None

    def _new_version(self, bucket: str, key: str, account: str, **fields: Any) -> ObjectVersion:
        """A version about to be written now: latest, owned by ``account``; the version id
        is set on commit."""
        return ObjectVersion(
            bucket=bucket,
            key=key,
            version_id="",
            is_latest=True,
            is_delete_marker=fields.pop("is_delete_marker", False),
            last_modified=self._clock.now(),
            owner=account,
            **fields,
        )

    def _sequencer(self) -> str:
        return f"{next(self._sequence):016X}"

    def _resolve(
        self, bucket: str, key: str, version_id: str | None, method: str = "GET"
    ) -> ObjectVersion:
        """The version a read addresses; raises what S3 raises for absent/deleted ones."""
        if version_id is None:
            v = self._store.latest(bucket, key)
            if v is None or v.is_delete_marker:
                err = NoSuchKey(Key=key)
                err.delete_marker = v is not None
                raise err
            return v
        v = self._store.version(bucket, key, version_id)
        if v is None:
            raise NoSuchVersion(Key=key, VersionId=version_id)
        if v.is_delete_marker:
            raise MethodNotAllowed(Method=method, ResourceType="DeleteMarker")
        return v

    def _ingest(
        self,
        body: Body,
        key: str,
        content_md5: str | None,
        algorithm: str | None,
        given: dict[str, str],
    ) -> Ingested:
        """Stream ``body`` into a new blob, verifying Content-MD5 and checksums.

        Args:
            algorithm: the checksum algorithm to compute (ChecksumAlgorithm or the upload's).
            given: checksum values sent with the request, algorithm -> base64.

        Raises:
            InvalidDigest, BadDigest, InvalidRequest: nothing is stored then.
        """
        expected_md5 = _decode_md5(content_md5)
        algorithm = _pick_algorithm(algorithm, given)
        with self._blobs.writer([algorithm] if algorithm else []) as w:
            w.write_from(body)
            trailers: dict[str, str] = getattr(body, "trailers", None) or {}
            for name, value in trailers.items():
                if name.lower().startswith("x-amz-checksum-"):
                    trailer_algo = name[len("x-amz-checksum-") :].upper()
                    if algorithm not in (None, trailer_algo):
                        raise InvalidRequest(
                            "Expecting a single x-amz-checksum- header. "
                            "Multiple checksum Types are not allowed."
                        )
                    algorithm = _pick_algorithm(trailer_algo, {trailer_algo: value})
                    given = {trailer_algo: value}
            md5 = w.md5
            if expected_md5 is not None and expected_md5 != md5:
                raise BadDigest(
                    ExpectedDigest=content_md5, CalculatedDigest=base64.b64encode(md5).decode()
                )
            cs = self._verify_checksum(w, algorithm, given)
            return Ingested(w.commit(suffix_for(key)), w.size, md5.hex(), cs)

    def _verify_checksum(
        self, w: BlobWriter, algorithm: str | None, given: dict[str, str]
    ) -> Checksum | None:
        if algorithm is None:
            return None
        digest = w.digests.get(algorithm)
        if digest is None:  # declared only in a trailer: hash the temp file again
            digest = w.digest_of(algorithm)
        value = checksums.encode(digest)
        if algorithm in given and given[algorithm] != value:
            raise BadDigest(f"The {algorithm} you specified did not match the calculated checksum.")
        return Checksum(algorithm, value, "FULL_OBJECT")

    def _check_write_conditions(
        self, bucket: str, key: str, if_match: str | None, if_none_match: str | None
    ) -> None:
        if if_none_match is not None and if_none_match.strip() != "*":
            raise NotImplementedHeader(Header="If-None-Match")
        if if_match is None and if_none_match is None:
            return
        current = self._store.latest(bucket, key)
        exists = current is not None and not current.is_delete_marker
        if if_none_match is not None and exists:
            raise PreconditionFailed(Condition="If-None-Match")
        if if_match is not None:
            if not exists:
                raise NoSuchKey(Key=key)
            assert current is not None
            if if_match.strip() != "*" and if_match.strip().strip('"') != current.etag.strip('"'):
                raise PreconditionFailed(Condition="If-Match")

    def _commit(
        self,
        account: str,
        region: str,
        versioning: str | None,
        v: ObjectVersion,
        data: Ingested | None,
        if_match: str | None,
        if_none_match: str | None,
        event_name: str,
    ) -> ObjectVersion:
        """Make ``v`` visible (atomically with the write conditions) and publish it."""
        v.version_id = self._ids.version_id() if versioning == "Enabled" else "null"
        blob = data.blob if data is not None else self._rel(v.blob)
        try:
            with self._store.lock:
                self._check_write_conditions(v.bucket, v.key, if_match, if_none_match)
                v.seq, dropped = self._store.insert_version(
                    v, blob, keep_versions=versioning == "Enabled"
                )
        except BaseException:
            self._blobs.delete(blob)
            raise
        for old in dropped:
            self._blobs.delete_later(old)
        v.blob = self._blob_prefix + blob if blob else None
        self._publish(
            ObjectCreated(
                account,
                region,
                v.bucket,
                v.key,
                v.size,
                v.etag.strip('"'),
                None if versioning is None else v.version_id,
                self._sequencer(),
                event_name,
            )
        )
        return v

    def _publish(self, event: Any) -> None:
        self._events.publish(event)


def _account_key(account: str) -> str:
    """Where account-wide settings live among bucket configurations (no bucket name has
    a colon)."""
    return f"account:{account}"


def _stored_policy(text: str | None, bucket: str) -> Policy | None:
    if text is None:
        return None
    try:
        return parse_policy(text, bucket)
    except MalformedPolicy:
        LOG.warning("ignoring the stored policy of bucket %s: it no longer parses", bucket)
        return None


def _decode_md5(content_md5: str | None) -> bytes | None:
    if content_md5 is None:
        return None
    raw = checksums.decode(content_md5)
    if raw is None or len(raw) != 16:
        raise InvalidDigest(ContentMD5=content_md5)
    return raw


def _pick_algorithm(algorithm: str | None, given: dict[str, str]) -> str | None:
    """Validate the requested algorithm and the sent values; return the algorithm to use."""
    if len(given) > 1:
        raise InvalidRequest(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
        )
    if given:
        sent = next(iter(given))
        if algorithm is not None and algorithm.upper() != sent:
            raise InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.")
        algorithm = sent
    if algorithm is None:
        return None
    algorithm = algorithm.upper()
    if not checksums.supported(algorithm):
        raise InvalidRequest(f"Checksum algorithm {algorithm} is not supported by lakestack")
    for algo, value in given.items():
        raw = checksums.decode(value)
        if raw is None or len(raw) != checksums.digest_size(algo):
            raise InvalidRequest(f"Value for x-amz-checksum-{algo.lower()} header is invalid.")
    return algorithm

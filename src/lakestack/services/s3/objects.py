"""Object operations: put, get, head, delete (single and batch), copy, tagging,
attributes. Versioning decides what a write replaces and what a delete leaves.

Part of :class:`lakestack.services.s3.engine.S3Engine`; knows no HTTP. Reads
return paths and byte ranges, never bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from lakestack.core import checksums
from lakestack.core.events import ObjectRemoved
from lakestack.core.storage import suffix_for
from lakestack.services.s3.access import acl_for_write, object_owner
from lakestack.services.s3.acl import AclRequest
from lakestack.services.s3.base import Body, EngineBase
from lakestack.services.s3.errors import (
    InvalidRequest,
    MalformedXML,
    NoSuchBucket,
    S3Error,
)
from lakestack.services.s3.models import (
    Checksum,
    DeleteError,
    DeleteObjectsResult,
    DeleteResult,
    ObjectData,
    ObjectMetadata,
    ObjectVersion,
)
from lakestack.services.s3.rules import (
    MAX_UPLOAD_BYTES,
    check_copy_conditions,
    check_read_conditions,
    encryption_request,
    parse_range,
    validate_key,
    validate_tags,
    validate_upload_size,
    validate_user_metadata,
)

_SELF_COPY = (
    "This copy request is illegal because it is trying to copy an object to itself "
    "without changing the object's metadata, storage class, website redirect "
    "location or encryption attributes."
)


class ObjectOps(EngineBase):
    # -- writes ------------------------------------------------------------------

    def put_object(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        body: Body,
        *,
        metadata: ObjectMetadata | None = None,
        tags: dict[str, str] | None = None,
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        checksums_given: dict[str, str] | None = None,
        storage_class: str | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        acl_request: AclRequest | None = None,
        content_length: int | None = None,
        server_side_encryption: str | None = None,
        sse_kms_key_id: str | None = None,
    ) -> ObjectVersion:
        """Store a new version of ``key`` from ``body``.

        Args:
            checksums_given: checksum values sent as request members, algorithm -> base64
                (values in ``body.trailers`` after EOF are checked too).
            if_match / if_none_match: conditional write (``*`` only for if_none_match).
            acl_request: the ACL the writer sets, if any.
            server_side_encryption / sse_kms_key_id: the encryption the writer asks for
                (reported for the object; else the bucket's default is).
            content_length: the announced body size, checked before the body is read.

        Raises:
            NoSuchBucket, KeyTooLongError, BadDigest, InvalidDigest, InvalidRequest,
            PreconditionFailed, NoSuchKey (If-Match on an absent key), EntityTooLarge,
            MetadataTooLarge, AccessControlListNotSupported, AccessDenied (public ACL).
        """
        self._bill("PutObject", account, region, bucket)
        validate_upload_size(content_length)
        b = self._bucket(bucket)
        validate_key(key)
        validate_tags(tags or {})
        metadata = metadata or ObjectMetadata()
        validate_user_metadata(metadata.user)
        sse = encryption_request(server_side_encryption, sse_kms_key_id)
        owner, metadata = self._owned(bucket, account, acl_request, metadata, sse)
        self._check_write_conditions(bucket, key, if_match, if_none_match)
        data = self._ingest(body, key, content_md5, checksum_algorithm, checksums_given or {})
        v = self._new_version(
            bucket,
            key,
            owner,
            size=data.size,
            etag=f'"{data.md5_hex}"',
            metadata=metadata,
            checksum=data.checksum,
            tags=tags or {},
            storage_class=storage_class or "STANDARD",
        )
        return self._commit(
            account, region, b.versioning, v, data, if_match, if_none_match, "ObjectCreated:Put"
        )

    # -- reads -------------------------------------------------------------------

    def get_object(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        *,
        version_id: str | None = None,
        range: str | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
        if_unmodified_since: datetime | None = None,
    ) -> ObjectData:
        """Which bytes of which file a GET sends.

        Raises:
            NoSuchBucket, NoSuchKey, NoSuchVersion, MethodNotAllowed (a delete marker's
            version), PreconditionFailed, NotModified, InvalidRange.
        """
        return self._read(
            "GetObject",
            account,
            region,
            bucket,
            key,
            version_id,
            range,
            if_match,
            if_none_match,
            if_modified_since,
            if_unmodified_since,
        )

    def head_object(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        *,
        version_id: str | None = None,
        range: str | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
        if_unmodified_since: datetime | None = None,
    ) -> ObjectData:
        """Like :meth:`get_object`; the caller sends no body."""
        return self._read(
            "HeadObject",
            account,
            region,
            bucket,
            key,
            version_id,
            range,
            if_match,
            if_none_match,
            if_modified_since,
            if_unmodified_since,
        )

    def _read(
        self,
        op: str,
        account: str,
        region: str,
        bucket: str,
        key: str,
        version_id: str | None,
        range_: str | None,
        if_match: str | None,
        if_none_match: str | None,
        if_modified_since: datetime | None,
        if_unmodified_since: datetime | None,
    ) -> ObjectData:
        self._bill(op, account, region, bucket)
        self._bucket(bucket)
        v = self._resolve(bucket, key, version_id, "HEAD" if op == "HeadObject" else "GET")
        check_read_conditions(v, if_match, if_none_match, if_modified_since, if_unmodified_since)
        assert v.blob is not None
        rng = parse_range(range_, v.size)
        if rng is None:
            return ObjectData(v, v.blob, 0, v.size)
        first, last = rng
        return ObjectData(v, v.blob, first, last - first + 1, f"bytes {first}-{last}/{v.size}")

    def get_object_attributes(
        self, account: str, region: str, bucket: str, key: str, version_id: str | None = None
    ) -> ObjectVersion:
        self._bill("GetObjectAttributes", account, region, bucket)
        self._bucket(bucket)
        return self._resolve(bucket, key, version_id)

    # -- deletes -----------------------------------------------------------------

    def delete_object(
        self, account: str, region: str, bucket: str, key: str, version_id: str | None = None
    ) -> DeleteResult:
        """Delete a key (a delete marker when versioned) or one version.

        Deleting something absent succeeds, as in S3.
        """
        self._bill("DeleteObject", account, region, bucket)
        b = self._bucket(bucket)
        return self._delete(account, region, b.versioning, bucket, key, version_id)

    def _delete(
        self,
        account: str,
        region: str,
        versioning: str | None,
        bucket: str,
        key: str,
        version_id: str | None,
    ) -> DeleteResult:
        if version_id is None and versioning is not None:
            marker = self._new_version(bucket, key, account, is_delete_marker=True, etag="")
            marker.version_id = self._ids.version_id() if versioning == "Enabled" else "null"
            marker.seq, dropped = self._store.insert_version(
                marker, None, keep_versions=versioning == "Enabled"
            )
            for old in dropped:
                self._blobs.delete_later(old)
            self._publish(
                ObjectRemoved(
                    account,
                    region,
                    bucket,
                    key,
                    marker.version_id,
                    self._sequencer(),
                    "ObjectRemoved:DeleteMarkerCreated",
                )
            )
            return DeleteResult(key, marker.version_id, delete_marker=True)
        target = version_id or "null"
        existing = self._store.version(bucket, key, target)
        if existing is None:
            return DeleteResult(key, version_id)
        self._blobs.delete_later(self._store.delete_version(bucket, key, target))
        self._publish(
            ObjectRemoved(
                account, region, bucket, key, version_id, self._sequencer(), "ObjectRemoved:Delete"
            )
        )
        return DeleteResult(key, version_id, delete_marker=existing.is_delete_marker)

    def delete_objects(
        self,
        account: str,
        region: str,
        bucket: str,
        objects: list[tuple[str, str | None]],
        *,
        integrity_checked: bool = True,
        authorize_key: Callable[[str, str | None], None] | None = None,
    ) -> DeleteObjectsResult:
        """Batch delete of (key, version id) pairs; errors are per key.

        Args:
            integrity_checked: whether the request carried Content-MD5 or a checksum
                (S3 requires one for this operation).
            authorize_key: raises AccessDenied for a key the caller may not delete; that
                key then gets an AccessDenied entry, the others are deleted.

        Raises:
            InvalidRequest: no Content-MD5 or checksum.
            MalformedXML: no keys or more than 1000.
        """
        self._bill("DeleteObjects", account, region, bucket)
        if not integrity_checked:
            raise InvalidRequest("Missing required header for this request: Content-MD5")
        b = self._bucket(bucket)
        if not objects or len(objects) > 1000:
            raise MalformedXML()
        result = DeleteObjectsResult([], [])
        for key, version_id in objects:
            try:
                if authorize_key is not None:
                    authorize_key(key, version_id)
                validate_key(key)
                result.deleted.append(
                    self._delete(account, region, b.versioning, bucket, key, version_id)
                )
            except S3Error as e:
                result.errors.append(DeleteError(key, version_id, e.code, e.message))
        return result

    # -- copy --------------------------------------------------------------------

    def copy_object(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        *,
        source_bucket: str,
        source_key: str,
        source_version_id: str | None = None,
        metadata_directive: str | None = None,
        metadata: ObjectMetadata | None = None,
        tagging_directive: str | None = None,
        tags: dict[str, str] | None = None,
        storage_class: str | None = None,
        checksum_algorithm: str | None = None,
        copy_source_if_match: str | None = None,
        copy_source_if_none_match: str | None = None,
        copy_source_if_modified_since: datetime | None = None,
        copy_source_if_unmodified_since: datetime | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        acl_request: AclRequest | None = None,
        server_side_encryption: str | None = None,
        sse_kms_key_id: str | None = None,
    ) -> tuple[ObjectVersion, ObjectVersion]:
        """Copy a version to ``bucket``/``key``; returns (new version, source version).

        Raises:
            NoSuchBucket, NoSuchKey, NoSuchVersion, PreconditionFailed, InvalidRequest
            (copy onto itself without REPLACE or another change; a delete marker source).
        """
        self._bill("CopyObject", account, region, bucket)
        dest = self._bucket(bucket)
        self._bucket(source_bucket)
        validate_key(key)
        src = self._copy_source(source_bucket, source_key, source_version_id)
        if src.size > MAX_UPLOAD_BYTES:
            raise InvalidRequest(
                "The specified copy source is larger than the maximum allowable size for a "
                f"copy source: {MAX_UPLOAD_BYTES}"
            )
        check_copy_conditions(
            src,
            copy_source_if_match,
            copy_source_if_none_match,
            copy_source_if_modified_since,
            copy_source_if_unmodified_since,
        )
        replace_meta = (metadata_directive or "COPY").upper() == "REPLACE"
        if (
            (source_bucket, source_key) == (bucket, key)
            and src.is_latest
            and not (
                replace_meta
                or storage_class
                or checksum_algorithm
                or (tagging_directive or "COPY").upper() == "REPLACE"
            )
        ):
            raise InvalidRequest(_SELF_COPY)
        new_tags = (tags or {}) if (tagging_directive or "COPY").upper() == "REPLACE" else src.tags
        validate_tags(new_tags)
        new_meta = (metadata or ObjectMetadata()) if replace_meta else replace(src.metadata)
        validate_user_metadata(new_meta.user)
        sse = encryption_request(server_side_encryption, sse_kms_key_id)
        owner, new_meta = self._owned(bucket, account, acl_request, new_meta, sse)
        blob, etag, cs = self._copy_blob(src, key, checksum_algorithm)
        v = self._new_version(
            bucket,
            key,
            owner,
            size=src.size,
            etag=etag,
            metadata=new_meta,
            checksum=cs,
            tags=dict(new_tags),
            storage_class=storage_class or "STANDARD",
            blob=self._blob_prefix + blob,
        )
        new = self._commit(
            account, region, dest.versioning, v, None, if_match, if_none_match, "ObjectCreated:Copy"
        )
        return new, src

    def _owned(
        self,
        bucket: str,
        writer: str,
        request: AclRequest | None,
        metadata: ObjectMetadata,
        encryption: tuple[str, str | None] | None,
    ) -> tuple[str, ObjectMetadata]:
        """The owner of an object ``writer`` puts, and its metadata with the ACL and the
        encryption to store."""
        state = self._access_state(bucket)
        if state is None:
            raise NoSuchBucket(BucketName=bucket)
        owner = object_owner(state, writer, request)
        grants = acl_for_write(state, self._account_block(state.owner), owner, request, False)
        return owner, replace(metadata, acl=grants, encryption=encryption)

    def _copy_source(self, bucket: str, key: str, version_id: str | None) -> ObjectVersion:
        try:
            return self._resolve(bucket, key, version_id)
        except S3Error as e:
            if e.code == "MethodNotAllowed":
                raise InvalidRequest(
                    "The source of a copy request may not specifically refer "
                    "to a delete marker by version id."
                ) from None
            raise

    def _copy_blob(
        self, src: ObjectVersion, key: str, algorithm: str | None
    ) -> tuple[str, str, Checksum | None]:
        """A new blob with the source's bytes; recompute ETag/checksum only when needed."""
        assert src.blob is not None
        blob = self._blobs.link(self._rel(src.blob) or "", suffix_for(key))
        etag = src.etag
        want = (
            algorithm.upper() if algorithm else (src.checksum.algorithm if src.checksum else None)
        )
        keep_cs = (
            src.checksum is not None
            and src.checksum.algorithm == want
            and src.checksum.type == "FULL_OBJECT"
        )
        if src.parts_count is None and (keep_cs or want is None):
            return blob, etag, src.checksum if keep_cs else None
        md5 = hashlib.md5(usedforsecurity=False)
        hasher = checksums.new_hasher(want) if want else None
        with open(self._blobs.path(blob), "rb") as f:
            while chunk := f.read(1 << 20):
                md5.update(chunk)
                if hasher is not None:
                    hasher.update(chunk)
        cs = Checksum(want, checksums.encode(hasher.digest())) if want and hasher else None
        return blob, f'"{md5.hexdigest()}"', cs

    # -- tagging -----------------------------------------------------------------

    def put_object_tagging(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        tags: dict[str, str],
        version_id: str | None = None,
    ) -> str:
        """Replace a version's tags; returns its version id."""
        self._bill("PutObjectTagging", account, region, bucket)
        self._bucket(bucket)
        validate_tags(tags)
        v = self._resolve(bucket, key, version_id, "PUT")
        self._store.set_tags(v.seq, tags)
        return v.version_id

    def get_object_tagging(
        self, account: str, region: str, bucket: str, key: str, version_id: str | None = None
    ) -> tuple[str, dict[str, str]]:
        """(version id, tags) of a version."""
        self._bill("GetObjectTagging", account, region, bucket)
        self._bucket(bucket)
        v = self._resolve(bucket, key, version_id)
        return v.version_id, v.tags

    def delete_object_tagging(
        self, account: str, region: str, bucket: str, key: str, version_id: str | None = None
    ) -> str:
        self._bill("DeleteObjectTagging", account, region, bucket)
        self._bucket(bucket)
        v = self._resolve(bucket, key, version_id, "DELETE")
        self._store.set_tags(v.seq, {})
        return v.version_id

"""Multipart uploads: create, upload part (and part copy), complete, abort, list
parts, list uploads.

Parts are blobs of their own; completing writes one new blob that is the
concatenation (``copy_file_range``, no userspace copy) and drops the part blobs.
Part of :class:`lakestack.services.s3.engine.S3Engine`; knows no HTTP.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from lakestack.core import checksums
from lakestack.core.storage import BlobWriter, suffix_for
from lakestack.services.s3.access import acl_for_write, object_owner
from lakestack.services.s3.acl import AclRequest
from lakestack.services.s3.base import Body, EngineBase
from lakestack.services.s3.errors import (
    BadDigest,
    EntityTooSmall,
    InvalidArgument,
    InvalidPart,
    InvalidPartOrder,
    InvalidRange,
    InvalidRequest,
    MalformedXML,
    NoSuchUpload,
)
from lakestack.services.s3.listing import successor
from lakestack.services.s3.models import (
    Checksum,
    ListPartsResult,
    ListUploadsResult,
    MultipartUpload,
    ObjectMetadata,
    ObjectVersion,
    Part,
)
from lakestack.services.s3.rules import (
    check_copy_conditions,
    encryption_request,
    validate_key,
    validate_tags,
    validate_upload_size,
    validate_user_metadata,
)

MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PARTS = 10_000
_COPY_RANGE = re.compile(r"bytes=(\d+)-(\d+)")


@dataclass(slots=True)
class CompletedPart:
    """One entry of CompleteMultipartUpload's part list."""

    part_number: int
    etag: str
    checksums: dict[str, str] = field(default_factory=dict)


class MultipartOps(EngineBase):
    def create_multipart_upload(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        *,
        metadata: ObjectMetadata | None = None,
        tags: dict[str, str] | None = None,
        storage_class: str | None = None,
        checksum_algorithm: str | None = None,
        checksum_type: str | None = None,
        acl_request: AclRequest | None = None,
        server_side_encryption: str | None = None,
        sse_kms_key_id: str | None = None,
    ) -> MultipartUpload:
        """Start an upload; the checksum algorithm (if any) applies to every part.

        Raises:
            NoSuchBucket, KeyTooLongError, InvalidRequest (checksum type without algorithm,
            FULL_OBJECT with a SHA algorithm).
        """
        self._bill("CreateMultipartUpload", account, region, bucket)
        self._bucket(bucket)
        validate_key(key)
        validate_tags(tags or {})
        metadata = metadata or ObjectMetadata()
        validate_user_metadata(metadata.user)
        sse = encryption_request(server_side_encryption, sse_kms_key_id)
        metadata = replace(metadata, encryption=sse)
        state = self._access_state(bucket)
        if state is not None:
            owner = object_owner(state, account, acl_request)
            block = self._account_block(state.owner)
            grants = acl_for_write(state, block, owner, acl_request, False)
            metadata = replace(metadata, acl=grants)
        algorithm = checksum_algorithm.upper() if checksum_algorithm else None
        if checksum_type and not algorithm:
            raise InvalidRequest(
                "The x-amz-checksum-type header can only be used with the "
                "x-amz-checksum-algorithm header."
            )
        if algorithm and not checksums.supported(algorithm):
            raise InvalidRequest(f"Checksum algorithm {algorithm} is not supported by lakestack")
        if algorithm == "CRC64NVME":
            checksum_type = checksum_type or "FULL_OBJECT"
        if checksum_type == "FULL_OBJECT" and algorithm not in ("CRC32", "CRC32C", "CRC64NVME"):
            raise InvalidRequest(
                f"The FULL_OBJECT checksum type cannot be used with the "
                f"{(algorithm or '').lower()} checksum algorithm."
            )
        u = MultipartUpload(
            upload_id=self._ids.version_id() + self._ids.hex(8),
            bucket=bucket,
            key=key,
            initiated=self._clock.now(),
            account=account,
            metadata=metadata,
            checksum_algorithm=algorithm,
            checksum_type=(checksum_type or "COMPOSITE") if algorithm else None,
            storage_class=storage_class or "STANDARD",
            tags=tags or {},
        )
        self._store.insert_upload(u)
        return u

    def _upload(self, bucket: str, key: str, upload_id: str) -> MultipartUpload:
        self._bucket(bucket)
        u = self._store.get_upload(upload_id)
        if u is None or u.bucket != bucket or u.key != key:
            raise NoSuchUpload(UploadId=upload_id)
        return u

    @staticmethod
    def _check_part_number(n: int) -> None:
        if not 1 <= n <= MAX_PARTS:
            raise InvalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive",
                ArgumentName="partNumber",
                ArgumentValue=str(n),
            )

    def upload_part(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: int,
        body: Body,
        *,
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        checksums_given: dict[str, str] | None = None,
        content_length: int | None = None,
    ) -> Part:
        """Store (or overwrite) one part.

        Raises:
            NoSuchUpload, InvalidArgument (part number), BadDigest, InvalidDigest,
            InvalidRequest (a checksum algorithm other than the upload's), EntityTooLarge.
        """
        self._bill("UploadPart", account, region, bucket)
        validate_upload_size(content_length)
        u = self._upload(bucket, key, upload_id)
        self._check_part_number(part_number)
        given = checksums_given or {}
        sent = (checksum_algorithm or next(iter(given), None) or "").upper() or None
        if u.checksum_algorithm and sent and sent != u.checksum_algorithm:
            raise InvalidRequest(
                f"Checksum Type mismatch occurred, expected checksum Type: "
                f"{u.checksum_algorithm.lower()}, actual checksum Type: "
                f"{sent.lower()}"
            )
        data = self._ingest(body, "", content_md5, sent or u.checksum_algorithm, given)
        part = Part(
            part_number, data.size, f'"{data.md5_hex}"', self._clock.now(), data.blob, data.checksum
        )
        return self._record_part(upload_id, part)

    def _record_part(self, upload_id: str, part: Part) -> Part:
        replaced = self._store.put_part(upload_id, part, part.blob)
        if replaced is None:  # aborted while we were writing
            self._blobs.delete(part.blob)
            raise NoSuchUpload(UploadId=upload_id)
        self._blobs.delete(replaced)
        return part

    def upload_part_copy(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: int,
        *,
        source_bucket: str,
        source_key: str,
        source_version_id: str | None = None,
        copy_source_range: str | None = None,
        copy_source_if_match: str | None = None,
        copy_source_if_none_match: str | None = None,
        copy_source_if_modified_since: datetime | None = None,
        copy_source_if_unmodified_since: datetime | None = None,
    ) -> tuple[Part, ObjectVersion]:
        """A part made of (a range of) another object; returns (part, source version)."""
        self._bill("UploadPartCopy", account, region, bucket)
        u = self._upload(bucket, key, upload_id)
        self._check_part_number(part_number)
        self._bucket(source_bucket)
        src = self._resolve(source_bucket, source_key, source_version_id)
        check_copy_conditions(
            src,
            copy_source_if_match,
            copy_source_if_none_match,
            copy_source_if_modified_since,
            copy_source_if_unmodified_since,
        )
        first, length = 0, src.size
        if copy_source_range is not None:
            m = _COPY_RANGE.fullmatch(copy_source_range.strip())
            if m is None or int(m.group(2)) < int(m.group(1)):
                raise InvalidArgument(
                    "The x-amz-copy-source-range value must be of the form bytes=first-last "
                    "where first and last are the zero-based offsets of the first and last bytes "
                    "to copy",
                    ArgumentName="x-amz-copy-source-range",
                    ArgumentValue=copy_source_range,
                )
            first, last = int(m.group(1)), int(m.group(2))
            if last >= src.size:
                raise InvalidRange(RangeRequested=copy_source_range, ActualObjectSize=src.size)
            length = last - first + 1
        algos = [u.checksum_algorithm] if u.checksum_algorithm else []
        assert src.blob is not None
        with self._blobs.writer(algos) as w, open(src.blob, "rb") as f:
            f.seek(first)
            w.write_from(f, length)
            digests = w.digests
            blob = w.commit()
            md5_hex = w.md5.hex()
        cs = (
            Checksum(u.checksum_algorithm, checksums.encode(digests[u.checksum_algorithm]))
            if u.checksum_algorithm
            else None
        )
        part = Part(part_number, length, f'"{md5_hex}"', self._clock.now(), blob, cs)
        return self._record_part(upload_id, part), src

    def complete_multipart_upload(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        upload_id: str,
        parts: list[CompletedPart],
        *,
        checksums_given: dict[str, str] | None = None,
        mpu_object_size: int | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> ObjectVersion:
        """Assemble the listed parts into the object.

        Raises:
            NoSuchUpload, MalformedXML (no parts), InvalidPartOrder, InvalidPart,
            EntityTooSmall, BadDigest, InvalidRequest, PreconditionFailed, NoSuchKey.
        """
        self._bill("CompleteMultipartUpload", account, region, bucket)
        u = self._upload(bucket, key, upload_id)
        b = self._bucket(bucket)
        chosen = self._check_parts(u, parts)
        total = sum(p.size for p in chosen)
        if mpu_object_size is not None and mpu_object_size != total:
            raise InvalidRequest(
                f"The provided 'x-amz-mp-object-size' header value "
                f"{mpu_object_size} does not match what was computed: {total}"
            )
        self._check_write_conditions(bucket, key, if_match, if_none_match)
        md5s = b"".join(bytes.fromhex(p.etag.strip('"')) for p in chosen)
        etag = f'"{hashlib.md5(md5s, usedforsecurity=False).hexdigest()}-{len(chosen)}"'
        full_algo = u.checksum_type == "FULL_OBJECT"
        with self._blobs.writer(md5=False) as w:
            for p in chosen:
                w.append_file(p.blob)
            cs = self._final_checksum(u, chosen, w if full_algo else None)
            given = checksums_given or {}
            if (
                cs is not None
                and cs.algorithm in given
                and given[cs.algorithm].split("-")[0] != cs.value.split("-")[0]
            ):
                raise BadDigest(
                    f"The {cs.algorithm} you specified did not match the calculated checksum."
                )
            blob = w.commit(suffix_for(key))
        state = self._access_state(bucket)
        owner = object_owner(state, u.account, None) if state is not None else u.account
        v = self._new_version(
            bucket,
            key,
            owner,
            size=total,
            etag=etag,
            metadata=u.metadata,
            checksum=cs,
            tags=u.tags,
            storage_class=u.storage_class,
            parts_count=len(chosen),
            blob=self._blob_prefix + blob,
        )
        v = self._commit(
            account,
            region,
            b.versioning,
            v,
            None,
            if_match,
            if_none_match,
            "ObjectCreated:CompleteMultipartUpload",
        )
        for part_blob in self._store.delete_upload(upload_id):
            self._blobs.delete(part_blob)
        return v

    def _check_parts(self, u: MultipartUpload, parts: list[CompletedPart]) -> list[Part]:
        if not parts:
            raise MalformedXML()
        stored = {p.part_number: p for p in self._store.parts(u.upload_id)}
        chosen: list[Part] = []
        for i, cp in enumerate(parts):
            if i and cp.part_number <= parts[i - 1].part_number:
                raise InvalidPartOrder(UploadId=u.upload_id)
            p = stored.get(cp.part_number)
            if p is None or p.etag.strip('"') != cp.etag.strip().strip('"'):
                raise InvalidPart(UploadId=u.upload_id, PartNumber=cp.part_number, ETag=cp.etag)
            if (
                p.checksum is not None
                and p.checksum.algorithm in cp.checksums
                and cp.checksums[p.checksum.algorithm] != p.checksum.value
            ):
                raise InvalidPart(UploadId=u.upload_id, PartNumber=cp.part_number, ETag=cp.etag)
            chosen.append(p)
        for p in chosen[:-1]:
            if p.size < MIN_PART_SIZE:
                raise EntityTooSmall(
                    ProposedSize=p.size,
                    MinSizeAllowed=MIN_PART_SIZE,
                    PartNumber=p.part_number,
                    ETag=p.etag,
                )
        return chosen

    @staticmethod
    def _final_checksum(
        u: MultipartUpload, parts: list[Part], assembled: BlobWriter | None
    ) -> Checksum | None:
        algo = u.checksum_algorithm
        if algo is None:
            return None
        if u.checksum_type == "FULL_OBJECT":
            assert assembled is not None
            return Checksum(algo, checksums.encode(assembled.digest_of(algo)), "FULL_OBJECT")
        values = [p.checksum.value if p.checksum else "" for p in parts]
        return Checksum(algo, checksums.composite(algo, values), "COMPOSITE")

    def abort_multipart_upload(
        self, account: str, region: str, bucket: str, key: str, upload_id: str
    ) -> None:
        self._bill("AbortMultipartUpload", account, region, bucket)
        self._upload(bucket, key, upload_id)
        for blob in self._store.delete_upload(upload_id):
            self._blobs.delete(blob)

    def list_parts(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        upload_id: str,
        *,
        max_parts: int | None = None,
        part_number_marker: int | None = None,
    ) -> ListPartsResult:
        self._bill("ListParts", account, region, bucket)
        u = self._upload(bucket, key, upload_id)
        limit = min(1000, max_parts if max_parts is not None else 1000)
        after = part_number_marker or 0
        rows = self._store.parts(upload_id, after, limit + 1)
        truncated = len(rows) > limit
        rows = rows[:limit]
        return ListPartsResult(
            u, rows, after, rows[-1].part_number if rows else None, limit, truncated
        )

    def list_multipart_uploads(
        self,
        account: str,
        region: str,
        bucket: str,
        *,
        prefix: str | None = None,
        delimiter: str | None = None,
        max_uploads: int | None = None,
        key_marker: str | None = None,
        upload_id_marker: str | None = None,
        encoding_type: str | None = None,
    ) -> ListUploadsResult:
        """In-progress uploads by key, then initiation time."""
        self._bill("ListMultipartUploads", account, region, bucket)
        self._bucket(bucket)
        limit = min(1000, max_uploads if max_uploads is not None else 1000)
        pfx = (prefix or "").encode()
        rows = self._store.uploads_after(
            bucket, pfx, True, successor(pfx) if pfx else None, 1_000_000
        )
        result = ListUploadsResult(
            bucket,
            prefix or "",
            delimiter,
            limit,
            [],
            [],
            False,
            key_marker or "",
            upload_id_marker or "",
            encoding_type=encoding_type,
        )
        passed_marker = not upload_id_marker
        last: tuple[str, str | None] | None = None
        for u in rows:
            if key_marker and (
                u.key < key_marker or (u.key == key_marker and passed_marker is False)
            ):
                if u.key == key_marker and u.upload_id == upload_id_marker:
                    passed_marker = True
                continue
            if key_marker and u.key == key_marker and not upload_id_marker:
                continue
            cp = _common_prefix(u.key, prefix or "", delimiter)
            if cp is not None:
                if cp in result.common_prefixes or (key_marker and cp <= key_marker):
                    continue
            if len(result.uploads) + len(result.common_prefixes) == limit:
                result.is_truncated = True
                break
            if cp is not None:
                result.common_prefixes.append(cp)
                last = (cp, None)
            else:
                result.uploads.append(u)
                last = (u.key, u.upload_id)
        if result.is_truncated and last is not None:
            result.next_key_marker, result.next_upload_id_marker = last
        return result


def _common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    i = key.find(delimiter, len(prefix))
    return key[: i + len(delimiter)] if i >= 0 else None

"""S3Provider: botocore-shaped kwargs in, one engine call, botocore-shaped dict out.

Method names are botocore's ``xform_name(OperationName)``; kwargs are the input
members with snake_case top-level names (nested values keep botocore's PascalCase).
Returns dicts keyed like the botocore output shape. ``GetObject``'s ``Body`` is a
``FileRange`` the gateway sends with sendfile. Knows no HTTP beyond these shapes
and no S3 rules: those live in the engine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from lakestack.core.errors import AwsError
from lakestack.gateway.context import RequestContext
from lakestack.gateway.http import FileRange
from lakestack.services.s3 import acl
from lakestack.services.s3.acl import AclRequest
from lakestack.services.s3.engine import CompletedPart, S3Engine
from lakestack.services.s3.listing import url_encode
from lakestack.services.s3.models import (
    Bucket,
    ListObjectsResult,
    ListVersionsResult,
    MultipartUpload,
    ObjectData,
    ObjectMetadata,
    ObjectVersion,
    Part,
    Principal,
)
from lakestack.services.s3.rules import parse_copy_source, tag_set_to_dict

_CHECKSUM_MEMBERS = {
    "checksum_crc32": "CRC32",
    "checksum_crc32_c": "CRC32C",
    "checksum_crc64_nvme": "CRC64NVME",
    "checksum_sha1": "SHA1",
    "checksum_sha256": "SHA256",
    "checksum_sha512": "SHA512",
    "checksum_md5": "MD5",
    "checksum_xxhash64": "XXHASH64",
    "checksum_xxhash3": "XXHASH3",
    "checksum_xxhash128": "XXHASH128",
}
_META_MEMBERS = (
    "content_type",
    "content_encoding",
    "content_disposition",
    "content_language",
    "cache_control",
    "expires",
    "website_redirect_location",
)
_RESPONSE_OVERRIDES = {
    "response_content_type": "ContentType",
    "response_content_encoding": "ContentEncoding",
    "response_content_disposition": "ContentDisposition",
    "response_content_language": "ContentLanguage",
    "response_cache_control": "CacheControl",
    "response_expires": "Expires",
}


def _where(ctx: RequestContext) -> tuple[str, str]:
    return ctx.account_id, ctx.region


def _owner(account: str) -> dict[str, str]:
    return {"ID": acl.owner_id(account), "DisplayName": account}


def _acl_to_wire(owner: str, grants: list[acl.Grant]) -> dict[str, Any]:
    return {"Owner": _owner(owner), "Grants": acl.to_wire(grants)}


def _acl_request(kw: dict[str, Any], document: dict[str, Any] | None = None) -> AclRequest | None:
    """The ACL a request sets: ``x-amz-acl``, ``x-amz-grant-*`` or an XML document."""
    headers = {perm: kw[m] for m, perm in acl.GRANT_MEMBERS.items() if kw.get(m)}
    if kw.get("acl") is None and not headers and document is None:
        return None
    return AclRequest(kw.get("acl"), headers, document)


def _principal(ctx: RequestContext) -> Principal:
    """Who sends the request: AWS's anonymous principal when it is unsigned."""
    headers = ctx.request.headers
    anonymous = ctx.access_key_id is None or bool(getattr(ctx, "anonymous", False))
    arn = getattr(ctx, "principal_arn", None) or f"arn:aws:iam::{ctx.account_id}:root"
    return Principal(
        None if anonymous else ctx.account_id,
        None if anonymous else arn,
        source_ip=ctx.request.remote_addr,
        secure_transport=False,  # lakestack serves plain http
        user_agent=headers.get("user-agent"),
        referer=headers.get("referer"),
        presigned=not anonymous and bool(getattr(ctx.auth, "presigned", False)),
    )


# request member -> the condition key S3 fills from it
_CONDITION_MEMBERS = {
    "prefix": "s3:prefix",
    "delimiter": "s3:delimiter",
    "max_keys": "s3:max-keys",
    "acl": "s3:x-amz-acl",
    "grant_read": "s3:x-amz-grant-read",
    "grant_write": "s3:x-amz-grant-write",
    "grant_read_acp": "s3:x-amz-grant-read-acp",
    "grant_write_acp": "s3:x-amz-grant-write-acp",
    "grant_full_control": "s3:x-amz-grant-full-control",
    "version_id": "s3:versionid",
    "server_side_encryption": "s3:x-amz-server-side-encryption",
    "storage_class": "s3:x-amz-storage-class",
    "copy_source": "s3:x-amz-copy-source",
    "metadata_directive": "s3:x-amz-metadata-directive",
    "object_ownership": "s3:x-amz-object-ownership",
}


_LISTINGS = frozenset({"ListObjects", "ListObjectsV2", "ListObjectVersions"})


def _condition_values(operation: str, kw: dict[str, Any]) -> dict[str, list[str]]:
    values = {key: [str(kw[m])] for m, key in _CONDITION_MEMBERS.items() if kw.get(m) is not None}
    if operation in _LISTINGS:
        values.setdefault("s3:prefix", [""])  # a listing without a prefix lists from ""
    return values


_Method = TypeVar("_Method", bound=Callable[..., dict[str, Any]])


def _checked(operation: str) -> Callable[[_Method], _Method]:
    """Run the engine's access check for ``operation`` before the method."""

    def wrap(method: _Method) -> _Method:
        @functools.wraps(method)
        def run(self: S3Provider, context: RequestContext, **kw: Any) -> dict[str, Any]:
            self.engine.authorize(
                _principal(context),
                operation,
                kw.get("bucket"),
                kw.get("key"),
                kw.get("version_id"),
                lambda: _condition_values(operation, kw),
                kw.pop("expected_bucket_owner", None),
            )
            return method(self, context, **kw)

        return run  # type: ignore[return-value]

    return wrap


def _metadata(kw: dict[str, Any]) -> ObjectMetadata:
    return ObjectMetadata(
        **{m: kw.get(m) for m in _META_MEMBERS}, user=dict(kw.get("metadata") or {})
    )


def _checksums(kw: dict[str, Any]) -> dict[str, str]:
    return {algo: kw[m] for m, algo in _CHECKSUM_MEMBERS.items() if kw.get(m)}


def _tags_from_query(tagging: str | None) -> dict[str, str]:
    return dict(parse_qsl(tagging or "", keep_blank_values=True))


def _tag_set(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _version_id(v: ObjectVersion | None) -> dict[str, str]:
    return {"VersionId": v.version_id} if v is not None and v.version_id != "null" else {}


def _checksum_to_wire(v: ObjectVersion | Part) -> dict[str, str]:
    c = v.checksum
    if c is None:
        return {}
    out = {f"Checksum{c.algorithm}": c.value}
    if isinstance(v, ObjectVersion):
        out["ChecksumType"] = c.type
    return out


@contextmanager
def _delete_marker_header() -> Iterator[None]:
    """A read that hits a delete marker says so in ``x-amz-delete-marker`` (S3 API docs)."""
    try:
        yield
    except AwsError as err:
        if getattr(err, "delete_marker", False) or err.code == "MethodNotAllowed":
            err.headers["x-amz-delete-marker"] = "true"
        raise


def _head_to_wire(d: ObjectData, kw: dict[str, Any]) -> dict[str, Any]:
    v, m = d.version, d.version.metadata
    out: dict[str, Any] = {
        "AcceptRanges": "bytes",
        "LastModified": v.last_modified_dt,
        "ContentLength": d.length,
        "ETag": v.etag,
        "ContentType": v.content_type,
        "Metadata": dict(m.user),
        "ContentEncoding": m.content_encoding,
        "ContentDisposition": m.content_disposition,
        "ContentLanguage": m.content_language,
        "CacheControl": m.cache_control,
        "Expires": m.expires,
        "WebsiteRedirectLocation": m.website_redirect_location,
        "ContentRange": d.content_range,
        "PartsCount": v.parts_count,
        "TagCount": len(v.tags) or None,
        "StorageClass": v.storage_class if v.storage_class != "STANDARD" else None,
        **_version_id(v),
    }
    # S3 returns a checksum only for the whole object, never for a byte range of it
    if (kw.get("checksum_mode") or "").upper() == "ENABLED" and d.content_range is None:
        out.update(_checksum_to_wire(v))
    for member, name in _RESPONSE_OVERRIDES.items():
        if kw.get(member) is not None:
            out[name] = kw[member]
    return {k: val for k, val in out.items() if val is not None}


def _object_to_wire(v: ObjectVersion, owner: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Key": v.key,
        "LastModified": v.last_modified_dt,
        "ETag": v.etag,
        "Size": v.size,
        "StorageClass": v.storage_class,
    }
    if v.checksum is not None:
        out["ChecksumAlgorithm"] = [v.checksum.algorithm]
        out["ChecksumType"] = v.checksum.type
    if owner:
        out["Owner"] = _owner(v.owner)
    return out


def _list_to_wire(r: ListObjectsResult, v2: bool, fetch_owner: bool) -> dict[str, Any]:
    enc = url_encode if r.encoding_type == "url" else (lambda s: s)
    out: dict[str, Any] = {
        "IsTruncated": r.is_truncated,
        "Name": r.bucket,
        "Prefix": enc(r.prefix),
        "MaxKeys": r.max_keys,
        "EncodingType": r.encoding_type,
        "Delimiter": enc(r.delimiter) if r.delimiter else None,
        "Contents": [
            {**_object_to_wire(v, fetch_owner or not v2), "Key": enc(v.key)} for v in r.contents
        ]
        or None,
        "CommonPrefixes": [{"Prefix": enc(p)} for p in r.common_prefixes] or None,
    }
    if v2:
        out.update(
            KeyCount=r.key_count,
            ContinuationToken=r.continuation_token,
            NextContinuationToken=r.next_continuation_token,
            StartAfter=enc(r.start_after) if r.start_after else None,
        )
    else:
        out.update(Marker=enc(r.marker or ""), NextMarker=enc(r.next_marker))
    return {k: v for k, v in out.items() if v is not None}


def _versions_to_wire(r: ListVersionsResult) -> dict[str, Any]:
    enc = url_encode if r.encoding_type == "url" else (lambda s: s)
    versions, markers = [], []
    for v in r.versions:
        item = {
            "Key": enc(v.key),
            "VersionId": v.version_id,
            "IsLatest": v.is_latest,
            "LastModified": v.last_modified_dt,
            "Owner": _owner(v.owner),
        }
        if v.is_delete_marker:
            markers.append(item)
        else:
            versions.append({**_object_to_wire(v), **item})
    out: dict[str, Any] = {
        "IsTruncated": r.is_truncated,
        "Name": r.bucket,
        "Prefix": enc(r.prefix),
        "KeyMarker": enc(r.key_marker),
        "VersionIdMarker": r.version_id_marker,
        "NextKeyMarker": enc(r.next_key_marker),
        "NextVersionIdMarker": r.next_version_id_marker,
        "MaxKeys": r.max_keys,
        "EncodingType": r.encoding_type,
        "Delimiter": enc(r.delimiter) if r.delimiter else None,
        "Versions": versions or None,
        "DeleteMarkers": markers or None,
        "CommonPrefixes": [{"Prefix": enc(p)} for p in r.common_prefixes] or None,
    }
    return {k: v for k, v in out.items() if v is not None}


def _bucket_to_wire(b: Bucket) -> dict[str, Any]:
    return {"Name": b.name, "CreationDate": b.created_dt, "BucketRegion": b.region}


def _upload_to_wire(u: MultipartUpload) -> dict[str, Any]:
    out = {
        "UploadId": u.upload_id,
        "Key": u.key,
        "Initiated": u.initiated_dt,
        "StorageClass": u.storage_class,
        "Owner": _owner(u.account),
        "Initiator": _owner(u.account),
    }
    if u.checksum_algorithm:
        out.update(ChecksumAlgorithm=u.checksum_algorithm, ChecksumType=u.checksum_type)
    return out


def _part_to_wire(p: Part) -> dict[str, Any]:
    return {
        "PartNumber": p.part_number,
        "LastModified": p.last_modified_dt,
        "ETag": p.etag,
        "Size": p.size,
        **_checksum_to_wire(p),
    }


def _copy_kwargs(kw: dict[str, Any]) -> dict[str, Any]:
    bucket, key, version = parse_copy_source(kw["copy_source"])
    return {
        "source_bucket": bucket,
        "source_key": key,
        "source_version_id": version,
        **{
            k: kw.get(k)
            for k in (
                "copy_source_if_match",
                "copy_source_if_none_match",
                "copy_source_if_modified_since",
                "copy_source_if_unmodified_since",
            )
        },
    }


class S3Provider:
    def __init__(self, engine: S3Engine) -> None:
        self.engine = engine

    # -- buckets -----------------------------------------------------------------

    @_checked("CreateBucket")
    def create_bucket(
        self,
        context: RequestContext,
        bucket: str,
        create_bucket_configuration: dict[str, Any] | None = None,
        object_ownership: str | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        location = (create_bucket_configuration or {}).get("LocationConstraint")
        self.engine.create_bucket(
            *_where(context),
            bucket,
            location,
            acl_request=_acl_request(kw),
            object_ownership=object_ownership,
        )
        return {"Location": f"/{bucket}", "BucketArn": f"arn:aws:s3:::{bucket}"}

    @_checked("HeadBucket")
    def head_bucket(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        b = self.engine.head_bucket(*_where(context), bucket)
        return {"BucketRegion": b.region, "AccessPointAlias": False}

    @_checked("ListBuckets")
    def list_buckets(
        self,
        context: RequestContext,
        prefix: str | None = None,
        bucket_region: str | None = None,
    ) -> dict[str, Any]:
        buckets = self.engine.list_buckets(*_where(context), prefix, bucket_region)
        return {
            "Buckets": [_bucket_to_wire(b) for b in buckets],
            "Owner": _owner(context.account_id),
            "Prefix": prefix,
        }

    @_checked("DeleteBucket")
    def delete_bucket(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        self.engine.delete_bucket(*_where(context), bucket)
        return {}

    @_checked("GetBucketLocation")
    def get_bucket_location(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return {"LocationConstraint": self.engine.get_bucket_location(*_where(context), bucket)}

    @_checked("PutBucketVersioning")
    def put_bucket_versioning(
        self,
        context: RequestContext,
        bucket: str,
        versioning_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        status = versioning_configuration.get("Status")
        self.engine.put_bucket_versioning(*_where(context), bucket, status)
        return {}

    @_checked("GetBucketVersioning")
    def get_bucket_versioning(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        status = self.engine.get_bucket_versioning(*_where(context), bucket)
        return {"Status": status} if status else {}

    @_checked("PutBucketNotificationConfiguration")
    def put_bucket_notification_configuration(
        self,
        context: RequestContext,
        bucket: str,
        notification_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        self.engine.put_bucket_notification_configuration(
            *_where(context), bucket, notification_configuration
        )
        return {}

    @_checked("GetBucketNotificationConfiguration")
    def get_bucket_notification_configuration(
        self, context: RequestContext, bucket: str
    ) -> dict[str, Any]:
        return self.engine.get_bucket_notification_configuration(*_where(context), bucket)

    @_checked("PutBucketLifecycleConfiguration")
    def put_bucket_lifecycle_configuration(
        self,
        context: RequestContext,
        bucket: str,
        lifecycle_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        self.engine.put_bucket_lifecycle_configuration(
            *_where(context), bucket, lifecycle_configuration
        )
        return {}

    @_checked("GetBucketLifecycleConfiguration")
    def get_bucket_lifecycle_configuration(
        self, context: RequestContext, bucket: str
    ) -> dict[str, Any]:
        return self.engine.get_bucket_lifecycle_configuration(*_where(context), bucket)

    @_checked("DeleteBucketLifecycle")
    def delete_bucket_lifecycle(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        self.engine.delete_bucket_lifecycle(*_where(context), bucket)
        return {}

    @_checked("PutBucketPolicy")
    def put_bucket_policy(
        self, context: RequestContext, bucket: str, policy: str
    ) -> dict[str, Any]:
        self.engine.put_bucket_policy(*_where(context), bucket, policy)
        return {}

    @_checked("GetBucketPolicy")
    def get_bucket_policy(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return {"Policy": self.engine.get_bucket_policy(*_where(context), bucket)}

    @_checked("DeleteBucketPolicy")
    def delete_bucket_policy(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        self.engine.delete_bucket_policy(*_where(context), bucket)
        return {}

    @_checked("PutBucketTagging")
    def put_bucket_tagging(
        self, context: RequestContext, bucket: str, tagging: dict[str, Any]
    ) -> dict[str, Any]:
        self.engine.put_bucket_tagging(*_where(context), bucket, tagging)
        return {}

    @_checked("GetBucketTagging")
    def get_bucket_tagging(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return self.engine.get_bucket_tagging(*_where(context), bucket)

    @_checked("DeleteBucketTagging")
    def delete_bucket_tagging(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        self.engine.delete_bucket_tagging(*_where(context), bucket)
        return {}

    @_checked("PutBucketCors")
    def put_bucket_cors(
        self, context: RequestContext, bucket: str, cors_configuration: dict[str, Any]
    ) -> dict[str, Any]:
        self.engine.put_bucket_cors(*_where(context), bucket, cors_configuration)
        return {}

    @_checked("GetBucketCors")
    def get_bucket_cors(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return self.engine.get_bucket_cors(*_where(context), bucket)

    @_checked("DeleteBucketCors")
    def delete_bucket_cors(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        self.engine.delete_bucket_cors(*_where(context), bucket)
        return {}

    @_checked("GetBucketAcl")
    def get_bucket_acl(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return _acl_to_wire(*self.engine.get_bucket_acl(*_where(context), bucket))

    @_checked("PutBucketAcl")
    def put_bucket_acl(
        self,
        context: RequestContext,
        bucket: str,
        access_control_policy: dict[str, Any] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        request = _acl_request(kw, access_control_policy) or AclRequest()
        self.engine.put_bucket_acl(*_where(context), bucket, request)
        return {}

    # -- Block Public Access, Object Ownership, encryption, policy status ---------------

    @_checked("PutPublicAccessBlock")
    def put_public_access_block(
        self,
        context: RequestContext,
        bucket: str,
        public_access_block_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        self.engine.put_public_access_block(
            *_where(context), bucket, public_access_block_configuration
        )
        return {}

    @_checked("GetPublicAccessBlock")
    def get_public_access_block(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        block = self.engine.get_public_access_block(*_where(context), bucket)
        return {"PublicAccessBlockConfiguration": block}

    @_checked("DeletePublicAccessBlock")
    def delete_public_access_block(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        self.engine.delete_public_access_block(*_where(context), bucket)
        return {}

    @_checked("PutBucketOwnershipControls")
    def put_bucket_ownership_controls(
        self, context: RequestContext, bucket: str, ownership_controls: dict[str, Any]
    ) -> dict[str, Any]:
        self.engine.put_bucket_ownership_controls(*_where(context), bucket, ownership_controls)
        return {}

    @_checked("GetBucketOwnershipControls")
    def get_bucket_ownership_controls(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        ownership = self.engine.get_bucket_ownership_controls(*_where(context), bucket)
        return {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}}

    @_checked("DeleteBucketOwnershipControls")
    def delete_bucket_ownership_controls(
        self, context: RequestContext, bucket: str
    ) -> dict[str, Any]:
        self.engine.delete_bucket_ownership_controls(*_where(context), bucket)
        return {}

    @_checked("PutBucketEncryption")
    def put_bucket_encryption(
        self,
        context: RequestContext,
        bucket: str,
        server_side_encryption_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        self.engine.put_bucket_encryption(
            *_where(context), bucket, server_side_encryption_configuration
        )
        return {}

    @_checked("GetBucketEncryption")
    def get_bucket_encryption(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        config = self.engine.get_bucket_encryption(*_where(context), bucket)
        return {"ServerSideEncryptionConfiguration": config}

    @_checked("DeleteBucketEncryption")
    def delete_bucket_encryption(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        self.engine.delete_bucket_encryption(*_where(context), bucket)
        return {}

    @_checked("GetBucketPolicyStatus")
    def get_bucket_policy_status(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        public = self.engine.get_bucket_policy_status(*_where(context), bucket)
        return {"PolicyStatus": {"IsPublic": public}}

    @_checked("GetBucketAccelerateConfiguration")
    def get_bucket_accelerate_configuration(
        self, context: RequestContext, bucket: str
    ) -> dict[str, Any]:
        self.engine.get_bucket_default(*_where(context), bucket, "accelerate")
        return {}

    @_checked("GetBucketRequestPayment")
    def get_bucket_request_payment(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return {
            "Payer": self.engine.get_bucket_default(*_where(context), bucket, "request_payment")
        }

    @_checked("GetBucketLogging")
    def get_bucket_logging(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        self.engine.get_bucket_default(*_where(context), bucket, "logging")
        return {}

    @_checked("GetBucketWebsite")
    def get_bucket_website(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return dict(self.engine.get_bucket_default(*_where(context), bucket, "website"))

    @_checked("GetBucketReplication")
    def get_bucket_replication(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return dict(self.engine.get_bucket_default(*_where(context), bucket, "replication"))

    @_checked("GetObjectLockConfiguration")
    def get_object_lock_configuration(self, context: RequestContext, bucket: str) -> dict[str, Any]:
        return dict(self.engine.get_bucket_default(*_where(context), bucket, "object_lock"))

    # -- objects -----------------------------------------------------------------

    @_checked("PutObject")
    def put_object(
        self, context: RequestContext, bucket: str, key: str, body: Any = None, **kw: Any
    ) -> dict[str, Any]:
        v = self.engine.put_object(
            *_where(context),
            bucket,
            key,
            body if body is not None else _Empty(),
            metadata=_metadata(kw),
            tags=_tags_from_query(kw.get("tagging")),
            content_md5=kw.get("content_md5"),
            checksum_algorithm=kw.get("checksum_algorithm"),
            checksums_given=_checksums(kw),
            storage_class=kw.get("storage_class"),
            if_match=kw.get("if_match"),
            if_none_match=kw.get("if_none_match"),
            acl_request=_acl_request(kw),
            content_length=kw.get("content_length"),
            server_side_encryption=kw.get("server_side_encryption"),
            sse_kms_key_id=kw.get("ssekms_key_id"),
        )
        return {
            "ETag": v.etag,
            "Size": v.size,
            **_version_id(v),
            **_checksum_to_wire(v),
            **self.engine.object_encryption(bucket, v.metadata),
        }

    @_checked("GetObject")
    def get_object(
        self, context: RequestContext, bucket: str, key: str, **kw: Any
    ) -> dict[str, Any]:
        with _delete_marker_header(), self._absence_needs_list(context, bucket):
            d = self.engine.get_object(*_where(context), bucket, key, **_read_kwargs(kw))
        return {
            **_head_to_wire(d, kw),
            **self.engine.object_encryption(bucket, d.version.metadata),
            "Body": FileRange(d.path, d.offset, d.length),
        }

    @_checked("HeadObject")
    def head_object(
        self, context: RequestContext, bucket: str, key: str, **kw: Any
    ) -> dict[str, Any]:
        with _delete_marker_header(), self._absence_needs_list(context, bucket):
            d = self.engine.head_object(*_where(context), bucket, key, **_read_kwargs(kw))
        return {**_head_to_wire(d, kw), **self.engine.object_encryption(bucket, d.version.metadata)}

    @_checked("DeleteObject")
    def delete_object(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        version_id: str | None = None,
    ) -> dict[str, Any]:
        r = self.engine.delete_object(*_where(context), bucket, key, version_id)
        out: dict[str, Any] = {"VersionId": r.version_id} if r.version_id else {}
        return {**out, "DeleteMarker": True} if r.delete_marker else out

    def delete_objects(
        self, context: RequestContext, bucket: str, delete: dict[str, Any]
    ) -> dict[str, Any]:
        pairs = [(o["Key"], o.get("VersionId")) for o in delete.get("Objects", [])]
        principal = _principal(context)
        headers = context.request.headers
        r = self.engine.delete_objects(
            *_where(context),
            bucket,
            pairs,
            integrity_checked="content-md5" in headers
            or any(h.startswith(("x-amz-checksum-", "x-amz-sdk-checksum-")) for h in headers),
            authorize_key=lambda key, version_id: self.engine.authorize(
                principal, "DeleteObject", bucket, key, version_id
            ),
        )
        deleted = [
            {
                "Key": d.key,
                **({"VersionId": d.version_id} if d.version_id else {}),
                **(
                    {"DeleteMarker": True, "DeleteMarkerVersionId": d.version_id}
                    if d.delete_marker
                    else {}
                ),
            }
            for d in r.deleted
        ]
        errors = [
            {
                "Key": e.key,
                "Code": e.code,
                "Message": e.message,
                **({"VersionId": e.version_id} if e.version_id else {}),
            }
            for e in r.errors
        ]
        return {"Deleted": [] if delete.get("Quiet") else deleted, "Errors": errors}

    @_checked("CopyObject")
    def copy_object(
        self, context: RequestContext, bucket: str, key: str, copy_source: str, **kw: Any
    ) -> dict[str, Any]:
        source = _copy_kwargs({**kw, "copy_source": copy_source})
        self._authorize_source(context, source, kw.get("expected_source_bucket_owner"))
        new, src = self.engine.copy_object(
            *_where(context),
            bucket,
            key,
            **source,
            metadata_directive=kw.get("metadata_directive"),
            metadata=_metadata(kw),
            tagging_directive=kw.get("tagging_directive"),
            tags=_tags_from_query(kw.get("tagging")),
            storage_class=kw.get("storage_class"),
            checksum_algorithm=kw.get("checksum_algorithm"),
            if_match=kw.get("if_match"),
            if_none_match=kw.get("if_none_match"),
            acl_request=_acl_request(kw),
            server_side_encryption=kw.get("server_side_encryption"),
            sse_kms_key_id=kw.get("ssekms_key_id"),
        )
        result = {"ETag": new.etag, "LastModified": new.last_modified_dt, **_checksum_to_wire(new)}
        version = {"CopySourceVersionId": src.version_id} if src.version_id != "null" else {}
        return {
            "CopyObjectResult": result,
            **version,
            **_version_id(new),
            **self.engine.object_encryption(bucket, new.metadata),
        }

    @contextmanager
    def _absence_needs_list(self, context: RequestContext, bucket: str) -> Iterator[None]:
        """S3 says a key is absent (404) only to callers allowed to list the bucket;
        others get 403, so that reads do not reveal which keys exist."""
        try:
            yield
        except AwsError as err:
            if err.code == "NoSuchKey":
                self.engine.authorize(_principal(context), "ListObjectsV2", bucket)
            raise

    def _authorize_source(
        self, context: RequestContext, source: dict[str, Any], expected_owner: str | None
    ) -> None:
        """A copy reads its source: the caller needs GetObject there too."""
        self.engine.authorize(
            _principal(context),
            "GetObject",
            source["source_bucket"],
            source["source_key"],
            source["source_version_id"],
            expected_owner=expected_owner,
        )

    @_checked("PutObjectTagging")
    def put_object_tagging(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        tagging: dict[str, Any],
        version_id: str | None = None,
    ) -> dict[str, Any]:
        tags = tag_set_to_dict(tagging.get("TagSet") or [])
        vid = self.engine.put_object_tagging(*_where(context), bucket, key, tags, version_id)
        return {"VersionId": vid} if vid != "null" else {}

    @_checked("GetObjectTagging")
    def get_object_tagging(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        version_id: str | None = None,
    ) -> dict[str, Any]:
        vid, tags = self.engine.get_object_tagging(*_where(context), bucket, key, version_id)
        return {"TagSet": _tag_set(tags), **({"VersionId": vid} if vid != "null" else {})}

    @_checked("DeleteObjectTagging")
    def delete_object_tagging(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        version_id: str | None = None,
    ) -> dict[str, Any]:
        vid = self.engine.delete_object_tagging(*_where(context), bucket, key, version_id)
        return {"VersionId": vid} if vid != "null" else {}

    @_checked("GetObjectAcl")
    def get_object_acl(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        version_id: str | None = None,
    ) -> dict[str, Any]:
        return _acl_to_wire(*self.engine.get_object_acl(*_where(context), bucket, key, version_id))

    @_checked("PutObjectAcl")
    def put_object_acl(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        access_control_policy: dict[str, Any] | None = None,
        version_id: str | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        request = _acl_request(kw, access_control_policy) or AclRequest()
        self.engine.put_object_acl(*_where(context), bucket, key, request, version_id)
        return {}

    @_checked("GetObjectAttributes")
    def get_object_attributes(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        object_attributes: list[str],
        version_id: str | None = None,
    ) -> dict[str, Any]:
        v = self.engine.get_object_attributes(*_where(context), bucket, key, version_id)
        wanted = set(object_attributes)
        out: dict[str, Any] = {"LastModified": v.last_modified_dt, **_version_id(v)}
        if "ETag" in wanted:
            out["ETag"] = v.etag.strip('"')
        if "Checksum" in wanted and v.checksum is not None:
            out["Checksum"] = _checksum_to_wire(v)
        if "ObjectParts" in wanted and v.parts_count:
            out["ObjectParts"] = {"TotalPartsCount": v.parts_count}
        if "StorageClass" in wanted:
            out["StorageClass"] = v.storage_class
        if "ObjectSize" in wanted:
            out["ObjectSize"] = v.size
        return out

    # -- listing -----------------------------------------------------------------

    @_checked("ListObjects")
    def list_objects(self, context: RequestContext, bucket: str, **kw: Any) -> dict[str, Any]:
        r = self.engine.list_objects(
            *_where(context),
            bucket,
            prefix=kw.get("prefix"),
            delimiter=kw.get("delimiter"),
            max_keys=kw.get("max_keys"),
            marker=kw.get("marker"),
            encoding_type=kw.get("encoding_type"),
        )
        return _list_to_wire(r, v2=False, fetch_owner=True)

    @_checked("ListObjectsV2")
    def list_objects_v2(self, context: RequestContext, bucket: str, **kw: Any) -> dict[str, Any]:
        r = self.engine.list_objects_v2(
            *_where(context),
            bucket,
            prefix=kw.get("prefix"),
            delimiter=kw.get("delimiter"),
            max_keys=kw.get("max_keys"),
            continuation_token=kw.get("continuation_token"),
            start_after=kw.get("start_after"),
            encoding_type=kw.get("encoding_type"),
        )
        return _list_to_wire(r, v2=True, fetch_owner=bool(kw.get("fetch_owner")))

    @_checked("ListObjectVersions")
    def list_object_versions(
        self, context: RequestContext, bucket: str, **kw: Any
    ) -> dict[str, Any]:
        r = self.engine.list_object_versions(
            *_where(context),
            bucket,
            prefix=kw.get("prefix"),
            delimiter=kw.get("delimiter"),
            max_keys=kw.get("max_keys"),
            key_marker=kw.get("key_marker"),
            version_id_marker=kw.get("version_id_marker"),
            encoding_type=kw.get("encoding_type"),
        )
        return _versions_to_wire(r)

    # -- multipart ---------------------------------------------------------------

    @_checked("CreateMultipartUpload")
    def create_multipart_upload(
        self, context: RequestContext, bucket: str, key: str, **kw: Any
    ) -> dict[str, Any]:
        u = self.engine.create_multipart_upload(
            *_where(context),
            bucket,
            key,
            metadata=_metadata(kw),
            tags=_tags_from_query(kw.get("tagging")),
            storage_class=kw.get("storage_class"),
            checksum_algorithm=kw.get("checksum_algorithm"),
            checksum_type=kw.get("checksum_type"),
            acl_request=_acl_request(kw),
            server_side_encryption=kw.get("server_side_encryption"),
            sse_kms_key_id=kw.get("ssekms_key_id"),
        )
        out: dict[str, Any] = {
            "Bucket": bucket,
            "Key": key,
            "UploadId": u.upload_id,
            **self.engine.object_encryption(bucket, u.metadata),
        }
        if u.checksum_algorithm:
            out.update(ChecksumAlgorithm=u.checksum_algorithm, ChecksumType=u.checksum_type)
        return out

    @_checked("UploadPart")
    def upload_part(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: int,
        body: Any = None,
        **kw: Any,
    ) -> dict[str, Any]:
        p = self.engine.upload_part(
            *_where(context),
            bucket,
            key,
            upload_id,
            part_number,
            body if body is not None else _Empty(),
            content_md5=kw.get("content_md5"),
            checksum_algorithm=kw.get("checksum_algorithm"),
            checksums_given=_checksums(kw),
            content_length=kw.get("content_length"),
        )
        return {"ETag": p.etag, **_checksum_to_wire(p), **self.engine.object_encryption(bucket)}

    @_checked("UploadPartCopy")
    def upload_part_copy(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: int,
        copy_source: str,
        **kw: Any,
    ) -> dict[str, Any]:
        source = _copy_kwargs({**kw, "copy_source": copy_source})
        self._authorize_source(context, source, kw.get("expected_source_bucket_owner"))
        p, src = self.engine.upload_part_copy(
            *_where(context),
            bucket,
            key,
            upload_id,
            part_number,
            **source,
            copy_source_range=kw.get("copy_source_range"),
        )
        source = {"CopySourceVersionId": src.version_id} if src.version_id != "null" else {}
        result = {"ETag": p.etag, "LastModified": p.last_modified_dt, **_checksum_to_wire(p)}
        return {"CopyPartResult": result, **source}

    @_checked("CompleteMultipartUpload")
    def complete_multipart_upload(
        self,
        context: RequestContext,
        bucket: str,
        key: str,
        upload_id: str,
        multipart_upload: dict[str, Any] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        parts = [
            CompletedPart(
                p["PartNumber"],
                p.get("ETag", ""),
                {a: p[f"Checksum{a}"] for a in _CHECKSUM_MEMBERS.values() if p.get(f"Checksum{a}")},
            )
            for p in (multipart_upload or {}).get("Parts", [])
        ]
        v = self.engine.complete_multipart_upload(
            *_where(context),
            bucket,
            key,
            upload_id,
            parts,
            checksums_given=_checksums(kw),
            mpu_object_size=kw.get("mpu_object_size"),
            if_match=kw.get("if_match"),
            if_none_match=kw.get("if_none_match"),
        )
        return {
            "Location": f"/{bucket}/{key}",
            "Bucket": bucket,
            "Key": key,
            "ETag": v.etag,
            **_version_id(v),
            **_checksum_to_wire(v),
            **self.engine.object_encryption(bucket, v.metadata),
        }

    @_checked("AbortMultipartUpload")
    def abort_multipart_upload(
        self, context: RequestContext, bucket: str, key: str, upload_id: str
    ) -> dict[str, Any]:
        self.engine.abort_multipart_upload(*_where(context), bucket, key, upload_id)
        return {}

    @_checked("ListParts")
    def list_parts(
        self, context: RequestContext, bucket: str, key: str, upload_id: str, **kw: Any
    ) -> dict[str, Any]:
        r = self.engine.list_parts(
            *_where(context),
            bucket,
            key,
            upload_id,
            max_parts=kw.get("max_parts"),
            part_number_marker=kw.get("part_number_marker"),
        )
        out = {
            "Bucket": bucket,
            "Key": key,
            "UploadId": upload_id,
            "PartNumberMarker": r.part_number_marker,
            "MaxParts": r.max_parts,
            "IsTruncated": r.is_truncated,
            "Parts": [_part_to_wire(p) for p in r.parts],
            "Owner": _owner(r.upload.account),
            "Initiator": _owner(r.upload.account),
            "StorageClass": r.upload.storage_class,
        }
        if r.next_part_number_marker is not None:
            out["NextPartNumberMarker"] = r.next_part_number_marker
        if r.upload.checksum_algorithm:
            out.update(
                ChecksumAlgorithm=r.upload.checksum_algorithm, ChecksumType=r.upload.checksum_type
            )
        return out

    @_checked("ListMultipartUploads")
    def list_multipart_uploads(
        self, context: RequestContext, bucket: str, **kw: Any
    ) -> dict[str, Any]:
        r = self.engine.list_multipart_uploads(
            *_where(context),
            bucket,
            prefix=kw.get("prefix"),
            delimiter=kw.get("delimiter"),
            max_uploads=kw.get("max_uploads"),
            key_marker=kw.get("key_marker"),
            upload_id_marker=kw.get("upload_id_marker"),
            encoding_type=kw.get("encoding_type"),
        )
        enc = url_encode if r.encoding_type == "url" else (lambda s: s)
        out = {
            "Bucket": bucket,
            "KeyMarker": enc(r.key_marker),
            "UploadIdMarker": r.upload_id_marker,
            "NextKeyMarker": enc(r.next_key_marker),
            "NextUploadIdMarker": r.next_upload_id_marker,
            "Prefix": enc(r.prefix),
            "Delimiter": enc(r.delimiter) if r.delimiter else None,
            "MaxUploads": r.max_uploads,
            "IsTruncated": r.is_truncated,
            "EncodingType": r.encoding_type,
            "Uploads": [{**_upload_to_wire(u), "Key": enc(u.key)} for u in r.uploads],
            "CommonPrefixes": [{"Prefix": enc(p)} for p in r.common_prefixes] or None,
        }
        return {k: v for k, v in out.items() if v is not None}


def _read_kwargs(kw: dict[str, Any]) -> dict[str, Any]:
    return {
        k: kw.get(k)
        for k in (
            "version_id",
            "range",
            "if_match",
            "if_none_match",
            "if_modified_since",
            "if_unmodified_since",
        )
    }


class _Empty:
    trailers: dict[str, str] = {}

    def read(self, n: int = -1, /) -> bytes:
        return b""

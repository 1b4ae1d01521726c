"""Access controls of buckets and objects: the per-request access check, ACLs, Block Public
Access (bucket and account level), Object Ownership, default encryption and policy status,
plus the bucket settings lakestack keeps at their AWS defaults (website, logging,
replication, Object Lock, accelerate, request payment: read-only).

Part of :class:`lakestack.services.s3.engine.S3Engine`; knows no HTTP. The decision itself
is ``access.decide``; this module feeds it cached bucket state and object ACLs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from lakestack.services.s3 import acl
from lakestack.services.s3.access import (
    BLOCK_FLAGS,
    ENFORCED,
    OPERATIONS,
    OWNERSHIPS,
    SERVICE_LEVEL,
    BucketAccess,
    acl_for_write,
    decide,
    effective_block,
    global_values,
)
from lakestack.services.s3.base import EngineBase, _account_key
from lakestack.services.s3.errors import (
    AccessDenied,
    InvalidArgument,
    InvalidBucketAclWithObjectOwnership,
    InvalidRequest,
    MalformedACLError,
    MalformedXML,
    NoSuchBucket,
    NoSuchBucketPolicy,
    NoSuchPublicAccessBlockConfiguration,
    NoSuchWebsiteConfiguration,
    ObjectLockConfigurationNotFoundError,
    OwnershipControlsNotFoundError,
    ReplicationConfigurationNotFoundError,
)
from lakestack.services.s3.models import ObjectMetadata, Principal
from lakestack.services.s3.rules import SSE_ALGORITHMS

DEFAULT_ENCRYPTION: dict[str, Any] = {
    "Rules": [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
        }
    ]
}


class AccessOps(EngineBase):
    # -- the check every request passes ----------------------------------------------

    def authorize(
        self,
        principal: Principal,
        operation: str,
        bucket: str | None,
        key: str | None = None,
        version_id: str | None = None,
        values: Callable[[], dict[str, list[str]]] | None = None,
        expected_owner: str | None = None,
    ) -> None:
        """Allow ``principal`` to run ``operation`` on ``bucket``/``key``, or raise.

        An absent bucket passes: the operation then answers NoSuchBucket, as S3 does.
        The bucket owner with no Deny in the bucket policy is decided from cached state
        alone (no storage access).

        Args:
            operation: the S3 operation name (``GetObject``), see ``access.OPERATIONS``.
            values: the request's own condition keys (``s3:prefix``, ``s3:x-amz-acl`` ...),
                lower-cased, each with its values; called only if a policy is evaluated.
            expected_owner: the account the caller expects to own the bucket
                (``x-amz-expected-bucket-owner``); another owner is AccessDenied.

        Raises:
            AccessDenied, MethodNotAllowed.
        """
        if bucket is None or OPERATIONS[operation][1] == SERVICE_LEVEL:
            if principal.anonymous:
                raise AccessDenied()
            return
        state = self._access_state(bucket)
        if state is None:
            return
        if expected_owner is not None and expected_owner != state.owner:
            raise AccessDenied()
        decide(
            principal,
            operation,
            state,
            self._account_block(state.owner),
            key,
            version_id,
            lambda: {
                **global_values(principal, self._clock.now(), state.owner),
                **(values() if values is not None else {}),
            },
            lambda: self._object_acl(state, bucket, key or "", version_id),
        )

    def _object_acl(
        self, state: BucketAccess, bucket: str, key: str, version_id: str | None
    ) -> tuple[str, list[acl.Grant]] | None:
        v = (
            self._store.version(bucket, key, version_id)
            if version_id is not None
            else self._store.latest(bucket, key)
        )
        if v is None or v.is_delete_marker:
            return None
        owner = v.owner or state.owner
        return owner, v.metadata.acl if v.metadata.acl is not None else acl.owner_only(owner)

    def _state(self, bucket: str) -> BucketAccess:
        state = self._access_state(bucket)
        if state is None:
            raise NoSuchBucket(BucketName=bucket)
        return state

    # -- ACLs --------------------------------------------------------------------------

    def get_bucket_acl(self, account: str, region: str, bucket: str) -> tuple[str, list[acl.Grant]]:
        """(owner account, grants) of a bucket."""
        self._bill("GetBucketAcl", account, region, bucket)
        state = self._state(bucket)
        grants = state.acl if state.acl is not None and state.acls_enabled else None
        return state.owner, grants or acl.owner_only(state.owner)

    def put_bucket_acl(
        self, account: str, region: str, bucket: str, request: acl.AclRequest
    ) -> None:
        """Replace a bucket's ACL.

        Raises:
            AccessControlListNotSupported, AccessDenied, MalformedACLError, InvalidArgument.
        """
        self._bill("PutBucketAcl", account, region, bucket)
        state = self._state(bucket)
        if request.empty:
            raise MalformedACLError()
        grants = acl_for_write(
            state, self._account_block(state.owner), state.owner, request, for_bucket=True
        )
        self._set_configs(bucket, {"acl": grants})

    def get_object_acl(
        self, account: str, region: str, bucket: str, key: str, version_id: str | None = None
    ) -> tuple[str, list[acl.Grant]]:
        """(owner account, grants) of an object version."""
        self._bill("GetObjectAcl", account, region, bucket)
        state = self._state(bucket)
        v = self._resolve(bucket, key, version_id)
        owner = v.owner or state.owner
        grants = v.metadata.acl if state.acls_enabled else None
        return owner, grants or acl.owner_only(owner)

    def put_object_acl(
        self,
        account: str,
        region: str,
        bucket: str,
        key: str,
        request: acl.AclRequest,
        version_id: str | None = None,
    ) -> str:
        """Replace an object version's ACL; returns its version id."""
        self._bill("PutObjectAcl", account, region, bucket)
        state = self._state(bucket)
        v = self._resolve(bucket, key, version_id, "PUT")
        if request.empty:
            raise MalformedACLError()
        owner = v.owner or state.owner
        grants = acl_for_write(state, self._account_block(state.owner), owner, request, False)
        self._store.set_meta(v.seq, replace(v.metadata, acl=grants))
        return v.version_id

    # -- Block Public Access -----------------------------------------------------------

    def put_public_access_block(
        self, account: str, region: str, bucket: str, configuration: dict[str, Any]
    ) -> None:
        self._bill("PutPublicAccessBlock", account, region, bucket)
        self._state(bucket)
        self._set_configs(bucket, {"public_access_block": _block(configuration)})

    def get_public_access_block(self, account: str, region: str, bucket: str) -> dict[str, bool]:
        self._bill("GetPublicAccessBlock", account, region, bucket)
        block = self._state(bucket).block
        if block is None:
            raise NoSuchPublicAccessBlockConfiguration(BucketName=bucket)
        return dict(block)

    def delete_public_access_block(self, account: str, region: str, bucket: str) -> None:
        self._bill("DeletePublicAccessBlock", account, region, bucket)
        self._state(bucket)
        self._set_configs(bucket, {"public_access_block": None})

    def put_account_public_access_block(self, account: str, configuration: dict[str, Any]) -> None:
        """The account-wide setting (S3 Control's PutPublicAccessBlock)."""
        self._set_configs(_account_key(account), {"public_access_block": _block(configuration)})

    def get_account_public_access_block(self, account: str) -> dict[str, bool]:
        block = self._account_block(account)
        if block is None:
            raise NoSuchPublicAccessBlockConfiguration(AccountId=account)
        return dict(block)

    def delete_account_public_access_block(self, account: str) -> None:
        self._set_configs(_account_key(account), {"public_access_block": None})

    # -- Object Ownership --------------------------------------------------------------

    def put_bucket_ownership_controls(
        self, account: str, region: str, bucket: str, controls: dict[str, Any]
    ) -> None:
        """Set ObjectOwnership. Moving to BucketOwnerEnforced requires the bucket ACL to
        give only the owner full control (S3: InvalidBucketAclWithObjectOwnership)."""
        self._bill("PutBucketOwnershipControls", account, region, bucket)
        state = self._state(bucket)
        rules = controls.get("Rules") or []
        if len(rules) != 1 or rules[0].get("ObjectOwnership") not in OWNERSHIPS:
            raise MalformedXML()
        ownership = rules[0]["ObjectOwnership"]
        if ownership == ENFORCED and state.acl is not None:
            if not acl.owner_full_control_only(state.acl, state.owner):
                raise InvalidBucketAclWithObjectOwnership()
        self._set_configs(bucket, {"ownership": ownership})

    def get_bucket_ownership_controls(self, account: str, region: str, bucket: str) -> str:
        """The bucket's ObjectOwnership."""
        self._bill("GetBucketOwnershipControls", account, region, bucket)
        ownership = self._state(bucket).ownership
        if ownership is None:
            raise OwnershipControlsNotFoundError(BucketName=bucket)
        return ownership

    def delete_bucket_ownership_controls(self, account: str, region: str, bucket: str) -> None:
        self._bill("DeleteBucketOwnershipControls", account, region, bucket)
        self._state(bucket)
        self._set_configs(bucket, {"ownership": None})

    # -- default encryption ------------------------------------------------------------

    def put_bucket_encryption(
        self, account: str, region: str, bucket: str, configuration: dict[str, Any]
    ) -> None:
        """Store the default encryption; lakestack keeps bytes as they are on the local
        disk either way, and objects report the configured algorithm."""
        self._bill("PutBucketEncryption", account, region, bucket)
        self._state(bucket)
        self._set_configs(bucket, {"encryption": _encryption(configuration)})

    def get_bucket_encryption(self, account: str, region: str, bucket: str) -> dict[str, Any]:
        """The stored configuration, else SSE-S3 (every bucket's default since 2023)."""
        self._bill("GetBucketEncryption", account, region, bucket)
        return copy.deepcopy(self._state(bucket).encryption or DEFAULT_ENCRYPTION)

    def delete_bucket_encryption(self, account: str, region: str, bucket: str) -> None:
        """Back to the default, SSE-S3."""
        self._bill("DeleteBucketEncryption", account, region, bucket)
        self._state(bucket)
        self._set_configs(bucket, {"encryption": None})

    def object_encryption(
        self, bucket: str, metadata: ObjectMetadata | None = None
    ) -> dict[str, Any]:
        """What an object reports: ServerSideEncryption and, for KMS, SSEKMSKeyId and
        BucketKeyEnabled. The encryption its writer asked for, else the bucket's default."""
        state = self._access_state(bucket)
        rule = ((state.encryption if state else None) or DEFAULT_ENCRYPTION)["Rules"][0]
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        algorithm, key = default.get("SSEAlgorithm", "AES256"), default.get("KMSMasterKeyID")
        if metadata is not None and metadata.encryption is not None:
            algorithm, asked = metadata.encryption
            key = asked or (key if algorithm != "AES256" else None)
        out: dict[str, Any] = {"ServerSideEncryption": algorithm}
        if algorithm != "AES256":
            if key:
                out["SSEKMSKeyId"] = key
            if rule.get("BucketKeyEnabled"):
                out["BucketKeyEnabled"] = True
        return out

    # -- policy status and read-only defaults -----------------------------------------

    def get_bucket_policy_status(self, account: str, region: str, bucket: str) -> bool:
        """Whether the bucket policy makes the bucket public."""
        self._bill("GetBucketPolicyStatus", account, region, bucket)
        state = self._state(bucket)
        if self._store.get_config(bucket, "policy") is None:
            raise NoSuchBucketPolicy(BucketName=bucket)
        return state.policy is not None and state.policy.public

    def get_bucket_default(self, account: str, region: str, bucket: str, setting: str) -> Any:
        """A setting lakestack keeps at its AWS default: ``accelerate`` (unset),
        ``request_payment`` (BucketOwner), ``logging`` (off); ``website``,
        ``replication`` and ``object_lock`` raise the not-found error S3 answers."""
        self._bill(_DEFAULT_SETTING_OPERATIONS[setting], account, region, bucket)
        self._state(bucket)
        missing = {
            "website": NoSuchWebsiteConfiguration,
            "replication": ReplicationConfigurationNotFoundError,
            "object_lock": ObjectLockConfigurationNotFoundError,
        }.get(setting)
        if missing is not None:
            raise missing(BucketName=bucket)
        return {"accelerate": None, "request_payment": "BucketOwner", "logging": None}[setting]

    def public_block(self, bucket: str) -> dict[str, bool]:
        """The Block Public Access flags in force for ``bucket`` (bucket and account)."""
        state = self._state(bucket)
        return effective_block(state.block, self._account_block(state.owner))


_DEFAULT_SETTING_OPERATIONS = {
    "accelerate": "GetBucketAccelerateConfiguration",
    "request_payment": "GetBucketRequestPayment",
    "logging": "GetBucketLogging",
    "website": "GetBucketWebsite",
    "replication": "GetBucketReplication",
    "object_lock": "GetObjectLockConfiguration",
}


def _block(configuration: dict[str, Any]) -> dict[str, bool]:
    unknown = set(configuration) - set(BLOCK_FLAGS)
    if unknown:
        raise MalformedXML()
    return {f: bool(configuration.get(f, False)) for f in BLOCK_FLAGS}


def _encryption(configuration: dict[str, Any]) -> dict[str, Any]:
    rules = configuration.get("Rules") or []
    if not rules:
        raise MalformedXML()
    if len(rules) > 1:
        raise InvalidRequest("Only one ServerSideEncryptionConfiguration rule is allowed")
    default = rules[0].get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = default.get("SSEAlgorithm")
    if algorithm not in SSE_ALGORITHMS:
        raise MalformedXML()
    if default.get("KMSMasterKeyID") and algorithm == "AES256":
        raise InvalidArgument(
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms "
            "or aws:kms:dsse",
            ArgumentName="ApplyServerSideEncryptionByDefault",
        )
    rule: dict[str, Any] = {
        "ApplyServerSideEncryptionByDefault": dict(default),
        "BucketKeyEnabled": bool(rules[0].get("BucketKeyEnabled", False)),
    }
    return {"Rules": [rule]}

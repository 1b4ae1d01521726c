"""Who may do what in S3: the operation -> IAM action table, and the one access decision
every S3 request goes through (bucket policy, ACLs, Block Public Access, Object Ownership).

The decision follows S3's evaluation for a bucket owned by one account
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html):
an explicit Deny in the bucket policy wins; principals of the bucket owner's account are
allowed by their identity (lakestack does not enforce IAM identity policies yet); other
accounts and the anonymous principal need an Allow in the bucket policy or an ACL grant.
Block Public Access and ``BucketOwnerEnforced`` narrow what policies and ACLs can grant.
Pure over the bucket's access state; the engine caches that state and loads object ACLs.
Knows no HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lakestack.services.s3 import acl
from lakestack.services.s3.errors import (
    AccessControlListNotSupported,
    AccessDenied,
    MethodNotAllowed,
)
from lakestack.services.s3.models import Principal
from lakestack.services.s3.policy import Policy, Values

BUCKET, OBJECT, SERVICE_LEVEL = "bucket", "object", "service"
ENFORCED = "BucketOwnerEnforced"
OWNERSHIPS = ("BucketOwnerPreferred", "ObjectWriter", ENFORCED)
BLOCK_FLAGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)
ALL_BLOCKED = dict.fromkeys(BLOCK_FLAGS, True)
"""What every bucket created since April 2023 starts with."""

# operation -> (IAM action, resource level, the ACL permission that grants it or None)
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
OPERATIONS: dict[str, tuple[str, str, str | None]] = {
    "ListBuckets": ("s3:ListAllMyBuckets", SERVICE_LEVEL, None),
    "CreateBucket": ("s3:CreateBucket", SERVICE_LEVEL, None),
    "HeadBucket": ("s3:ListBucket", BUCKET, "READ"),
    "DeleteBucket": ("s3:DeleteBucket", BUCKET, None),
    "GetBucketLocation": ("s3:GetBucketLocation", BUCKET, None),
    "PutBucketVersioning": ("s3:PutBucketVersioning", BUCKET, None),
    "GetBucketVersioning": ("s3:GetBucketVersioning", BUCKET, None),
    "PutBucketNotificationConfiguration": ("s3:PutBucketNotification", BUCKET, None),
    "GetBucketNotificationConfiguration": ("s3:GetBucketNotification", BUCKET, None),
    "PutBucketLifecycleConfiguration": ("s3:PutLifecycleConfiguration", BUCKET, None),
    "GetBucketLifecycleConfiguration": ("s3:GetLifecycleConfiguration", BUCKET, None),
    "DeleteBucketLifecycle": ("s3:PutLifecycleConfiguration", BUCKET, None),
    "PutBucketPolicy": ("s3:PutBucketPolicy", BUCKET, None),
    "GetBucketPolicy": ("s3:GetBucketPolicy", BUCKET, None),
    "DeleteBucketPolicy": ("s3:DeleteBucketPolicy", BUCKET, None),
    "GetBucketPolicyStatus": ("s3:GetBucketPolicyStatus", BUCKET, None),
    "PutBucketTagging": ("s3:PutBucketTagging", BUCKET, None),
    "GetBucketTagging": ("s3:GetBucketTagging", BUCKET, None),
    "DeleteBucketTagging": ("s3:PutBucketTagging", BUCKET, None),
    "PutBucketCors": ("s3:PutBucketCORS", BUCKET, None),
    "GetBucketCors": ("s3:GetBucketCORS", BUCKET, None),
    "DeleteBucketCors": ("s3:PutBucketCORS", BUCKET, None),
    "PutBucketAcl": ("s3:PutBucketAcl", BUCKET, "WRITE_ACP"),
    "GetBucketAcl": ("s3:GetBucketAcl", BUCKET, "READ_ACP"),
    "PutPublicAccessBlock": ("s3:PutBucketPublicAccessBlock", BUCKET, None),
    "GetPublicAccessBlock": ("s3:GetBucketPublicAccessBlock", BUCKET, None),
    "DeletePublicAccessBlock": ("s3:PutBucketPublicAccessBlock", BUCKET, None),
    "PutBucketOwnershipControls": ("s3:PutBucketOwnershipControls", BUCKET, None),
    "GetBucketOwnershipControls": ("s3:GetBucketOwnershipControls", BUCKET, None),
    "DeleteBucketOwnershipControls": ("s3:PutBucketOwnershipControls", BUCKET, None),
    "PutBucketEncryption": ("s3:PutEncryptionConfiguration", BUCKET, None),
    "GetBucketEncryption": ("s3:GetEncryptionConfiguration", BUCKET, None),
    "DeleteBucketEncryption": ("s3:PutEncryptionConfiguration", BUCKET, None),
    "GetBucketAccelerateConfiguration": ("s3:GetAccelerateConfiguration", BUCKET, None),
    "GetBucketRequestPayment": ("s3:GetBucketRequestPayment", BUCKET, None),
    "GetBucketLogging": ("s3:GetBucketLogging", BUCKET, None),
    "GetBucketWebsite": ("s3:GetBucketWebsite", BUCKET, None),
    "GetBucketReplication": ("s3:GetReplicationConfiguration", BUCKET, None),
    "GetObjectLockConfiguration": ("s3:GetBucketObjectLockConfiguration", BUCKET, None),
    "ListObjects": ("s3:ListBucket", BUCKET, "READ"),
    "ListObjectsV2": ("s3:ListBucket", BUCKET, "READ"),
    "ListObjectVersions": ("s3:ListBucketVersions", BUCKET, "READ"),
    "ListMultipartUploads": ("s3:ListBucketMultipartUploads", BUCKET, "READ"),
    "PutObject": ("s3:PutObject", OBJECT, "WRITE"),
    "CopyObject": ("s3:PutObject", OBJECT, "WRITE"),
    "CreateMultipartUpload": ("s3:PutObject", OBJECT, "WRITE"),
    "UploadPart": ("s3:PutObject", OBJECT, "WRITE"),
    "UploadPartCopy": ("s3:PutObject", OBJECT, "WRITE"),
    "CompleteMultipartUpload": ("s3:PutObject", OBJECT, "WRITE"),
    "AbortMultipartUpload": ("s3:AbortMultipartUpload", OBJECT, "WRITE"),
    "ListParts": ("s3:ListMultipartUploadParts", OBJECT, None),
    "GetObject": ("s3:GetObject", OBJECT, "READ"),
    "HeadObject": ("s3:GetObject", OBJECT, "READ"),
    "GetObjectAttributes": ("s3:GetObjectAttributes", OBJECT, "READ"),
    "DeleteObject": ("s3:DeleteObject", OBJECT, "WRITE"),
    "DeleteObjects": ("s3:DeleteObject", OBJECT, "WRITE"),
    "PutObjectTagging": ("s3:PutObjectTagging", OBJECT, None),
    "GetObjectTagging": ("s3:GetObjectTagging", OBJECT, None),
    "DeleteObjectTagging": ("s3:DeleteObjectTagging", OBJECT, None),
    "PutObjectAcl": ("s3:PutObjectAcl", OBJECT, "WRITE_ACP"),
    "GetObjectAcl": ("s3:GetObjectAcl", OBJECT, "READ_ACP"),
}
# the action a request naming a version id needs instead
VERSIONED = {
    "s3:GetObject": "s3:GetObjectVersion",
    "s3:DeleteObject": "s3:DeleteObjectVersion",
    "s3:GetObjectAttributes": "s3:GetObjectVersionAttributes",
    "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
    "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
    "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
    "s3:PutObjectAcl": "s3:PutObjectVersionAcl",
    "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
}
_AUTH_TYPES = {False: "REST-HEADER", True: "REST-QUERY-STRING"}
# object-level ACL permissions are read from the object's ACL; the others from the bucket's
_OBJECT_ACL_PERMISSIONS = {"READ", "READ_ACP", "WRITE_ACP"}
# what only the bucket owner's account may do, whatever the policy says (405 otherwise),
# and what its root may always do, whatever the policy denies
_OWNER_ONLY = {"s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"}


@dataclass(slots=True)
class BucketAccess:
    """What decides access to one bucket; the engine caches it per bucket."""

    name: str
    owner: str
    policy: Policy | None = None
    acl: list[acl.Grant] | None = None
    """``None``: the default, the owner has FULL_CONTROL."""
    block: dict[str, bool] | None = None
    """The bucket's PublicAccessBlockConfiguration, ``None`` when it has none."""
    ownership: str | None = None
    """ObjectOwnership; ``None`` for buckets made before lakestack recorded it (ACLs on)."""
    encryption: dict[str, Any] | None = None

    @property
    def acls_enabled(self) -> bool:
        return self.ownership != ENFORCED


def effective_block(*configs: dict[str, bool] | None) -> dict[str, bool]:
    """Bucket and account settings combined: each flag is on if either level sets it.

    >>> effective_block({"BlockPublicAcls": True}, None)["BlockPublicAcls"]
    True
    """
    return {f: any(bool((c or {}).get(f)) for c in configs) for f in BLOCK_FLAGS}


def action_for(operation: str, version_id: str | None) -> tuple[str, str, str | None]:
    """The IAM action, resource level and ACL permission of an operation.

    >>> action_for("HeadObject", "v1")[0]
    's3:GetObjectVersion'
    """
    action, level, permission = OPERATIONS[operation]
    if version_id is not None:
        action = VERSIONED.get(action, action)
    return action, level, permission


def resource_arn(bucket: str, key: str | None) -> str:
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"


def global_values(p: Principal, now: float, owner: str) -> Values:
    """The ``aws:`` condition keys S3 fills in for every request."""
    values: Values = {
        "aws:sourceip": [p.source_ip],
        "aws:securetransport": ["true" if p.secure_transport else "false"],
        "aws:epochtime": [str(int(now))],
        "aws:currenttime": [datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")],
        "aws:principalisawsservice": ["false"],
        "aws:resourceaccount": [owner],
        "s3:resourceaccount": [owner],
        "s3:signatureversion": [] if p.anonymous else ["AWS4-HMAC-SHA256"],
        "s3:authtype": [] if p.anonymous else [_AUTH_TYPES[p.presigned]],
    }
    if p.user_agent:
        values["aws:useragent"] = [p.user_agent]
    if p.referer:
        values["aws:referer"] = [p.referer]
    if p.account is not None and p.arn is not None:
        values["aws:principalaccount"] = [p.account]
        values["aws:principalarn"] = [p.arn]
        kind = "Account" if p.arn.endswith(":root") else "User"
        if ":assumed-role/" in p.arn:
            kind = "AssumedRole"
        values["aws:principaltype"] = [kind]
        values["aws:userid"] = [p.account if kind == "Account" else p.arn.rsplit("/", 1)[-1]]
        if kind == "User":
            values["aws:username"] = [p.arn.rsplit("/", 1)[-1]]
    else:
        values["aws:principaltype"] = ["Anonymous"]
    return {k: v for k, v in values.items() if v}


ObjectAcl = Callable[[], "tuple[str, list[acl.Grant]] | None"]


def decide(
    p: Principal,
    operation: str,
    state: BucketAccess,
    account_block: dict[str, bool] | None,
    key: str | None,
    version_id: str | None,
    values: Callable[[], Values],
    object_acl: ObjectAcl,
) -> None:
    """Allow the request or raise.

    Args:
        values: the request's condition context (called only when a policy is evaluated).
        object_acl: the addressed object version's (owner, grants), ``None`` if absent
            (called only when an object ACL can decide).

    Raises:
        AccessDenied: no grant, or an explicit Deny.
        MethodNotAllowed: another account allowed by the policy to manage the policy.
    """
    own = p.account is not None and p.account == state.owner
    no_deny = state.policy is None or not state.policy.has_deny
    if own and no_deny and not state.acls_enabled:
        return  # the fast path: the owner, ACLs disabled, nothing to deny
    action, level, permission = action_for(operation, version_id)
    reads_object_acl = level == OBJECT and permission in _OBJECT_ACL_PERMISSIONS
    if own and no_deny and not reads_object_acl:
        return
    block = effective_block(state.block, account_block)
    if state.policy is not None:
        resource = resource_arn(state.name, key if level == OBJECT else None)
        verdict = state.policy.evaluate(p, action, resource, values())
        if verdict == "Deny" and not (own and action in _OWNER_ONLY):
            raise AccessDenied()
        if not own:
            restricted = block["RestrictPublicBuckets"] and state.policy.public
            if verdict == "Allow" and not restricted:
                if action in _OWNER_ONLY:
                    raise MethodNotAllowed(Method="PUT", ResourceType="BUCKETPOLICY")
                return
    if own:
        if reads_object_acl and state.acls_enabled:
            _owner_reads_foreign_object(p, permission or "", object_acl)
        return
    if permission is None or not state.acls_enabled:
        raise AccessDenied()
    ignore_public = block["IgnorePublicAcls"]
    if level == OBJECT and permission in _OBJECT_ACL_PERMISSIONS:
        found = object_acl()
        if found is None:
            raise AccessDenied()
        grants = found[1]
    else:
        grants = state.acl if state.acl is not None else acl.owner_only(state.owner)
    if not acl.grants_permission(grants, permission, p.account, ignore_public):
        raise AccessDenied()


def object_owner(state: BucketAccess, writer: str, request: acl.AclRequest | None) -> str:
    """Who owns an object ``writer`` puts, by the bucket's Object Ownership setting."""
    if state.ownership == ENFORCED:
        return state.owner
    if (
        state.ownership == "BucketOwnerPreferred"
        and request is not None
        and request.canned == "bucket-owner-full-control"
    ):
        return state.owner
    return writer


def acl_for_write(
    state: BucketAccess,
    account_block: dict[str, bool] | None,
    resource_owner: str,
    request: acl.AclRequest | None,
    for_bucket: bool,
) -> list[acl.Grant] | None:
    """The grants a write stores (``None``: the default), after S3's checks.

    Raises:
        AccessControlListNotSupported: ACLs are disabled and the ACL gives more than the
            bucket owner's full control.
        AccessDenied: a public ACL while Block Public Access blocks public ACLs.
        InvalidArgument, InvalidRequest, MalformedACLError, UnexpectedContent,
        UnresolvableGrantByEmailAddress: a malformed ACL.
    """
    if request is None or request.empty:
        return None
    grants = request.grants(resource_owner, state.owner, for_bucket)
    if grants is None:
        return None
    if not state.acls_enabled:
        if not acl.owner_full_control_only(grants, state.owner):
            raise AccessControlListNotSupported()
        return None
    if acl.is_public(grants) and effective_block(state.block, account_block)["BlockPublicAcls"]:
        raise AccessDenied()
    return grants


def _owner_reads_foreign_object(p: Principal, permission: str, object_acl: ObjectAcl) -> None:
    """With ACLs enabled, an object another account wrote is that account's: the bucket
    owner reads it (or its ACL) only if the object's ACL grants it."""
    found = object_acl()
    if found is None or found[0] == p.account:
        return
    if not acl.grants_permission(found[1], permission, p.account):
        raise AccessDenied()

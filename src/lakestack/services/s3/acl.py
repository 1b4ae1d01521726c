"""S3 access control lists: canned ACLs, grant headers and AccessControlPolicy documents
turned into grants, and the question "does this ACL give that principal this permission".

A grant is a plain tuple ``(grantee_type, grantee, permission)``: ``("CanonicalUser",
<64-hex id>, "READ")`` or ``("Group", <group URI>, "WRITE")``. Pure functions; they raise
S3 errors and never touch storage. Knows nothing of HTTP: grant *values* arrive as the
strings a client sent (``id="..", uri=".."``), already separated from their headers.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lakestack.services.s3.errors import (
    InvalidArgument,
    InvalidRequest,
    MalformedACLError,
    UnexpectedContent,
    UnresolvableGrantByEmailAddress,
)
from lakestack.services.s3.models import canonical_user_id

Grant = tuple[str, str, str]

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
GROUPS = (ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY)
PUBLIC_GROUPS = (ALL_USERS, AUTHENTICATED_USERS)
# The canonical user Amazon EC2 reads AMI bundles as (aws-exec-read), as S3 shows it.
EC2_READER = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c"
PERMISSIONS = ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")
CANNED = (
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
)
# request member (snake_case) -> the permission its grant header gives
GRANT_MEMBERS = {
    "grant_full_control": "FULL_CONTROL",
    "grant_read": "READ",
    "grant_read_acp": "READ_ACP",
    "grant_write": "WRITE",
    "grant_write_acp": "WRITE_ACP",
}
_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*(?:,|$)', re.I)
_HEX64 = re.compile(r"[0-9a-f]{64}")

_display_names: dict[str, str] = {}


def owner_id(account: str) -> str:
    """The canonical user id of an account (remembered so its display name can be shown).

    >>> owner_id("111111111111") == canonical_user_id("111111111111")
    True
    """
    cid = canonical_user_id(account)
    _display_names.setdefault(cid, account)
    return cid


def display_name(cid: str) -> str | None:
    """The display name of a canonical id lakestack issued, else ``None``."""
    return _display_names.get(cid)


def owner_only(owner: str) -> list[Grant]:
    """The default ACL: the owner has FULL_CONTROL.

    >>> owner_only("000000000000")[0][2]
    'FULL_CONTROL'
    """
    return [("CanonicalUser", owner_id(owner), "FULL_CONTROL")]


def canned(acl: str, owner: str, bucket_owner: str, for_bucket: bool) -> list[Grant]:
    """The grants of a canned ACL for a resource owned by ``owner``.

    >>> [g[1].rsplit("/", 1)[-1] for g in canned("public-read", "1", "1", True)][1:]
    ['AllUsers']

    Raises:
        InvalidArgument: not a canned ACL name.
    """
    if acl not in CANNED:
        raise InvalidArgument(ArgumentName="x-amz-acl", ArgumentValue=acl)
    grants = owner_only(owner)
    if acl in ("public-read", "public-read-write"):
        grants.append(("Group", ALL_USERS, "READ"))
    if acl == "public-read-write":
        grants.append(("Group", ALL_USERS, "WRITE"))
    elif acl == "authenticated-read":
        grants.append(("Group", AUTHENTICATED_USERS, "READ"))
    elif acl == "aws-exec-read":
        grants.append(("CanonicalUser", EC2_READER, "READ"))
    elif acl == "log-delivery-write":
        grants += [("Group", LOG_DELIVERY, "WRITE"), ("Group", LOG_DELIVERY, "READ_ACP")]
    elif acl in ("bucket-owner-read", "bucket-owner-full-control") and not for_bucket:
        if bucket_owner != owner:
            perm = "READ" if acl == "bucket-owner-read" else "FULL_CONTROL"
            grants.append(("CanonicalUser", owner_id(bucket_owner), perm))
    return grants


def _grantee(kind: str, value: str) -> tuple[str, str]:
    kind = kind.lower()
    if kind == "emailaddress":
        raise UnresolvableGrantByEmailAddress(EmailAddress=value)
    if kind == "uri":
        if value not in GROUPS:
            raise InvalidArgument("Invalid group uri", ArgumentName="uri", ArgumentValue=value)
        return "Group", value
    if not _HEX64.fullmatch(value):
        raise InvalidArgument("Invalid id", ArgumentName="CanonicalUser/ID", ArgumentValue=value)
    return "CanonicalUser", value


def from_headers(values: dict[str, str]) -> list[Grant]:
    """Grants from grant headers, permission -> ``id="..", uri=".."`` list.

    >>> from_headers({"READ": 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'})
    [('Group', 'http://acs.amazonaws.com/groups/global/AllUsers', 'READ')]

    Raises:
        InvalidArgument, UnresolvableGrantByEmailAddress.
    """
    grants: list[Grant] = []
    for permission, text in values.items():
        pos, text = 0, text.strip()
        while pos < len(text):
            m = _GRANTEE.match(text, pos)
            if m is None or m.end() == pos:
                raise InvalidArgument(ArgumentName=f"x-amz-grant-{permission}", ArgumentValue=text)
            grants.append((*_grantee(m.group(1), m.group(2).strip()), permission))
            pos = m.end()
    return grants


def from_policy(doc: dict[str, Any], resource_owner: str) -> list[Grant]:
    """Grants from an AccessControlPolicy document (``Owner`` and ``Grants``).

    Raises:
        MalformedACLError: missing owner, unknown permission or grantee type.
        InvalidArgument: the owner is not the resource's owner; a grantee without an id/URI.
        UnresolvableGrantByEmailAddress.
    """
    owner = (doc.get("Owner") or {}).get("ID")
    if not owner:
        raise MalformedACLError()
    if owner != owner_id(resource_owner):
        raise InvalidArgument("Invalid id", ArgumentName="CanonicalUser/ID", ArgumentValue=owner)
    grants: list[Grant] = []
    for g in doc.get("Grants") or []:
        grantee, permission = g.get("Grantee") or {}, g.get("Permission")
        if permission not in PERMISSIONS:
            raise MalformedACLError()
        kind = grantee.get("Type")
        value = {
            "CanonicalUser": ("id", grantee.get("ID")),
            "Group": ("uri", grantee.get("URI")),
            "AmazonCustomerByEmail": ("emailAddress", grantee.get("EmailAddress")),
        }.get(kind or "")
        if value is None:
            raise MalformedACLError()
        if not value[1]:
            raise InvalidArgument(ArgumentName=f"{kind}", ArgumentValue="")
        grants.append((*_grantee(value[0], str(value[1])), permission))
    return grants


def resolve(
    canned_acl: str | None,
    headers: dict[str, str],
    document: dict[str, Any] | None,
    owner: str,
    bucket_owner: str,
    for_bucket: bool,
) -> list[Grant] | None:
    """The ACL a request sets, from whichever one form it used; ``None`` when none.

    Raises:
        InvalidRequest: a canned ACL together with grant headers.
        UnexpectedContent: a document together with headers.
    """
    if canned_acl and headers:
        raise InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
    if document is not None and (canned_acl or headers):
        raise UnexpectedContent()
    if canned_acl:
        return canned(canned_acl, owner, bucket_owner, for_bucket)
    if headers:
        return from_headers(headers)
    if document is not None:
        return from_policy(document, owner)
    return None


def is_public(grants: Iterable[Grant]) -> bool:
    """Any grant to everyone or to every AWS user.

    >>> is_public([("Group", AUTHENTICATED_USERS, "READ")])
    True
    """
    return any(kind == "Group" and value in PUBLIC_GROUPS for kind, value, _ in grants)


def owner_full_control_only(grants: Iterable[Grant], owner: str) -> bool:
    """Whether an ACL only gives the owner full control (what ACL-disabled buckets accept)."""
    cid = owner_id(owner)
    return all(kind == "CanonicalUser" and value == cid for kind, value, _ in grants)


_IMPLIED = {
    "READ": ("READ", "FULL_CONTROL"),
    "WRITE": ("WRITE", "FULL_CONTROL"),
    "READ_ACP": ("READ_ACP", "FULL_CONTROL"),
    "WRITE_ACP": ("WRITE_ACP", "FULL_CONTROL"),
    "FULL_CONTROL": ("FULL_CONTROL",),
}


def grants_permission(
    grants: Iterable[Grant],
    permission: str,
    account: str | None,
    ignore_public: bool = False,
) -> bool:
    """Whether ``grants`` give ``permission`` to ``account`` (``None``: anonymous).

    >>> grants_permission([("Group", ALL_USERS, "READ")], "READ", None)
    True
    >>> grants_permission([("Group", ALL_USERS, "READ")], "READ", None, ignore_public=True)
    False
    """
    wanted = _IMPLIED[permission]
    cid = owner_id(account) if account is not None else None
    for kind, value, perm in grants:
        if perm not in wanted:
            continue
        if kind == "CanonicalUser" and value == cid:
            return True
        if kind == "Group" and not ignore_public:
            if value == ALL_USERS or (value == AUTHENTICATED_USERS and account is not None):
                return True
    return False


def to_wire(grants: Iterable[Grant]) -> list[dict[str, Any]]:
    """Grants as S3's ``Grants`` list."""
    out: list[dict[str, Any]] = []
    for kind, value, permission in grants:
        if kind == "Group":
            grantee: dict[str, str] = {"Type": "Group", "URI": value}
        else:
            grantee = {"Type": "CanonicalUser", "ID": value}
            name = display_name(value)
            if name is not None:
                grantee["DisplayName"] = name
        out.append({"Grantee": grantee, "Permission": permission})
    return out


@dataclass(frozen=True, slots=True)
class AclRequest:
    """The ACL a request sets, in whichever form it came: a canned ACL name, grant header
    values (permission -> ``id=".."`` list) or an AccessControlPolicy document."""

    canned: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    document: dict[str, Any] | None = None

    @property
    def empty(self) -> bool:
        return self.canned is None and not self.headers and self.document is None

    def grants(self, owner: str, bucket_owner: str, for_bucket: bool) -> list[Grant] | None:
        return resolve(self.canned, self.headers, self.document, owner, bucket_owner, for_bucket)

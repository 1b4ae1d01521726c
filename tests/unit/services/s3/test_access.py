"""The S3 engine's access decisions and access settings, without HTTP: ownership,
cached state, account-level Block Public Access, ACL grammar."""

from __future__ import annotations

import json
from typing import Any

import pytest
from s3_engine_helpers import REGION, Body

from lakestack.services.s3 import acl, errors
from lakestack.services.s3.access import OPERATIONS
from lakestack.services.s3.acl import AclRequest
from lakestack.services.s3.engine import S3Engine
from lakestack.services.s3.models import Principal

A, B = "111111111111", "222222222222"
ROOT_A, ROOT_B, ANON = Principal.root(A), Principal.root(B), Principal(None)


@pytest.fixture
def bkt(s3: S3Engine) -> str:
    s3.create_bucket(A, REGION, "bkt")
    s3.put_object(A, REGION, "bkt", "k", Body(b"data"))
    return "bkt"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_owner_passes_without_touching_storage(
    s3: S3Engine, bkt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3.authorize(ROOT_A, "GetObject", bkt, "k")  # loads and caches the bucket's state
    calls: list[str] = []
    real = s3._store.query
    monkeypatch.setattr(s3._store, "query", lambda *a: calls.append(a[0]) or real(*a))
    for op in ("GetObject", "PutObject", "ListObjectsV2", "DeleteObject", "HeadBucket"):
        s3.authorize(ROOT_A, op, bkt, "k")
    assert calls == []


@pytest.mark.parametrize("who", [ROOT_B, ANON])
def test_other_accounts_and_anonymous_are_denied(s3: S3Engine, bkt: str, who: Principal) -> None:
    for op, (_, level, _) in OPERATIONS.items():
        if level == "service":
            continue
        with pytest.raises(errors.AccessDenied):
            s3.authorize(who, op, bkt, "k")


def test_absent_bucket_passes_to_no_such_bucket(s3: S3Engine) -> None:
    s3.authorize(ROOT_B, "GetObject", "nowhere", "k")
    with pytest.raises(errors.AccessDenied):
        s3.authorize(ANON, "ListBuckets", None)
    with pytest.raises(errors.AccessDenied):
        s3.authorize(ANON, "CreateBucket", "new")
    s3.authorize(ROOT_B, "CreateBucket", "bkt")  # the operation then says BucketAlreadyExists


def test_policy_changes_apply_to_the_next_request(s3: S3Engine, bkt: str) -> None:
    allow = {
        "Effect": "Allow",
        "Principal": {"AWS": B},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::bkt/*",
    }
    s3.put_bucket_policy(A, REGION, bkt, _policy(allow))
    s3.authorize(ROOT_B, "GetObject", bkt, "k")
    s3.delete_bucket_policy(A, REGION, bkt)
    with pytest.raises(errors.AccessDenied):
        s3.authorize(ROOT_B, "GetObject", bkt, "k")


def test_recreated_bucket_belongs_to_its_new_owner(s3: S3Engine, bkt: str) -> None:
    s3.authorize(ROOT_A, "ListObjectsV2", bkt)
    s3.delete_object(A, REGION, bkt, "k")
    s3.delete_bucket(A, REGION, bkt)
    s3.create_bucket(B, REGION, bkt)
    s3.authorize(ROOT_B, "ListObjectsV2", bkt)
    with pytest.raises(errors.AccessDenied):
        s3.authorize(ROOT_A, "ListObjectsV2", bkt)


def test_access_state_survives_a_restart(h: Any, s3: S3Engine, bkt: str) -> None:
    s3.put_bucket_ownership_controls(
        A, REGION, bkt, {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.delete_public_access_block(A, REGION, bkt)
    s3.put_bucket_acl(A, REGION, bkt, AclRequest("public-read"))
    s3 = h.reopen()
    s3.authorize(ANON, "ListObjectsV2", bkt)
    assert s3.get_bucket_ownership_controls(A, REGION, bkt) == "ObjectWriter"


def test_account_level_block_public_access(s3: S3Engine, bkt: str) -> None:
    s3.delete_public_access_block(A, REGION, bkt)
    public = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::bkt/*",
    }
    s3.put_account_public_access_block(A, {"BlockPublicPolicy": True})
    assert s3.get_account_public_access_block(A)["BlockPublicPolicy"] is True
    with pytest.raises(errors.AccessDenied):
        s3.put_bucket_policy(A, REGION, bkt, _policy(public))
    s3.delete_account_public_access_block(A)
    with pytest.raises(errors.NoSuchPublicAccessBlockConfiguration):
        s3.get_account_public_access_block(A)
    s3.put_bucket_policy(A, REGION, bkt, _policy(public))
    s3.authorize(ANON, "GetObject", bkt, "k")
    s3.put_account_public_access_block(A, {"RestrictPublicBuckets": True})
    with pytest.raises(errors.AccessDenied):
        s3.authorize(ANON, "GetObject", bkt, "k")


def test_object_writer_ownership_and_bucket_owner_preferred(s3: S3Engine, bkt: str) -> None:
    s3.put_bucket_ownership_controls(
        A, REGION, bkt, {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.put_object(B, REGION, bkt, "from-b", Body(b"b"))
    assert s3.get_object_acl(A, REGION, bkt, "from-b")[0] == B
    s3.put_bucket_ownership_controls(
        A, REGION, bkt, {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )
    s3.put_object(B, REGION, bkt, "b2", Body(b"b"), acl_request=AclRequest("private"))
    assert s3.get_object_acl(A, REGION, bkt, "b2")[0] == B
    full = AclRequest("bucket-owner-full-control")
    s3.put_object(B, REGION, bkt, "b3", Body(b"b"), acl_request=full)
    assert s3.get_object_acl(A, REGION, bkt, "b3")[0] == A


def test_enforced_ownership_refused_while_the_acl_grants_others(s3: S3Engine, bkt: str) -> None:
    s3.put_bucket_ownership_controls(
        A, REGION, bkt, {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.delete_public_access_block(A, REGION, bkt)
    s3.put_bucket_acl(A, REGION, bkt, AclRequest("public-read"))
    with pytest.raises(errors.InvalidBucketAclWithObjectOwnership):
        s3.put_bucket_ownership_controls(
            A, REGION, bkt, {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )


def test_canned_acls() -> None:
    assert acl.canned("private", A, A, False) == acl.owner_only(A)
    assert [g[1:] for g in acl.canned("log-delivery-write", A, A, True)[1:]] == [
        (acl.LOG_DELIVERY, "WRITE"),
        (acl.LOG_DELIVERY, "READ_ACP"),
    ]
    grants = acl.canned("bucket-owner-read", B, A, False)
    assert grants[1] == ("CanonicalUser", acl.owner_id(A), "READ")
    assert acl.canned("bucket-owner-full-control", A, A, False) == acl.owner_only(A)
    assert acl.canned("aws-exec-read", A, A, False)[1][1] == acl.EC2_READER
    with pytest.raises(errors.InvalidArgument):
        acl.canned("public", A, A, False)


def test_grant_headers_with_several_grantees() -> None:
    text = f'id="{acl.owner_id(A)}", uri="{acl.ALL_USERS}",id={acl.owner_id(B)}'
    assert acl.from_headers({"READ": text}) == [
        ("CanonicalUser", acl.owner_id(A), "READ"),
        ("Group", acl.ALL_USERS, "READ"),
        ("CanonicalUser", acl.owner_id(B), "READ"),
    ]
    with pytest.raises(errors.InvalidArgument):
        acl.from_headers({"READ": "garbage"})


def test_acl_document_checks() -> None:
    owner = {"ID": acl.owner_id(A)}
    grant = {"Grantee": {"Type": "Group", "URI": acl.ALL_USERS}, "Permission": "READ"}
    assert acl.from_policy({"Owner": owner, "Grants": [grant]}, A) == [
        ("Group", acl.ALL_USERS, "READ")
    ]
    with pytest.raises(errors.MalformedACLError):
        acl.from_policy({"Owner": owner, "Grants": [{**grant, "Permission": "ALL"}]}, A)
    with pytest.raises(errors.InvalidArgument):
        acl.from_policy({"Owner": {"ID": acl.owner_id(B)}, "Grants": [grant]}, A)
    email = {"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "a@b.c"}}
    with pytest.raises(errors.UnresolvableGrantByEmailAddress):
        acl.from_policy({"Owner": owner, "Grants": [{**email, "Permission": "READ"}]}, A)


def test_full_control_implies_every_permission() -> None:
    grants = [("CanonicalUser", acl.owner_id(B), "FULL_CONTROL")]
    for permission in acl.PERMISSIONS:
        assert acl.grants_permission(grants, permission, B)
        assert not acl.grants_permission(grants, permission, A)
    authenticated = [("Group", acl.AUTHENTICATED_USERS, "WRITE")]
    assert acl.grants_permission(authenticated, "WRITE", B)
    assert not acl.grants_permission(authenticated, "WRITE", None)


def test_bucket_owner_reads_another_accounts_object_only_if_granted(s3: S3Engine, bkt: str) -> None:
    s3.put_bucket_ownership_controls(
        A, REGION, bkt, {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.put_object(B, REGION, bkt, "theirs", Body(b"b"))
    with pytest.raises(errors.AccessDenied):
        s3.authorize(ROOT_A, "GetObject", bkt, "theirs")
    s3.authorize(ROOT_A, "DeleteObject", bkt, "theirs")  # deleting is WRITE on the bucket
    s3.authorize(ROOT_A, "GetObject", bkt, "k")  # its own objects as before
    s3.put_object(B, REGION, bkt, "shared", Body(b"b"), acl_request=AclRequest("bucket-owner-read"))
    s3.authorize(ROOT_A, "GetObject", bkt, "shared")
    with pytest.raises(errors.AccessDenied):
        s3.authorize(ROOT_A, "GetObjectAcl", bkt, "shared")
    s3.authorize(ROOT_B, "GetObjectAcl", bkt, "theirs")

"""S3 access control through the live endpoint: account isolation, the anonymous
principal, presigned URLs, bucket policies (principals, actions, resources, conditions,
explicit Deny), malformed policies and Block Public Access on policies.

Keys ``111111111111`` and ``test`` act for accounts 111111111111 and 000000000000.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import botocore.exceptions
import pytest

OWNER = "111111111111"
OTHER = "000000000000"


def _code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def _denied(call: Any, **kw: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        call(**kw)
    code, status = _code(exc)
    assert status == 403 and code in ("AccessDenied", "403"), (code, status)


@pytest.fixture
def owner(lakestack_client: Any) -> Any:
    client = lakestack_client("s3", aws_access_key_id=OWNER, aws_secret_access_key="x")
    client.create_bucket(Bucket="mine")
    client.put_object(Bucket="mine", Key="data/a.csv", Body=b"a,b\n1,2\n")
    client.put_object(Bucket="mine", Key="public/p.txt", Body=b"hello")
    return client


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(principal: Any, action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **extra,
    }


# -- account isolation --------------------------------------------------------------


def test_other_account_is_denied_every_bucket_and_object_operation(owner: Any, other: Any) -> None:
    other.create_bucket(Bucket="theirs")
    _denied(other.get_object, Bucket="mine", Key="data/a.csv")
    _denied(other.head_object, Bucket="mine", Key="data/a.csv")
    _denied(other.put_object, Bucket="mine", Key="x", Body=b"x")
    _denied(other.delete_object, Bucket="mine", Key="data/a.csv")
    _denied(other.list_objects_v2, Bucket="mine")
    _denied(other.list_objects, Bucket="mine")
    _denied(other.head_bucket, Bucket="mine")
    _denied(other.delete_bucket, Bucket="mine")
    _denied(other.get_bucket_versioning, Bucket="mine")
    versioning = {"Status": "Enabled"}
    _denied(other.put_bucket_versioning, Bucket="mine", VersioningConfiguration=versioning)
    _denied(other.get_bucket_acl, Bucket="mine")
    _denied(other.get_object_tagging, Bucket="mine", Key="data/a.csv")
    _denied(other.create_multipart_upload, Bucket="mine", Key="big")
    _denied(other.list_multipart_uploads, Bucket="mine")
    _denied(other.put_bucket_policy, Bucket="mine", Policy=_policy())
    # copying out of, and into, a bucket of another account
    _denied(other.copy_object, Bucket="theirs", Key="c", CopySource="mine/data/a.csv")
    _denied(owner.copy_object, Bucket="theirs", Key="c", CopySource="mine/data/a.csv")
    r = other.delete_objects(Bucket="mine", Delete={"Objects": [{"Key": "data/a.csv"}]})
    assert [e["Code"] for e in r["Errors"]] == ["AccessDenied"] and not r.get("Deleted")
    assert owner.get_object(Bucket="mine", Key="data/a.csv")["Body"].read() == b"a,b\n1,2\n"


def test_list_buckets_lists_only_the_callers_and_names_stay_global(owner: Any, other: Any) -> None:
    other.create_bucket(Bucket="theirs")
    assert [b["Name"] for b in owner.list_buckets()["Buckets"]] == ["mine"]
    assert [b["Name"] for b in other.list_buckets()["Buckets"]] == ["theirs"]
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        other.create_bucket(Bucket="mine")
    assert _code(exc) == ("BucketAlreadyExists", 409)


def test_missing_bucket_is_no_such_bucket_for_everyone(other: Any, anon: Any) -> None:
    for client in (other, anon):
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            client.get_object(Bucket="nowhere", Key="k")
        assert _code(exc) == ("NoSuchBucket", 404)


# -- the anonymous principal ----------------------------------------------------------


def test_unsigned_requests_are_denied_without_a_grant(owner: Any, anon: Any) -> None:
    _denied(anon.get_object, Bucket="mine", Key="data/a.csv")
    _denied(anon.put_object, Bucket="mine", Key="evil", Body=b"x")
    _denied(anon.delete_object, Bucket="mine", Key="data/a.csv")
    _denied(anon.list_objects_v2, Bucket="mine")
    _denied(anon.list_buckets)
    _denied(anon.create_bucket, Bucket="anon-bucket")
    assert [o["Key"] for o in owner.list_objects_v2(Bucket="mine")["Contents"]] == [
        "data/a.csv",
        "public/p.txt",
    ]


def test_presigned_url_acts_as_its_signer(owner: Any, other: Any) -> None:
    url = owner.generate_presigned_url("get_object", Params={"Bucket": "mine", "Key": "data/a.csv"})
    with urllib.request.urlopen(url) as r:
        assert r.read() == b"a,b\n1,2\n"
    url = other.generate_presigned_url("get_object", Params={"Bucket": "mine", "Key": "data/a.csv"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(url)
    assert exc.value.code == 403 and b"<Code>AccessDenied</Code>" in exc.value.read()
    exc.value.close()


# -- bucket policies --------------------------------------------------------------------


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": OTHER},
        {"AWS": f"arn:aws:iam::{OTHER}:root"},
        {"AWS": [f"arn:aws:iam::{OTHER}:root", "222222222222"]},
    ],
)
def test_policy_grants_another_account_only_what_it_names(
    owner: Any, other: Any, principal: Any
) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(_allow(principal, ["s3:GetObject"], "arn:aws:s3:::mine/data/*")),
    )
    assert other.get_object(Bucket="mine", Key="data/a.csv")["Body"].read() == b"a,b\n1,2\n"
    assert other.head_object(Bucket="mine", Key="data/a.csv")["ContentLength"] == 8
    _denied(other.get_object, Bucket="mine", Key="public/p.txt")  # outside the resource
    _denied(other.put_object, Bucket="mine", Key="data/b.csv", Body=b"x")
    _denied(other.list_objects_v2, Bucket="mine")


def test_policy_action_wildcards_and_not_action(owner: Any, other: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow({"AWS": OTHER}, "s3:*", ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"]),
            {
                "Effect": "Deny",
                "Principal": {"AWS": OTHER},
                "NotAction": ["s3:Get*", "s3:List*"],
                "Resource": ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"],
            },
        ),
    )
    assert other.list_objects_v2(Bucket="mine")["KeyCount"] == 2
    assert other.get_object(Bucket="mine", Key="public/p.txt")["Body"].read() == b"hello"
    _denied(other.put_object, Bucket="mine", Key="x", Body=b"x")
    _denied(other.delete_object, Bucket="mine", Key="public/p.txt")


def test_policy_cross_account_write_and_delete_objects_per_key(owner: Any, other: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow(
                {"AWS": OTHER},
                ["s3:PutObject", "s3:DeleteObject"],
                ["arn:aws:s3:::mine/inbox/*"],
            )
        ),
    )
    other.put_object(Bucket="mine", Key="inbox/from-other", Body=b"x")
    r = other.delete_objects(
        Bucket="mine",
        Delete={"Objects": [{"Key": "inbox/from-other"}, {"Key": "data/a.csv"}]},
    )
    assert [d["Key"] for d in r["Deleted"]] == ["inbox/from-other"]
    assert [(e["Key"], e["Code"]) for e in r["Errors"]] == [("data/a.csv", "AccessDenied")]
    assert owner.head_object(Bucket="mine", Key="data/a.csv")["ContentLength"] == 8


def test_explicit_deny_wins_over_owner_and_allow(owner: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow({"AWS": OWNER}, "s3:*", "arn:aws:s3:::mine/*"),
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": "arn:aws:s3:::mine/data/*",
            },
        ),
    )
    _denied(owner.delete_object, Bucket="mine", Key="data/a.csv")
    owner.delete_object(Bucket="mine", Key="public/p.txt")
    # the owner's root can always manage the policy itself
    owner.delete_bucket_policy(Bucket="mine")
    owner.delete_object(Bucket="mine", Key="data/a.csv")


def test_policy_not_resource_and_versioned_actions(owner: Any, other: Any) -> None:
    owner.put_bucket_versioning(Bucket="mine", VersioningConfiguration={"Status": "Enabled"})
    v = owner.put_object(Bucket="mine", Key="data/a.csv", Body=b"v2")["VersionId"]
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": OTHER},
                "Action": "s3:GetObject",
                "NotResource": "arn:aws:s3:::mine/public/*",
            }
        ),
    )
    assert other.get_object(Bucket="mine", Key="data/a.csv")["Body"].read() == b"v2"
    _denied(other.get_object, Bucket="mine", Key="public/p.txt")
    # naming a version needs s3:GetObjectVersion
    _denied(other.get_object, Bucket="mine", Key="data/a.csv", VersionId=v)


def test_condition_source_ip_and_principal_account(owner: Any, other: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow(
                "*",
                "s3:GetObject",
                "arn:aws:s3:::mine/data/*",
                Condition={
                    "IpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]},
                    "StringEquals": {"aws:PrincipalAccount": OTHER},
                },
            ),
            _allow(
                {"AWS": OTHER},
                "s3:GetObject",
                "arn:aws:s3:::mine/public/*",
                Condition={"NotIpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
            ),
        ),
    )
    assert other.get_object(Bucket="mine", Key="data/a.csv")["Body"].read() == b"a,b\n1,2\n"
    _denied(other.get_object, Bucket="mine", Key="public/p.txt")


def test_condition_secure_transport_denies_plain_http(owner: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    )
    _denied(owner.get_object, Bucket="mine", Key="data/a.csv")
    _denied(owner.list_objects_v2, Bucket="mine")
    assert "SecureTransport" in owner.get_bucket_policy(Bucket="mine")["Policy"]


def test_condition_s3_prefix_limits_listing(owner: Any, other: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow(
                {"AWS": OTHER},
                "s3:ListBucket",
                "arn:aws:s3:::mine",
                Condition={"StringLike": {"s3:prefix": ["public/*", "public/"]}},
            )
        ),
    )
    listed = other.list_objects_v2(Bucket="mine", Prefix="public/")
    assert [o["Key"] for o in listed["Contents"]] == ["public/p.txt"]
    _denied(other.list_objects_v2, Bucket="mine", Prefix="data/")
    _denied(other.list_objects_v2, Bucket="mine")


def test_condition_s3_prefix_is_empty_for_a_listing_without_prefix(owner: Any, other: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow(
                {"AWS": OTHER},
                "s3:ListBucket",
                "arn:aws:s3:::mine",
                Condition={"StringEquals": {"s3:prefix": ["", "public/"], "s3:delimiter": "/"}},
            )
        ),
    )
    top = other.list_objects_v2(Bucket="mine", Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["data/", "public/"]
    _denied(other.list_objects_v2, Bucket="mine")  # no delimiter
    _denied(other.list_objects_v2, Bucket="mine", Prefix="data/", Delimiter="/")


def test_condition_x_amz_acl_requires_bucket_owner_full_control(owner: Any, other: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow(
                {"AWS": OTHER},
                "s3:PutObject",
                "arn:aws:s3:::mine/*",
                Condition={"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            )
        ),
    )
    _denied(other.put_object, Bucket="mine", Key="drop/x", Body=b"x")
    other.put_object(Bucket="mine", Key="drop/x", Body=b"x", ACL="bucket-owner-full-control")
    # ACLs disabled (BucketOwnerEnforced): the bucket owner owns what others write
    assert owner.get_object(Bucket="mine", Key="drop/x")["Body"].read() == b"x"
    acl = owner.get_object_acl(Bucket="mine", Key="drop/x")
    assert acl["Owner"]["ID"] == owner.list_buckets()["Owner"]["ID"]


def test_policy_if_exists_and_string_not_equals(owner: Any, other: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow(
                {"AWS": OTHER},
                "s3:PutObject",
                "arn:aws:s3:::mine/*",
                Condition={"StringEqualsIfExists": {"s3:x-amz-storage-class": "STANDARD_IA"}},
            ),
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::mine/*",
                "Condition": {"StringNotEquals": {"aws:PrincipalAccount": [OWNER, OTHER]}},
            },
        ),
    )
    other.put_object(Bucket="mine", Key="ok", Body=b"x")  # no storage class: IfExists holds
    other.put_object(Bucket="mine", Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    _denied(other.put_object, Bucket="mine", Key="gl", Body=b"x", StorageClass="GLACIER")
    owner.put_object(Bucket="mine", Key="gl", Body=b"x", StorageClass="GLACIER")


@pytest.mark.parametrize(
    "policy",
    [
        "{not json",
        "[]",
        json.dumps({"Version": "2012-10-17"}),
        _policy({**_allow("*", "s3:GetObject", "arn:aws:s3:::mine/*"), "Effect": "Maybe"}),
        _policy(_allow("*", "ec2:RunInstances", "arn:aws:s3:::mine/*")),
        _policy(_allow("*", "s3:GetObject", "arn:aws:s3:::someone-elses/*")),
        _policy(
            _allow(
                "*",
                "s3:GetObject",
                "arn:aws:s3:::mine/*",
                Condition={"StringEqualz": {"aws:SourceIp": "x"}},
            )
        ),
        _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::mine/*"}),
        _policy(_allow({"AWS": "not-an-arn"}, "s3:GetObject", "arn:aws:s3:::mine/*")),
    ],
    ids=[
        "not-json",
        "not-object",
        "no-statement",
        "bad-effect",
        "other-service-action",
        "other-bucket-resource",
        "unknown-operator",
        "no-principal",
        "bad-principal",
    ],
)
def test_malformed_policy_is_refused(owner: Any, policy: str) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        owner.put_bucket_policy(Bucket="mine", Policy=policy)
    assert _code(exc) == ("MalformedPolicy", 400)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        owner.get_bucket_policy(Bucket="mine")
    assert _code(exc) == ("NoSuchBucketPolicy", 404)


def test_unknown_condition_key_is_accepted(owner: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow(
                {"AWS": OTHER},
                "s3:GetObject",
                "arn:aws:s3:::mine/*",
                Condition={"StringEquals": {"aws:SomeFutureKey": "x"}},
            )
        ),
    )


def test_public_policy_needs_block_public_access_off(owner: Any, anon: Any) -> None:
    public = _policy(_allow("*", "s3:GetObject", "arn:aws:s3:::mine/public/*"))
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        owner.put_bucket_policy(Bucket="mine", Policy=public)
    assert _code(exc) == ("AccessDenied", 403)
    owner.put_public_access_block(
        Bucket="mine",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )
    owner.put_bucket_policy(Bucket="mine", Policy=public)
    assert owner.get_bucket_policy_status(Bucket="mine")["PolicyStatus"]["IsPublic"] is True
    assert anon.get_object(Bucket="mine", Key="public/p.txt")["Body"].read() == b"hello"
    with urllib.request.urlopen(f"{owner.meta.endpoint_url}/mine/public/p.txt") as r:
        assert r.read() == b"hello"  # plain curl
    _denied(anon.get_object, Bucket="mine", Key="data/a.csv")
    _denied(anon.put_object, Bucket="mine", Key="public/x", Body=b"x")
    # RestrictPublicBuckets: a public policy then serves the owner's account only
    owner.put_public_access_block(
        Bucket="mine",
        PublicAccessBlockConfiguration={"BlockPublicPolicy": False, "RestrictPublicBuckets": True},
    )
    _denied(anon.get_object, Bucket="mine", Key="public/p.txt")
    assert owner.get_object(Bucket="mine", Key="public/p.txt")["Body"].read() == b"hello"


def test_policy_status_not_public_with_fixed_source_ip(owner: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        owner.get_bucket_policy_status(Bucket="mine")
    assert _code(exc) == ("NoSuchBucketPolicy", 404)
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            _allow(
                "*",
                "s3:GetObject",
                "arn:aws:s3:::mine/*",
                Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            )
        ),
    )
    assert owner.get_bucket_policy_status(Bucket="mine")["PolicyStatus"]["IsPublic"] is False


def test_other_account_allowed_to_manage_the_policy_gets_method_not_allowed(
    owner: Any, other: Any
) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(_allow({"AWS": OTHER}, "s3:GetBucketPolicy", "arn:aws:s3:::mine")),
    )
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        other.get_bucket_policy(Bucket="mine")
    assert _code(exc) == ("MethodNotAllowed", 405)


def test_expected_bucket_owner_mismatch_is_access_denied(owner: Any, other: Any) -> None:
    got = owner.get_object(Bucket="mine", Key="data/a.csv", ExpectedBucketOwner=OWNER)
    assert got["Body"].read() == b"a,b\n1,2\n"
    _denied(owner.get_object, Bucket="mine", Key="data/a.csv", ExpectedBucketOwner=OTHER)
    _denied(owner.list_objects_v2, Bucket="mine", ExpectedBucketOwner=OTHER)
    _denied(
        owner.copy_object,
        Bucket="mine",
        Key="copy",
        CopySource="mine/data/a.csv",
        ExpectedSourceBucketOwner=OTHER,
    )


def test_requests_are_billed_to_the_bucket_owner(
    owner: Any, other: Any, anon: Any, lakestack: Any
) -> None:
    owner.delete_public_access_block(Bucket="mine")
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(_allow("*", "s3:GetObject", "arn:aws:s3:::mine/public/*")),
    )
    anon.get_object(Bucket="mine", Key="public/p.txt")
    other.get_object(Bucket="mine", Key="public/p.txt")
    gets = [
        row
        for row in lakestack.usage()
        if row.service == "s3" and row.operation == "GetObject" and row.resource == "mine"
    ]
    assert {row.account for row in gets} == {OWNER}
    assert sum(row.quantity for row in gets) == 2


def test_condition_s3_auth_type_can_refuse_presigned_urls(owner: Any) -> None:
    owner.put_bucket_policy(
        Bucket="mine",
        Policy=_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::mine/*",
                "Condition": {"StringEquals": {"s3:authType": "REST-QUERY-STRING"}},
            }
        ),
    )
    assert owner.get_object(Bucket="mine", Key="data/a.csv")["Body"].read() == b"a,b\n1,2\n"
    url = owner.generate_presigned_url("get_object", Params={"Bucket": "mine", "Key": "data/a.csv"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(url)
    assert exc.value.code == 403
    exc.value.close()


def test_missing_key_is_403_without_list_bucket_permission(owner: Any, other: Any) -> None:
    get_only = _allow({"AWS": OTHER}, "s3:GetObject", "arn:aws:s3:::mine/*")
    owner.put_bucket_policy(Bucket="mine", Policy=_policy(get_only))
    _denied(other.get_object, Bucket="mine", Key="no/such/key")
    _denied(other.head_object, Bucket="mine", Key="no/such/key")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        owner.get_object(Bucket="mine", Key="no/such/key")
    assert _code(exc) == ("NoSuchKey", 404)
    listing = _allow({"AWS": OTHER}, "s3:ListBucket", "arn:aws:s3:::mine")
    owner.put_bucket_policy(Bucket="mine", Policy=_policy(get_only, listing))
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        other.get_object(Bucket="mine", Key="no/such/key")
    assert _code(exc) == ("NoSuchKey", 404)

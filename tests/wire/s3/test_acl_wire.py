"""S3 ACLs through the live endpoint: canned ACLs and grant headers on create, Put/Get
bucket and object ACLs (headers or XML), their effect on other accounts and the anonymous
principal, Object Ownership (ACLs disabled by default) and Block Public Access on ACLs."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest

OWNER = "111111111111"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def _fails(code: str, status: int, call: Any, **kw: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        call(**kw)
    assert _code(exc) == (code, status)


@pytest.fixture
def owner(lakestack_client: Any) -> Any:
    return lakestack_client("s3", aws_access_key_id=OWNER, aws_secret_access_key="x")


@pytest.fixture
def acl_bucket(owner: Any) -> str:
    """A bucket with ACLs enabled and Block Public Access off, as a user must set it up."""
    owner.create_bucket(Bucket="acls", ObjectOwnership="ObjectWriter")
    owner.delete_public_access_block(Bucket="acls")
    owner.put_object(Bucket="acls", Key="k", Body=b"data")
    return "acls"


def _id(client: Any) -> str:
    return str(client.list_buckets()["Owner"]["ID"])


def _grants(acl: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (g["Grantee"].get("URI") or g["Grantee"].get("ID"), g["Permission"]) for g in acl["Grants"]
    ]


def test_new_bucket_has_acls_disabled_and_owner_full_control(owner: Any) -> None:
    owner.create_bucket(Bucket="fresh")
    acl = owner.get_bucket_acl(Bucket="fresh")
    assert acl["Owner"] == {"ID": _id(owner), "DisplayName": OWNER}
    assert _grants(acl) == [(_id(owner), "FULL_CONTROL")]
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    rules = owner.get_bucket_ownership_controls(Bucket="fresh")["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    _fails(
        "AccessControlListNotSupported",
        400,
        owner.put_object,
        Bucket="fresh",
        Key="k",
        Body=b"x",
        ACL="public-read",
    )
    _fails(
        "AccessControlListNotSupported",
        400,
        owner.put_bucket_acl,
        Bucket="fresh",
        ACL="public-read",
    )
    owner.put_object(Bucket="fresh", Key="k", Body=b"x", ACL="bucket-owner-full-control")
    owner.put_object(Bucket="fresh", Key="k2", Body=b"x", ACL="private")
    assert _grants(owner.get_object_acl(Bucket="fresh", Key="k")) == [(_id(owner), "FULL_CONTROL")]


def test_create_bucket_with_public_acl_is_refused_by_default(owner: Any) -> None:
    _fails(
        "InvalidBucketAclWithObjectOwnership",
        400,
        owner.create_bucket,
        Bucket="pub",
        ACL="public-read",
    )
    _fails(
        "InvalidBucketAclWithBlockPublicAccessError",
        400,
        owner.create_bucket,
        Bucket="pub",
        ACL="public-read",
        ObjectOwnership="ObjectWriter",
    )
    owner.create_bucket(Bucket="pub", ACL="private")
    _fails("InvalidArgument", 400, owner.create_bucket, Bucket="x-own", ObjectOwnership="Mine")


def test_public_read_bucket_acl_lets_anyone_list(
    owner: Any, other: Any, anon: Any, acl_bucket: str
) -> None:
    owner.put_bucket_acl(Bucket=acl_bucket, ACL="public-read")
    assert (ALL_USERS, "READ") in _grants(owner.get_bucket_acl(Bucket=acl_bucket))
    assert [o["Key"] for o in anon.list_objects_v2(Bucket=acl_bucket)["Contents"]] == ["k"]
    assert other.list_objects_v2(Bucket=acl_bucket)["KeyCount"] == 1
    # bucket READ does not reach the objects: their own ACL decides
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        anon.get_object(Bucket=acl_bucket, Key="k")
    assert _code(exc)[1] == 403
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        anon.put_object(Bucket=acl_bucket, Key="w", Body=b"x")
    assert _code(exc)[1] == 403


def test_public_read_write_and_object_acls(owner: Any, anon: Any, acl_bucket: str) -> None:
    owner.put_bucket_acl(Bucket=acl_bucket, ACL="public-read-write")
    anon.put_object(Bucket=acl_bucket, Key="dropped", Body=b"anon")
    owner.put_object(Bucket=acl_bucket, Key="shared", Body=b"s", ACL="public-read")
    assert anon.get_object(Bucket=acl_bucket, Key="shared")["Body"].read() == b"s"
    acl = owner.get_object_acl(Bucket=acl_bucket, Key="shared")
    assert _grants(acl) == [(_id(owner), "FULL_CONTROL"), (ALL_USERS, "READ")]
    owner.put_object_acl(Bucket=acl_bucket, Key="shared", ACL="private")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        anon.get_object(Bucket=acl_bucket, Key="shared")
    assert _code(exc)[1] == 403


def test_authenticated_read_excludes_anonymous(
    owner: Any, other: Any, anon: Any, acl_bucket: str
) -> None:
    owner.put_object_acl(Bucket=acl_bucket, Key="k", ACL="authenticated-read")
    assert other.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"data"
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        anon.get_object(Bucket=acl_bucket, Key="k")
    assert _code(exc)[1] == 403


def test_grant_headers_by_canonical_id(owner: Any, other: Any, acl_bucket: str) -> None:
    grantee = f'id="{_id(other)}"'
    owner.put_object_acl(Bucket=acl_bucket, Key="k", GrantRead=grantee)
    assert other.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"data"
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        other.get_object_acl(Bucket=acl_bucket, Key="k")
    assert _code(exc)[1] == 403
    owner.put_object(
        Bucket=acl_bucket,
        Key="k2",
        Body=b"2",
        GrantFullControl=f'id="{_id(owner)}"',
        GrantReadACP=grantee,
    )
    acl = other.get_object_acl(Bucket=acl_bucket, Key="k2")
    assert (_id(other), "READ_ACP") in _grants(acl)
    owner.put_bucket_acl(
        Bucket=acl_bucket, GrantWrite=f'uri="{AUTHENTICATED}"', GrantFullControl=f"id={_id(owner)}"
    )
    other.put_object(Bucket=acl_bucket, Key="from-other", Body=b"o")
    # ObjectWriter: the writer owns the object it put
    acl = other.get_object_acl(Bucket=acl_bucket, Key="from-other")
    assert acl["Owner"]["ID"] == _id(other)


def test_acl_as_xml_document(owner: Any, anon: Any, acl_bucket: str) -> None:
    owner.put_bucket_acl(
        Bucket=acl_bucket,
        AccessControlPolicy={
            "Owner": {"ID": _id(owner)},
            "Grants": [
                {
                    "Grantee": {"Type": "CanonicalUser", "ID": _id(owner)},
                    "Permission": "FULL_CONTROL",
                },
                {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
            ],
        },
    )
    assert _grants(owner.get_bucket_acl(Bucket=acl_bucket)) == [
        (_id(owner), "FULL_CONTROL"),
        (ALL_USERS, "READ"),
    ]
    assert anon.list_objects_v2(Bucket=acl_bucket)["KeyCount"] == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"GrantRead": 'emailAddress="someone@example.com"'}, "UnresolvableGrantByEmailAddress"),
        ({"GrantRead": 'id="not-a-canonical-id"'}, "InvalidArgument"),
        ({"GrantRead": 'uri="http://acs.amazonaws.com/groups/global/Nobody"'}, "InvalidArgument"),
        ({"ACL": "public-read", "GrantRead": f'uri="{ALL_USERS}"'}, "InvalidRequest"),
        ({"ACL": "everyone-may"}, "InvalidArgument"),
        (
            {"AccessControlPolicy": {"Grants": [{"Grantee": {"Type": "Group", "URI": ALL_USERS}}]}},
            "MalformedACLError",
        ),
        ({}, "MalformedACLError"),
    ],
    ids=["email", "bad-id", "bad-group", "canned-and-grants", "bad-canned", "no-owner", "empty"],
)
def test_malformed_acls_are_refused(
    owner: Any, acl_bucket: str, kwargs: dict[str, Any], code: str
) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        owner.put_bucket_acl(Bucket=acl_bucket, **kwargs)
    assert _code(exc) == (code, 400)


def test_block_public_acls_refuses_public_grants(owner: Any, acl_bucket: str) -> None:
    owner.put_public_access_block(
        Bucket=acl_bucket, PublicAccessBlockConfiguration={"BlockPublicAcls": True}
    )
    _fails("AccessDenied", 403, owner.put_bucket_acl, Bucket=acl_bucket, ACL="public-read")
    _fails(
        "AccessDenied",
        403,
        owner.put_object,
        Bucket=acl_bucket,
        Key="p",
        Body=b"x",
        ACL="authenticated-read",
    )
    owner.put_object(Bucket=acl_bucket, Key="p", Body=b"x", ACL="private")


def test_ignore_public_acls_stops_public_grants_from_counting(
    owner: Any, anon: Any, acl_bucket: str
) -> None:
    owner.put_object_acl(Bucket=acl_bucket, Key="k", ACL="public-read")
    assert anon.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"data"
    owner.put_public_access_block(
        Bucket=acl_bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True}
    )
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        anon.get_object(Bucket=acl_bucket, Key="k")
    assert _code(exc)[1] == 403


def test_enforcing_bucket_owner_disables_existing_acls(
    owner: Any, anon: Any, acl_bucket: str
) -> None:
    owner.put_object_acl(Bucket=acl_bucket, Key="k", ACL="public-read")
    owner.put_bucket_ownership_controls(
        Bucket=acl_bucket,
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    )
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        anon.get_object(Bucket=acl_bucket, Key="k")
    assert _code(exc)[1] == 403
    owner.delete_bucket_ownership_controls(Bucket=acl_bucket)
    get_controls = owner.get_bucket_ownership_controls
    _fails("OwnershipControlsNotFoundError", 404, get_controls, Bucket=acl_bucket)
    assert anon.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"data"


def test_copy_and_multipart_take_acls(owner: Any, anon: Any, acl_bucket: str) -> None:
    source = f"{acl_bucket}/k"
    owner.copy_object(Bucket=acl_bucket, Key="copy", CopySource=source, ACL="public-read")
    assert anon.get_object(Bucket=acl_bucket, Key="copy")["Body"].read() == b"data"
    up = owner.create_multipart_upload(Bucket=acl_bucket, Key="mp", ACL="public-read")
    etag = owner.upload_part(
        Bucket=acl_bucket, Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=b"m"
    )["ETag"]
    owner.complete_multipart_upload(
        Bucket=acl_bucket,
        Key="mp",
        UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert anon.get_object(Bucket=acl_bucket, Key="mp")["Body"].read() == b"m"
    # a copy does not inherit the source's ACL
    owner.copy_object(Bucket=acl_bucket, Key="copy2", CopySource=f"{acl_bucket}/copy")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        anon.get_object(Bucket=acl_bucket, Key="copy2")
    assert _code(exc)[1] == 403

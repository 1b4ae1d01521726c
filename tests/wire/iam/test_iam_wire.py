"""IAM through boto3 against the live endpoint: roles, policies, users and access keys,
with AWS's error codes and statuses for bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lakestack.emulator import Emulator

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "glue.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
S3_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::*/*"}],
}


@pytest.fixture
def iam(lakestack_client: Callable[..., Any]) -> Any:
    return lakestack_client("iam")


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_get_list_delete_role(iam: Any) -> None:
    created = iam.create_role(
        RoleName="GlueJobRole",
        Path="/service-role/",
        AssumeRolePolicyDocument=json.dumps(TRUST),
        Description="runs Glue jobs",
        MaxSessionDuration=7200,
        Tags=[{"Key": "team", "Value": "data"}],
    )["Role"]
    assert created["Arn"] == "arn:aws:iam::000000000000:role/service-role/GlueJobRole"
    assert created["RoleId"].startswith("AROA")
    assert created["AssumeRolePolicyDocument"] == TRUST  # URL-encoded on the wire, decoded
    role = iam.get_role(RoleName="GlueJobRole")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("runs Glue jobs", 7200)
    assert role["Tags"] == [{"Key": "team", "Value": "data"}]
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/service-role/")["Roles"]] == [
        "GlueJobRole"
    ]
    assert iam.list_instance_profiles_for_role(RoleName="GlueJobRole")["InstanceProfiles"] == []
    iam.delete_role(RoleName="GlueJobRole")
    assert iam.list_roles()["Roles"] == []


def test_list_roles_paginator_walks_markers(iam: Any) -> None:
    for i in range(5):
        iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument=json.dumps(TRUST))
    first = iam.list_roles(MaxItems=2)
    assert first["IsTruncated"] and len(first["Roles"]) == 2
    pages = iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 2})
    assert [r["RoleName"] for page in pages for r in page["Roles"]] == [
        f"role-{i}" for i in range(5)
    ]


def test_get_missing_role_is_no_such_entity_404(iam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        iam.get_role(RoleName="missing")
    assert _error(exc) == ("NoSuchEntity", 404)
    assert iam.exceptions.NoSuchEntityException is type(exc.value)


def test_duplicate_role_is_entity_already_exists_409(iam: Any) -> None:
    iam.create_role(RoleName="dup", AssumeRolePolicyDocument=json.dumps(TRUST))
    with pytest.raises(ClientError) as exc:
        iam.create_role(RoleName="dup", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert _error(exc) == ("EntityAlreadyExists", 409)


@pytest.mark.parametrize("document", ["{not json", json.dumps({"Version": "2012-10-17"})])
def test_malformed_trust_policy_is_rejected(iam: Any, document: str) -> None:
    with pytest.raises(ClientError) as exc:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=document)
    assert _error(exc) == ("MalformedPolicyDocument", 400)


def test_bad_role_name_is_validation_error(iam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        iam.create_role(RoleName="no spaces", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert _error(exc) == ("ValidationError", 400)


def test_inline_policies_round_trip_and_block_delete(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="r", PolicyName="read", PolicyDocument=json.dumps(S3_READ))
    got = iam.get_role_policy(RoleName="r", PolicyName="read")
    assert (got["RoleName"], got["PolicyName"], got["PolicyDocument"]) == ("r", "read", S3_READ)
    assert iam.list_role_policies(RoleName="r")["PolicyNames"] == ["read"]
    with pytest.raises(ClientError) as exc:
        iam.delete_role(RoleName="r")
    assert _error(exc) == ("DeleteConflict", 409)
    iam.delete_role_policy(RoleName="r", PolicyName="read")
    iam.delete_role(RoleName="r")


def test_update_assume_role_policy_and_tags(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    lambda_trust = json.loads(json.dumps(TRUST).replace("glue", "lambda"))
    iam.update_assume_role_policy(RoleName="r", PolicyDocument=json.dumps(lambda_trust))
    iam.update_role(RoleName="r", Description="now lambda")
    iam.tag_role(RoleName="r", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_role(RoleName="r", TagKeys=["a"])
    role = iam.get_role(RoleName="r")["Role"]
    assert role["AssumeRolePolicyDocument"] == lambda_trust
    assert role["Description"] == "now lambda"
    assert iam.list_role_tags(RoleName="r")["Tags"] == [{"Key": "b", "Value": "2"}]


def test_managed_policies_versions_and_attachments(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    arn = iam.create_policy(PolicyName="ReadLake", PolicyDocument=json.dumps(S3_READ))["Policy"][
        "Arn"
    ]
    assert arn == "arn:aws:iam::000000000000:policy/ReadLake"
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(S3_READ))
    with pytest.raises(ClientError) as exc:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(S3_READ))
    assert _error(exc) == ("LimitExceeded", 409)
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v3")
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]
    assert version["IsDefaultVersion"] and version["Document"] == S3_READ
    iam.delete_policy_version(PolicyArn=arn, VersionId="v5")
    listed = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in listed] == ["v4", "v3", "v2", "v1"]

    glue_role = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    iam.attach_role_policy(RoleName="r", PolicyArn=glue_role)
    attached = iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"]
    assert {a["PolicyArn"] for a in attached} == {arn, glue_role}
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert iam.get_policy(PolicyArn=glue_role)["Policy"]["Path"] == "/service-role/"
    with pytest.raises(ClientError) as exc:
        iam.delete_policy(PolicyArn=arn)
    assert _error(exc) == ("DeleteConflict", 409)
    local = iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
    assert [p["PolicyName"] for p in local] == ["ReadLake"]
    entities = iam.list_entities_for_policy(PolicyArn=glue_role)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["r"]
    assert entities["PolicyUsers"] == [] and entities["PolicyGroups"] == []
    assert iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User")["PolicyRoles"] == []


def test_attach_unknown_policy_is_no_such_entity(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    with pytest.raises(ClientError) as exc:
        iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/Nope")
    assert _error(exc) == ("NoSuchEntity", 404)


def test_malformed_managed_policy_is_rejected(iam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        iam.create_policy(PolicyName="p", PolicyDocument=json.dumps({"Statement": "nope"}))
    assert _error(exc) == ("MalformedPolicyDocument", 400)


def test_access_key_of_a_user_works_in_strict_mode_until_deleted() -> None:
    with Emulator(temporary=True, port=0, auth="strict") as emu:
        iam = emu.client("iam")
        iam.create_user(UserName="alice", Path="/eng/")
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        assert key["AccessKeyId"].startswith("AKIA") and key["Status"] == "Active"
        as_alice = {
            "aws_access_key_id": key["AccessKeyId"],
            "aws_secret_access_key": key["SecretAccessKey"],
        }
        identity = emu.client("sts", **as_alice).get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::000000000000:user/eng/alice"
        assert identity["UserId"] == iam.get_user(UserName="alice")["User"]["UserId"]
        assert emu.client("iam", **as_alice).get_user()["User"]["UserName"] == "alice"
        listed = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
        assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
        iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        with pytest.raises(ClientError) as exc:
            emu.client("sts", **as_alice).get_caller_identity()
        assert exc.value.response["Error"]["Code"] == "InvalidClientTokenId"
        iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Active")
        emu.client("s3", **as_alice).list_buckets()
        with pytest.raises(ClientError) as exc:
            iam.delete_user(UserName="alice")
        assert _error(exc) == ("DeleteConflict", 409)
        iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
        with pytest.raises(ClientError) as exc:
            emu.client("s3", **as_alice).list_buckets()
        assert exc.value.response["Error"]["Code"] == "InvalidAccessKeyId"
        iam.delete_user(UserName="alice")


def test_user_tags(iam: Any) -> None:
    iam.create_user(UserName="bob", Tags=[{"Key": "team", "Value": "data"}])
    iam.tag_user(UserName="bob", Tags=[{"Key": "env", "Value": "dev"}])
    iam.untag_user(UserName="bob", TagKeys=["team"])
    assert iam.list_user_tags(UserName="bob")["Tags"] == [{"Key": "env", "Value": "dev"}]
    assert iam.get_user(UserName="bob")["User"]["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(ClientError) as exc:
        iam.tag_user(UserName="nobody", Tags=[{"Key": "a", "Value": "b"}])
    assert _error(exc) == ("NoSuchEntity", 404)


def test_get_user_without_name_describes_the_caller(lakestack: Emulator, iam: Any) -> None:
    assert iam.get_user()["User"]["Arn"] == "arn:aws:iam::000000000000:root"
    iam.create_user(UserName="carol")
    key = iam.create_access_key(UserName="carol")["AccessKey"]
    as_carol = {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
    }
    session = lakestack.client("sts", **as_carol).get_session_token()["Credentials"]
    via_session = lakestack.client(
        "iam",
        aws_access_key_id=session["AccessKeyId"],
        aws_secret_access_key=session["SecretAccessKey"],
        aws_session_token=session["SessionToken"],
    )
    assert via_session.get_user()["User"]["UserName"] == "carol"
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    role = lakestack.client("sts").assume_role(
        RoleArn="arn:aws:iam::000000000000:role/r", RoleSessionName="rs"
    )["Credentials"]
    as_role = lakestack.client(
        "iam",
        aws_access_key_id=role["AccessKeyId"],
        aws_secret_access_key=role["SecretAccessKey"],
        aws_session_token=role["SessionToken"],
    )
    with pytest.raises(ClientError) as exc:
        as_role.get_user()
    assert _error(exc) == ("ValidationError", 400)


def test_user_inline_and_attached_policies(iam: Any) -> None:
    iam.create_user(UserName="dave")
    iam.put_user_policy(UserName="dave", PolicyName="read", PolicyDocument=json.dumps(S3_READ))
    assert iam.get_user_policy(UserName="dave", PolicyName="read")["PolicyDocument"] == S3_READ
    assert iam.list_user_policies(UserName="dave")["PolicyNames"] == ["read"]
    ro = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    iam.attach_user_policy(UserName="dave", PolicyArn=ro)
    attached = iam.list_attached_user_policies(UserName="dave")["AttachedPolicies"]
    assert [a["PolicyArn"] for a in attached] == [ro]
    assert [u["UserName"] for u in iam.list_entities_for_policy(PolicyArn=ro)["PolicyUsers"]] == [
        "dave"
    ]
    with pytest.raises(ClientError) as exc:
        iam.delete_user(UserName="dave")
    assert _error(exc) == ("DeleteConflict", 409)
    iam.delete_user_policy(UserName="dave", PolicyName="read")
    iam.detach_user_policy(UserName="dave", PolicyArn=ro)
    iam.delete_user(UserName="dave")

"""IamEngine managed policies, versions, users and access keys, driven directly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from lakestack.core.clock import FixedClock
from lakestack.core.credentials import CredentialStore
from lakestack.core.ids import Ids
from lakestack.services.iam.engine import IamEngine
from lakestack.services.iam.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    ValidationError,
)

ACCOUNT = "111122223333"
TRUST = json.dumps(
    {"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}}
)


def _doc(action: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
        }
    )


@pytest.fixture
def credentials() -> CredentialStore:
    return CredentialStore(None)


@pytest.fixture
def iam(tmp_path: Path, credentials: CredentialStore) -> Iterator[IamEngine]:
    engine = IamEngine(tmp_path, FixedClock(), Ids(seed=3), credentials)
    yield engine
    engine.close()


def test_create_policy_has_v1_default_and_anpa_id(iam: IamEngine) -> None:
    policy = iam.policies.create_policy(ACCOUNT, "ReadLake", _doc("s3:Get*"), path="/data/")
    assert policy.arn == f"arn:aws:iam::{ACCOUNT}:policy/data/ReadLake"
    assert policy.policy_id.startswith("ANPA")
    assert policy.default_version_id == "v1"
    assert iam.policies.get_policy(ACCOUNT, policy.arn).default_version.document == _doc("s3:Get*")


def test_create_policy_duplicate_or_malformed_or_too_big_raises(iam: IamEngine) -> None:
    iam.policies.create_policy(ACCOUNT, "p", _doc("s3:*"))
    with pytest.raises(EntityAlreadyExists):
        iam.policies.create_policy(ACCOUNT, "P", _doc("s3:*"), path="/other/")
    with pytest.raises(MalformedPolicyDocument):
        iam.policies.create_policy(ACCOUNT, "q", "{")
    with pytest.raises(LimitExceeded, match="PolicySize: 6144"):
        iam.policies.create_policy(ACCOUNT, "q", _doc("s3:" + "x" * 7000))


def test_policy_versions_up_to_five_then_limit_exceeded(iam: IamEngine) -> None:
    arn = iam.policies.create_policy(ACCOUNT, "p", _doc("s3:*")).arn
    for i in range(4):
        iam.policies.create_policy_version(ACCOUNT, arn, _doc(f"s3:Get{i}"))
    with pytest.raises(LimitExceeded, match="up to 5 versions"):
        iam.policies.create_policy_version(ACCOUNT, arn, _doc("s3:Put*"))
    _, page = iam.policies.list_policy_versions(ACCOUNT, arn)
    assert [pv.version_id for pv in page.items] == ["v5", "v4", "v3", "v2", "v1"]


def test_set_default_and_delete_versions(iam: IamEngine) -> None:
    arn = iam.policies.create_policy(ACCOUNT, "p", _doc("s3:*")).arn
    v2 = iam.policies.create_policy_version(ACCOUNT, arn, _doc("s3:Get*"), set_as_default=True)
    assert v2.version_id == "v2"
    assert iam.policies.get_policy(ACCOUNT, arn).default_version_id == "v2"
    with pytest.raises(DeleteConflict, match="default version"):
        iam.policies.delete_policy_version(ACCOUNT, arn, "v2")
    with pytest.raises(DeleteConflict, match="more than one version"):
        iam.policies.delete_policy(ACCOUNT, arn)
    iam.policies.set_default_policy_version(ACCOUNT, arn, "v1")
    iam.policies.delete_policy_version(ACCOUNT, arn, "v2")
    v3 = iam.policies.create_policy_version(ACCOUNT, arn, _doc("s3:List*"))
    assert v3.version_id == "v3"  # numbers are never reused
    with pytest.raises(NoSuchEntity):
        iam.policies.get_policy_version(ACCOUNT, arn, "v2")
    with pytest.raises(ValidationError):
        iam.policies.get_policy_version(ACCOUNT, arn, "2")


def test_delete_attached_policy_raises_delete_conflict(iam: IamEngine) -> None:
    arn = iam.policies.create_policy(ACCOUNT, "p", _doc("s3:*")).arn
    iam.create_role(ACCOUNT, "r", TRUST)
    iam.attach_role_policy(ACCOUNT, "r", arn)
    assert iam.policies.attachment_count(ACCOUNT, arn) == 1
    with pytest.raises(DeleteConflict, match="attached to entities"):
        iam.policies.delete_policy(ACCOUNT, arn)
    iam.detach_role_policy(ACCOUNT, "r", arn)
    iam.policies.delete_policy(ACCOUNT, arn)
    with pytest.raises(NoSuchEntity):
        iam.policies.get_policy(ACCOUNT, arn)


def test_aws_managed_policies_are_listed_and_read_only(iam: IamEngine) -> None:
    aws_only = iam.policies.list_policies(ACCOUNT, scope="AWS", max_items=1000).items
    names = {p.name for p in aws_only}
    assert {
        "AmazonS3FullAccess",
        "AmazonS3ReadOnlyAccess",
        "AWSGlueServiceRole",
        "AmazonAthenaFullAccess",
        "AWSLambdaBasicExecutionRole",
        "AdministratorAccess",
        "CloudWatchLogsFullAccess",
    } <= names
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert '"*"' in iam.policies.get_policy_version(ACCOUNT, admin, "v1")[1].document
    with pytest.raises(InvalidInput):
        iam.policies.delete_policy(ACCOUNT, admin)
    with pytest.raises(InvalidInput):
        iam.policies.create_policy_version(ACCOUNT, admin, _doc("s3:*"))


def test_list_policies_scope_local_and_only_attached(iam: IamEngine) -> None:
    mine = iam.policies.create_policy(ACCOUNT, "mine", _doc("s3:*"))
    iam.create_role(ACCOUNT, "r", TRUST)
    iam.attach_role_policy(ACCOUNT, "r", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    assert [p.arn for p in iam.policies.list_policies(ACCOUNT, scope="Local").items] == [mine.arn]
    attached = iam.policies.list_policies(ACCOUNT, only_attached=True).items
    assert [p.name for p in attached] == ["AmazonS3ReadOnlyAccess"]
    with pytest.raises(ValidationError):
        iam.policies.list_policies(ACCOUNT, scope="Everything")


def test_create_user_duplicate_and_missing(iam: IamEngine) -> None:
    user = iam.users.create_user(ACCOUNT, "alice", path="/eng/")
    assert user.arn == f"arn:aws:iam::{ACCOUNT}:user/eng/alice" and user.user_id.startswith("AIDA")
    with pytest.raises(EntityAlreadyExists):
        iam.users.create_user(ACCOUNT, "Alice")
    with pytest.raises(NoSuchEntity):
        iam.users.get_user(ACCOUNT, "bob")
    assert [u.name for u in iam.users.list_users(ACCOUNT, "/eng/").items] == ["alice"]


def test_create_access_key_registers_a_working_credential(
    iam: IamEngine, credentials: CredentialStore
) -> None:
    user = iam.users.create_user(ACCOUNT, "alice")
    key = iam.users.create_access_key(ACCOUNT, "alice")
    assert key.access_key_id.startswith("AKIA") and len(key.access_key_id) == 20
    assert len(key.secret_access_key) == 40 and key.status == "Active"
    stored = credentials.get(key.access_key_id)
    assert stored is not None
    assert (stored.secret_access_key, stored.account_id) == (key.secret_access_key, ACCOUNT)
    assert (stored.principal_arn, stored.principal_id) == (user.arn, user.user_id)
    assert iam.caller_user_name(ACCOUNT, key.access_key_id) == "alice"
    assert iam.caller_user_name(ACCOUNT, "test") is None  # the root
    with pytest.raises(ValidationError, match="non-User credentials"):
        iam.required_user_name(ACCOUNT, "test")


def test_access_key_quota_deactivate_and_delete(
    iam: IamEngine, credentials: CredentialStore
) -> None:
    iam.users.create_user(ACCOUNT, "alice")
    first = iam.users.create_access_key(ACCOUNT, "alice")
    second = iam.users.create_access_key(ACCOUNT, "alice")
    with pytest.raises(LimitExceeded, match="AccessKeysPerUser: 2"):
        iam.users.create_access_key(ACCOUNT, "alice")
    iam.users.update_access_key(ACCOUNT, "alice", first.access_key_id, "Inactive")
    assert credentials.get(first.access_key_id) is None
    statuses = {
        k.access_key_id: k.status for k in iam.users.list_access_keys(ACCOUNT, "alice").items
    }
    assert statuses == {first.access_key_id: "Inactive", second.access_key_id: "Active"}
    iam.users.update_access_key(ACCOUNT, "alice", first.access_key_id, "Active")
    assert credentials.get(first.access_key_id) is not None
    with pytest.raises(ValidationError):
        iam.users.update_access_key(ACCOUNT, "alice", first.access_key_id, "Paused")
    with pytest.raises(DeleteConflict, match="access keys"):
        iam.users.delete_user(ACCOUNT, "alice")
    for key in (first, second):
        iam.users.delete_access_key(ACCOUNT, "alice", key.access_key_id)
        assert credentials.get(key.access_key_id) is None
    with pytest.raises(NoSuchEntity):
        iam.users.delete_access_key(ACCOUNT, "alice", first.access_key_id)
    iam.users.delete_user(ACCOUNT, "alice")


def test_reset_takes_issued_keys_out_of_the_credential_store(
    iam: IamEngine, credentials: CredentialStore
) -> None:
    iam.users.create_user(ACCOUNT, "alice")
    key = iam.users.create_access_key(ACCOUNT, "alice")
    iam.reset()
    assert credentials.get(key.access_key_id) is None
    assert credentials.get("test") is not None


def test_user_policies_inline_and_attached_block_delete(iam: IamEngine) -> None:
    iam.users.create_user(ACCOUNT, "alice")
    iam.put_user_policy(ACCOUNT, "alice", "read", _doc("s3:Get*"))
    assert iam.get_user_policy(ACCOUNT, "ALICE", "read")[1] == _doc("s3:Get*")
    assert iam.list_user_policies(ACCOUNT, "alice").items == ["read"]
    with pytest.raises(LimitExceeded, match="user alice"):
        iam.put_user_policy(ACCOUNT, "alice", "big", _doc("s3:" + "x" * 2100))
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    iam.attach_user_policy(ACCOUNT, "alice", admin)
    assert [a.policy_name for a in iam.list_attached_user_policies(ACCOUNT, "alice").items] == [
        "AdministratorAccess"
    ]
    iam.create_role(ACCOUNT, "r", TRUST)
    iam.attach_role_policy(ACCOUNT, "r", admin)
    roles, users = iam.list_entities_for_policy(ACCOUNT, admin)
    assert [r.name for r in roles.items] == ["r"] and [u.name for u in users.items] == ["alice"]
    assert iam.policies.attachment_count(ACCOUNT, admin) == 2
    with pytest.raises(DeleteConflict, match="delete policies first"):
        iam.delete_user(ACCOUNT, "alice")
    iam.delete_user_policy(ACCOUNT, "alice", "read")
    with pytest.raises(DeleteConflict, match="detach all policies first"):
        iam.delete_user(ACCOUNT, "alice")
    iam.detach_user_policy(ACCOUNT, "alice", admin)
    with pytest.raises(NoSuchEntity):
        iam.get_user_policy(ACCOUNT, "alice", "read")
    iam.delete_user(ACCOUNT, "alice")
    with pytest.raises(NoSuchEntity):
        iam.put_user_policy(ACCOUNT, "alice", "p", _doc("s3:*"))

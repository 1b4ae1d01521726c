"""IamEngine roles, inline policies and attachments, driven directly (no HTTP)."""

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
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
S3_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
)
GLUE_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"


@pytest.fixture
def iam(tmp_path: Path) -> Iterator[IamEngine]:
    engine = IamEngine(tmp_path, FixedClock(), Ids(seed=7), CredentialStore(None))
    yield engine
    engine.close()


def test_create_role_builds_arn_with_path_and_aroa_id(iam: IamEngine) -> None:
    role = iam.create_role(ACCOUNT, "GlueJobRole", TRUST, path="/service-role/")
    assert role.arn == f"arn:aws:iam::{ACCOUNT}:role/service-role/GlueJobRole"
    assert role.role_id.startswith("AROA") and len(role.role_id) == 21
    assert role.max_session_duration == 3600
    assert role.create_date == FixedClock().now()


def test_get_role_ignores_case_and_other_accounts_do_not_see_it(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "GlueJobRole", TRUST)
    assert iam.get_role(ACCOUNT, "gluejobrole").name == "GlueJobRole"
    with pytest.raises(NoSuchEntity, match="The role with name GlueJobRole cannot be found"):
        iam.get_role("000000000000", "GlueJobRole")


def test_create_role_duplicate_in_any_case_raises_entity_already_exists(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "GlueJobRole", TRUST)
    with pytest.raises(EntityAlreadyExists) as err:
        iam.create_role(ACCOUNT, "GLUEJOBROLE", TRUST)
    assert err.value.status == 409


@pytest.mark.parametrize(
    ("name", "path", "duration"),
    [("bad name", "/", 3600), ("x" * 65, "/", 3600), ("ok", "no-slash", 3600), ("ok", "/", 60)],
)
def test_create_role_bad_input_raises_validation_error(
    iam: IamEngine, name: str, path: str, duration: int
) -> None:
    with pytest.raises(ValidationError):
        iam.create_role(ACCOUNT, name, TRUST, path=path, max_session_duration=duration)


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        "[]",
        json.dumps({"Version": "2012-10-17"}),
        json.dumps({"Version": "2099-01-01", "Statement": []}),
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}),
        json.dumps(
            {"Statement": {"Effect": "Maybe", "Principal": "*", "Action": "sts:AssumeRole"}}
        ),
        json.dumps({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "AssumeRole"}}),
        json.dumps(
            {"Statement": {"Effect": "Allow", "Principal": {"Role": "x"}, "Action": "sts:*"}}
        ),
        json.dumps({"Statement": {"Effect": "Allow", "Principal": "me", "Action": "sts:*"}}),
    ],
)
def test_create_role_malformed_trust_policy_raises(iam: IamEngine, document: str) -> None:
    with pytest.raises(MalformedPolicyDocument):
        iam.create_role(ACCOUNT, "r", document)


def test_list_roles_filters_by_path_prefix_and_pages_with_marker(iam: IamEngine) -> None:
    for name in ("c", "a", "b"):
        iam.create_role(ACCOUNT, name, TRUST, path="/team/")
    iam.create_role(ACCOUNT, "other", TRUST)
    first = iam.list_roles(ACCOUNT, "/team/", max_items=2)
    assert [r.name for r in first.items] == ["a", "b"] and first.is_truncated
    rest = iam.list_roles(ACCOUNT, "/team/", marker=first.marker, max_items=2)
    assert [r.name for r in rest.items] == ["c"] and not rest.is_truncated and rest.marker is None
    assert len(iam.list_roles(ACCOUNT).items) == 4


def test_list_roles_bad_marker_raises_invalid_input(iam: IamEngine) -> None:
    with pytest.raises(InvalidInput):
        iam.list_roles(ACCOUNT, marker="garbage")


def test_delete_role_with_policies_raises_delete_conflict_until_removed(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    iam.put_role_policy(ACCOUNT, "r", "inline", S3_ALL)
    iam.attach_role_policy(ACCOUNT, "r", GLUE_ROLE_POLICY)
    with pytest.raises(DeleteConflict, match="must delete policies first"):
        iam.delete_role(ACCOUNT, "r")
    iam.delete_role_policy(ACCOUNT, "r", "inline")
    with pytest.raises(DeleteConflict, match="must detach all policies first"):
        iam.delete_role(ACCOUNT, "r")
    iam.detach_role_policy(ACCOUNT, "r", GLUE_ROLE_POLICY)
    iam.delete_role(ACCOUNT, "r")
    with pytest.raises(NoSuchEntity):
        iam.delete_role(ACCOUNT, "r")


def test_update_assume_role_policy_and_update_role(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    other = TRUST.replace("glue.amazonaws.com", "lambda.amazonaws.com")
    iam.update_assume_role_policy(ACCOUNT, "r", other)
    iam.update_role(ACCOUNT, "r", description="runs jobs", max_session_duration=7200)
    role = iam.get_role(ACCOUNT, "r")
    assert "lambda.amazonaws.com" in role.assume_role_policy_document
    assert (role.description, role.max_session_duration) == ("runs jobs", 7200)
    with pytest.raises(ValidationError):
        iam.update_role(ACCOUNT, "r", max_session_duration=50000)
    with pytest.raises(MalformedPolicyDocument):
        iam.update_assume_role_policy(ACCOUNT, "r", S3_ALL)  # no Principal: not a trust policy


def test_role_tags_merge_untag_and_list(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST, tags={"team": "data"})
    iam.tag_role(ACCOUNT, "r", {"env": "dev", "team": "lake"})
    iam.untag_role(ACCOUNT, "r", ["env"])
    assert iam.list_role_tags(ACCOUNT, "r").items == [("team", "lake")]
    with pytest.raises(LimitExceeded):
        iam.tag_role(ACCOUNT, "r", {f"k{i}": "v" for i in range(50)})


def test_inline_policies_put_get_list_delete(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    iam.put_role_policy(ACCOUNT, "r", "b", S3_ALL)
    iam.put_role_policy(ACCOUNT, "r", "a", S3_ALL)
    assert iam.list_role_policies(ACCOUNT, "r").items == ["a", "b"]
    assert iam.get_role_policy(ACCOUNT, "R", "a")[1] == S3_ALL
    iam.delete_role_policy(ACCOUNT, "r", "a")
    with pytest.raises(NoSuchEntity, match="role policy with name a"):
        iam.get_role_policy(ACCOUNT, "r", "a")


def test_inline_policy_with_principal_or_without_resource_is_malformed(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    with pytest.raises(MalformedPolicyDocument, match="should not specify a principal"):
        iam.put_role_policy(ACCOUNT, "r", "p", TRUST)
    no_resource = json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:*"}})
    with pytest.raises(MalformedPolicyDocument, match="must contain resources"):
        iam.put_role_policy(ACCOUNT, "r", "p", no_resource)


def test_inline_policies_over_size_quota_raise_limit_exceeded(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    big = json.dumps(
        {
            "Statement": {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::" + "x" * 6000],
            }
        }
    )
    iam.put_role_policy(ACCOUNT, "r", "one", big)
    with pytest.raises(LimitExceeded):
        iam.put_role_policy(ACCOUNT, "r", "two", big)


def test_attach_aws_managed_policy_by_arn_lists_it(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    iam.attach_role_policy(ACCOUNT, "r", GLUE_ROLE_POLICY)
    iam.attach_role_policy(ACCOUNT, "r", GLUE_ROLE_POLICY)  # twice is once
    attached = iam.list_attached_role_policies(ACCOUNT, "r").items
    assert [(a.policy_name, a.policy_arn) for a in attached] == [
        ("AWSGlueServiceRole", GLUE_ROLE_POLICY)
    ]
    assert iam.list_attached_role_policies(ACCOUNT, "r", path_prefix="/other/").items == []


def test_attach_unknown_or_malformed_policy_arn_raises(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    with pytest.raises(NoSuchEntity, match="does not exist or is not attachable"):
        iam.attach_role_policy(ACCOUNT, "r", "arn:aws:iam::aws:policy/NoSuchPolicy")
    with pytest.raises(InvalidInput):
        iam.attach_role_policy(ACCOUNT, "r", "not-an-arn")
    with pytest.raises(NoSuchEntity):
        iam.detach_role_policy(ACCOUNT, "r", GLUE_ROLE_POLICY)


def test_attach_eleventh_managed_policy_raises_limit_exceeded(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    for i in range(10):
        policy = iam.policies.create_policy(ACCOUNT, f"p{i}", S3_ALL)
        iam.attach_role_policy(ACCOUNT, "r", policy.arn)
    with pytest.raises(LimitExceeded):
        iam.attach_role_policy(ACCOUNT, "r", GLUE_ROLE_POLICY)


def test_find_role_serves_sts(iam: IamEngine) -> None:
    role = iam.create_role(ACCOUNT, "r", TRUST, max_session_duration=7200)
    info = iam.find_role(ACCOUNT, "R")
    assert info is not None
    assert (info.arn, info.role_id, info.max_session_duration) == (role.arn, role.role_id, 7200)
    assert iam.find_role(ACCOUNT, "missing") is None


def test_roles_survive_reopen_and_reset_forgets_them(tmp_path: Path) -> None:
    first = IamEngine(tmp_path, FixedClock(), Ids(), CredentialStore(None))
    first.create_role(ACCOUNT, "r", TRUST)
    first.close()
    again = IamEngine(tmp_path, FixedClock(), Ids(), CredentialStore(None))
    assert again.get_role(ACCOUNT, "r").assume_role_policy_document == TRUST
    again.reset()
    assert again.list_roles(ACCOUNT).items == []
    again.close()


def test_identity_policy_resources_must_be_arns_or_star(iam: IamEngine) -> None:
    iam.create_role(ACCOUNT, "r", TRUST)
    bad = json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "bucket"}})
    with pytest.raises(MalformedPolicyDocument, match="must be in ARN format"):
        iam.put_role_policy(ACCOUNT, "r", "p", bad)

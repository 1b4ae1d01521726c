"""StsEngine: caller identity, AssumeRole and GetSessionToken against a stub role lookup."""

from __future__ import annotations

import pytest

from lakestack.core.clock import FixedClock
from lakestack.core.credentials import CredentialStore
from lakestack.core.identity import RoleInfo
from lakestack.core.ids import Ids
from lakestack.services.sts.engine import StsEngine
from lakestack.services.sts.errors import (
    AccessDenied,
    MalformedPolicyDocument,
    PackedPolicyTooLarge,
    ValidationError,
)

ROLE_ACCOUNT = "444455556666"
ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/etl/GlueJobRole"
ROLE = RoleInfo(ROLE_ACCOUNT, "GlueJobRole", ROLE_ARN, "AROAEXAMPLEROLEID0001", 7200)


class Roles:
    def find_role(self, account: str, name: str) -> RoleInfo | None:
        found = (account, name.lower()) == (ROLE_ACCOUNT, "gluejobrole")
        return ROLE if found else None


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def credentials() -> CredentialStore:
    return CredentialStore(None)


@pytest.fixture
def sts(credentials: CredentialStore, clock: FixedClock) -> StsEngine:
    return StsEngine(credentials, Roles, clock, Ids(seed=5))


def test_caller_identity_of_a_plain_key_is_the_root(sts: StsEngine) -> None:
    identity = sts.get_caller_identity("000000000000", "test")
    assert (identity.arn, identity.user_id) == ("arn:aws:iam::000000000000:root", "000000000000")


def test_caller_identity_of_an_iam_user_key(sts: StsEngine, credentials: CredentialStore) -> None:
    credentials.add(
        "AKIAUSERKEY000000001",
        "s",
        "111122223333",
        principal_arn="arn:aws:iam::111122223333:user/alice",
        principal_id="AIDAALICE",
    )
    identity = sts.get_caller_identity("111122223333", "AKIAUSERKEY000000001")
    assert (identity.arn, identity.user_id) == ("arn:aws:iam::111122223333:user/alice", "AIDAALICE")


def test_assume_role_registers_temporary_credentials_as_the_role(
    sts: StsEngine, credentials: CredentialStore, clock: FixedClock
) -> None:
    session = sts.assume_role("000000000000", "test", ROLE_ARN, "nightly", duration_seconds=1800)
    issued = session.credentials
    assert issued.access_key_id.startswith("ASIA") and len(issued.access_key_id) == 20
    assert issued.expiration == clock.now() + 1800
    assert (
        session.assumed_role_arn == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/GlueJobRole/nightly"
    )
    assert session.assumed_role_id == "AROAEXAMPLEROLEID0001:nightly"
    stored = credentials.get(issued.access_key_id)
    assert stored is not None and stored.account_id == ROLE_ACCOUNT
    assert stored.session_token == issued.session_token and stored.temporary
    identity = sts.get_caller_identity(ROLE_ACCOUNT, issued.access_key_id)
    assert identity.arn == session.assumed_role_arn
    assert identity.user_id == session.assumed_role_id


def test_assume_role_default_duration_is_one_hour(sts: StsEngine, clock: FixedClock) -> None:
    issued = sts.assume_role("000000000000", "test", ROLE_ARN, "job").credentials
    assert issued.expiration == clock.now() + 3600


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:iam::{ROLE_ACCOUNT}:role/Missing",
        f"arn:aws:iam::{ROLE_ACCOUNT}:role/GlueJobRole",  # the role's path is /etl/
        "arn:aws:iam::000000000000:role/etl/GlueJobRole",
    ],
)
def test_assume_missing_role_raises_access_denied(sts: StsEngine, arn: str) -> None:
    with pytest.raises(AccessDenied, match="not authorized to perform: sts:AssumeRole") as err:
        sts.assume_role("000000000000", "test", arn, "job")
    assert err.value.status == 403


@pytest.mark.parametrize(
    ("arn", "name", "duration"),
    [
        ("not-an-arn", "job", None),
        (ROLE_ARN, "x", None),
        (ROLE_ARN, "has space", None),
        (ROLE_ARN, "s" * 65, None),
        (ROLE_ARN, "job", 899),
        (ROLE_ARN, "job", 7201),
    ],
)
def test_assume_role_bad_input_raises_validation_error(
    sts: StsEngine, arn: str, name: str, duration: int | None
) -> None:
    with pytest.raises(ValidationError):
        sts.assume_role("000000000000", "test", arn, name, duration_seconds=duration)


def test_role_chaining_is_limited_to_one_hour(sts: StsEngine) -> None:
    first = sts.assume_role("000000000000", "test", ROLE_ARN, "first").credentials
    with pytest.raises(ValidationError, match="role chaining"):
        sts.assume_role(
            ROLE_ACCOUNT, first.access_key_id, ROLE_ARN, "second", duration_seconds=3601
        )
    chained = sts.assume_role(ROLE_ACCOUNT, first.access_key_id, ROLE_ARN, "second")
    assert chained.assumed_role_arn.endswith("/GlueJobRole/second")


def test_session_policy_must_be_json_and_small(sts: StsEngine) -> None:
    session = sts.assume_role(
        "000000000000", "test", ROLE_ARN, "job", policy='{"Version":"2012-10-17","Statement":[]}'
    )
    assert session.packed_policy_size is not None and 0 < session.packed_policy_size < 100
    with pytest.raises(MalformedPolicyDocument):
        sts.assume_role("000000000000", "test", ROLE_ARN, "job", policy="{not json")
    big = '{"Statement":"' + "x" * 3000 + '"}'
    with pytest.raises(PackedPolicyTooLarge):
        sts.assume_role("000000000000", "test", ROLE_ARN, "job", policy=big)


def test_get_session_token_for_root_is_capped_at_one_hour(
    sts: StsEngine, clock: FixedClock
) -> None:
    issued = sts.get_session_token("000000000000", "test", 7200)
    assert issued.expiration == clock.now() + 3600


def test_get_session_token_for_a_user_keeps_the_user(
    sts: StsEngine, credentials: CredentialStore, clock: FixedClock
) -> None:
    arn = "arn:aws:iam::111122223333:user/alice"
    credentials.add("AKIAALICE00000000001", "s", "111122223333", principal_arn=arn)
    issued = sts.get_session_token("111122223333", "AKIAALICE00000000001")
    assert issued.expiration == clock.now() + 43200
    assert sts.get_caller_identity("111122223333", issued.access_key_id).arn == arn
    with pytest.raises(AccessDenied, match="session credentials"):
        sts.get_session_token("111122223333", issued.access_key_id)
    with pytest.raises(ValidationError):
        sts.get_session_token("111122223333", "AKIAALICE00000000001", 129601)


def test_expired_sessions_are_pruned_a_day_later(
    sts: StsEngine, credentials: CredentialStore, clock: FixedClock
) -> None:
    old = sts.assume_role("000000000000", "test", ROLE_ARN, "old", duration_seconds=900)
    clock.advance(900 + 86400)
    sts.assume_role("000000000000", "test", ROLE_ARN, "new")
    assert credentials.get(old.credentials.access_key_id) is None

"""STS AssumeRole and GetSessionToken through boto3: temporary credentials sign real
requests as the role's account until they expire (by the emulator's clock)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lakestack.emulator import Emulator

ROLE_ACCOUNT = "111111111111"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
)


def _role(emu: Emulator, name: str = "LakeWriter", **extra: Any) -> str:
    iam = emu.client("iam", aws_access_key_id=ROLE_ACCOUNT)
    return str(
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **extra)["Role"]["Arn"]
    )


def _as(creds: dict[str, Any]) -> dict[str, Any]:
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


@pytest.fixture
def clock_restored(lakestack: Emulator) -> Iterator[Emulator]:
    """The shared emulator; whatever a test advances its clock by is taken back."""
    before = lakestack.clock.now()
    yield lakestack
    lakestack.clock.advance(before - lakestack.clock.now())


def test_assume_role_credentials_act_as_the_role_in_its_account(lakestack: Emulator) -> None:
    arn = _role(lakestack)
    answer = lakestack.client("sts").assume_role(RoleArn=arn, RoleSessionName="nightly-load")
    creds = answer["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["SessionToken"]) > 100
    assumed = answer["AssumedRoleUser"]
    assert assumed["Arn"] == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/LakeWriter/nightly-load"
    identity = lakestack.client("sts", **_as(creds)).get_caller_identity()
    assert identity["Account"] == ROLE_ACCOUNT
    assert identity["Arn"] == assumed["Arn"]
    assert identity["UserId"] == assumed["AssumedRoleId"]
    assert identity["UserId"].startswith("AROA") and identity["UserId"].endswith(":nightly-load")

    s3 = lakestack.client("s3", **_as(creds))
    s3.create_bucket(Bucket="role-bucket")
    s3.put_object(Bucket="role-bucket", Key="k", Body=b"written by the role")
    owner = lakestack.client("s3", aws_access_key_id=ROLE_ACCOUNT)
    assert owner.get_object(Bucket="role-bucket", Key="k")["Body"].read() == b"written by the role"
    assert "role-bucket" not in [
        b["Name"] for b in lakestack.client("s3").list_buckets()["Buckets"]
    ]


def test_assume_role_credentials_work_in_strict_mode() -> None:
    with Emulator(temporary=True, port=0, auth="strict") as emu:
        iam = emu.client("iam")
        arn = iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        creds = emu.client("sts").assume_role(RoleArn=arn, RoleSessionName="strict")["Credentials"]
        emu.client("s3", **_as(creds)).create_bucket(Bucket="strict-bucket")
        assert emu.client("sts", **_as(creds)).get_caller_identity()["Arn"].endswith("/r/strict")


def test_assume_missing_role_is_access_denied(lakestack: Emulator) -> None:
    with pytest.raises(ClientError) as exc:
        lakestack.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{ROLE_ACCOUNT}:role/Nope", RoleSessionName="s1"
        )
    assert _code(exc) == "AccessDenied"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize(("session", "duration"), [("bad name!", 3600), ("ok-name", 7200)])
def test_assume_role_bad_session_or_duration_is_validation_error(
    lakestack: Emulator, session: str, duration: int
) -> None:
    arn = _role(lakestack)
    with pytest.raises(ClientError) as exc:
        lakestack.client("sts").assume_role(
            RoleArn=arn, RoleSessionName=session, DurationSeconds=duration
        )
    assert _code(exc) == "ValidationError"


def test_longer_sessions_follow_the_role_max_session_duration(lakestack: Emulator) -> None:
    arn = _role(lakestack, MaxSessionDuration=7200)
    creds = lakestack.client("sts").assume_role(
        RoleArn=arn, RoleSessionName="long", DurationSeconds=7200
    )["Credentials"]
    remaining = creds["Expiration"].timestamp() - lakestack.clock.now()
    assert 7190 < remaining <= 7200


def test_expired_session_is_refused(clock_restored: Emulator) -> None:
    emu = clock_restored
    arn = _role(emu)
    creds = emu.client("sts").assume_role(
        RoleArn=arn, RoleSessionName="short", DurationSeconds=900
    )["Credentials"]
    emu.client("s3", **_as(creds)).list_buckets()
    emu.clock.advance(901)
    with pytest.raises(ClientError) as exc:
        emu.client("s3", **_as(creds)).list_buckets()
    assert _code(exc) == "ExpiredToken"
    with pytest.raises(ClientError) as exc:
        emu.client("sts", **_as(creds)).get_caller_identity()
    assert _code(exc) == "ExpiredToken"
    with pytest.raises(ClientError) as exc:
        emu.client("logs", **_as(creds)).describe_log_groups()
    assert _code(exc) == "ExpiredTokenException"


def test_temporary_key_without_or_with_a_wrong_token_is_refused(lakestack: Emulator) -> None:
    creds = lakestack.client("sts").get_session_token()["Credentials"]
    no_token = {k: v for k, v in _as(creds).items() if k != "aws_session_token"}
    with pytest.raises(ClientError) as exc:
        lakestack.client("sts", **no_token).get_caller_identity()
    assert _code(exc) == "InvalidClientTokenId"
    wrong = {**_as(creds), "aws_session_token": "not-the-token"}
    with pytest.raises(ClientError) as exc:
        lakestack.client("s3", **wrong).list_buckets()
    assert _code(exc) == "InvalidToken"


@pytest.mark.parametrize("signature_version", ["s3", "s3v4"])
def test_presigned_url_with_session_token_is_accepted(
    lakestack: Emulator, signature_version: str
) -> None:
    import urllib.request

    from botocore.config import Config

    arn = _role(lakestack)
    creds = lakestack.client("sts").assume_role(RoleArn=arn, RoleSessionName="presign")[
        "Credentials"
    ]
    config = Config(signature_version=signature_version, s3={"addressing_style": "path"})
    s3 = lakestack.client("s3", config=config, **_as(creds))
    s3.create_bucket(Bucket="presigned")
    s3.put_object(Bucket="presigned", Key="k", Body=b"hello")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "presigned", "Key": "k"})
    assert "x-amz-security-token=" in url.lower()
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"hello"


def test_get_session_token_keeps_the_callers_identity(lakestack: Emulator) -> None:
    creds = lakestack.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    identity = lakestack.client("sts", **_as(creds)).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    with pytest.raises(ClientError) as exc:
        lakestack.client("sts", **_as(creds)).get_session_token()
    assert _code(exc) == "AccessDenied"


def test_session_tags_are_accepted_and_mfa_is_not_implemented(lakestack: Emulator) -> None:
    arn = _role(lakestack)
    sts = lakestack.client("sts")
    sts.assume_role(
        RoleArn=arn,
        RoleSessionName="tagged",
        Tags=[{"Key": "project", "Value": "lake"}],
        ExternalId="shared-secret",
    )
    with pytest.raises(ClientError) as exc:
        sts.assume_role(
            RoleArn=arn,
            RoleSessionName="mfa",
            SerialNumber="arn:aws:iam::000000000000:mfa/ann",
            TokenCode="123456",
        )
    assert _code(exc) == "NotImplemented"
    assert "SerialNumber" in exc.value.response["Error"]["Message"]


def test_a_role_arn_profile_assumes_the_role(
    lakestack: Emulator, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """boto3's assume-role credential provider (``role_arn`` + ``source_profile``)."""
    import boto3

    arn = _role(lakestack, name="ProfileRole")
    config = tmp_path / "config"
    config.write_text(
        "[profile lake]\nregion = us-east-1\n"
        f"role_arn = {arn}\nsource_profile = base\n"
        "[profile base]\nregion = us-east-1\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text("[base]\naws_access_key_id = test\naws_secret_access_key = test\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    session = boto3.Session(profile_name="lake")
    identity = session.client("sts").get_caller_identity()
    assert identity["Arn"].startswith(
        f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/ProfileRole/botocore-session-"
    )
    session.client("s3").create_bucket(Bucket="from-profile")
    owner = lakestack.client("s3", aws_access_key_id=ROLE_ACCOUNT)
    assert "from-profile" in [b["Name"] for b in owner.list_buckets()["Buckets"]]

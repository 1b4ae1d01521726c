"""StsEngine: who is calling, and temporary credentials. Knows accounts, ARNs and IAM
roles (through the injected :class:`RoleLookup`), never HTTP.

A long-term key acts as its account's root unless IAM issued it for a user. Temporary
credentials (AssumeRole, GetSessionToken) are registered in the credential store
with their session token, expiry and principal; the gateway's verifier then accepts
requests signed with them until they expire, acting as the principal's account.
Trust policies are stored by IAM but not evaluated: any caller may assume an
existing role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from lakestack.core.arns import arn
from lakestack.core.clock import Clock
from lakestack.core.credentials import Credential, CredentialStore
from lakestack.core.identity import RoleLookup, secret_key, session_token, unique_id
from lakestack.core.ids import Ids
from lakestack.services.sts.errors import (
    AccessDenied,
    MalformedPolicyDocument,
    PackedPolicyTooLarge,
    ValidationError,
)

MIN_DURATION = 900
DEFAULT_DURATION = 3600
CHAINED_MAX_DURATION = 3600
SESSION_TOKEN_MAX_DURATION = 129_600
SESSION_TOKEN_DEFAULT_DURATION = 43_200
SESSION_POLICY_MAX_CHARS = 2048
_ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::(\d{12}):role/(?:[\x21-\x7e]*/)?([\w+=,.@-]{1,64})")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_SOURCE_IDENTITY = re.compile(r"[\w+=,.@-]{2,64}")


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    account: str
    arn: str
    user_id: str


@dataclass(frozen=True, slots=True)
class AccessKeyInfo:
    account: str


@dataclass(frozen=True, slots=True)
class TemporaryCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: float


@dataclass(frozen=True, slots=True)
class RoleSession:
    """What AssumeRole returns."""

    credentials: TemporaryCredentials
    assumed_role_id: str
    assumed_role_arn: str
    packed_policy_size: int | None
    source_identity: str | None


class StsEngine:
    """Answers identity questions and issues temporary credentials.

    ``roles`` returns IAM's role lookup; it is called on the first AssumeRole, so
    asking who is calling does not build IAM.
    """

    def __init__(
        self,
        credentials: CredentialStore,
        roles: Callable[[], RoleLookup] | None = None,
        clock: Clock | None = None,
        ids: Ids | None = None,
    ) -> None:
        self._credentials = credentials
        self._roles = roles
        self._clock = clock or Clock()
        self._ids = ids or Ids()

    def get_caller_identity(self, account: str, access_key_id: str | None = None) -> CallerIdentity:
        """The identity behind ``access_key_id``: an IAM user, an assumed role or the root.

        >>> StsEngine(CredentialStore(None)).get_caller_identity("123456789012").arn
        'arn:aws:iam::123456789012:root'
        """
        credential = self._credentials.get(access_key_id) if access_key_id else None
        if credential is not None and credential.principal_arn:
            return CallerIdentity(
                account, credential.principal_arn, credential.principal_id or account
            )
        return CallerIdentity(account, arn("iam", "", account, "root"), account)

    def get_access_key_info(self, access_key_id: str) -> AccessKeyInfo:
        """The account an access key belongs to (an added key's, or the 12-digit rule)."""
        return AccessKeyInfo(self._credentials.account_for(access_key_id))

    def assume_role(
        self,
        account: str,
        access_key_id: str | None,
        role_arn: str,
        role_session_name: str,
        duration_seconds: int | None = None,
        policy: str | None = None,
        source_identity: str | None = None,
    ) -> RoleSession:
        """Temporary credentials acting as the role, in the role's account.

        Args:
            account, access_key_id: the caller.
            policy: a session policy; checked as JSON, not enforced.

        Raises:
            ValidationError: bad ARN, session name or duration.
            AccessDenied: the role does not exist.
            MalformedPolicyDocument, PackedPolicyTooLarge: a bad session policy.
        """
        caller = self.get_caller_identity(account, access_key_id)
        match = _ROLE_ARN.fullmatch(role_arn)
        if match is None:
            raise ValidationError(f"{role_arn} is invalid")
        if not _SESSION_NAME.fullmatch(role_session_name):
            raise _invalid(
                role_session_name,
                "roleSessionName",
                r"satisfy regular expression pattern: [\w+=,.@-]*",
            )
        if source_identity is not None and not _SOURCE_IDENTITY.fullmatch(source_identity):
            raise _invalid(
                source_identity,
                "sourceIdentity",
                r"satisfy regular expression pattern: [\w+=,.@-]*",
            )
        role_account, role_name = match.groups()
        role = self._roles().find_role(role_account, role_name) if self._roles else None
        if role is None or role.arn != role_arn:
            raise AccessDenied(
                f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on "
                f"resource: {role_arn}"
            )
        duration = self._role_duration(caller, duration_seconds, role.max_session_duration)
        packed = _packed_policy_size(policy) if policy is not None else None
        session_arn = arn("sts", "", role.account, f"assumed-role/{role.name}/{role_session_name}")
        session_id = f"{role.role_id}:{role_session_name}"
        issued = self._issue(role.account, duration, session_arn, session_id)
        return RoleSession(issued, session_id, session_arn, packed, source_identity)

    def get_session_token(
        self, account: str, access_key_id: str | None, duration_seconds: int | None = None
    ) -> TemporaryCredentials:
        """Temporary credentials acting as the caller (an IAM user or the root).

        Raises:
            ValidationError: duration outside 900..129600 seconds.
            AccessDenied: the caller already uses temporary credentials.
        """
        credential = self._credentials.get(access_key_id) if access_key_id else None
        if credential is not None and credential.temporary:
            raise AccessDenied("Cannot call GetSessionToken with session credentials")
        duration = SESSION_TOKEN_DEFAULT_DURATION if duration_seconds is None else duration_seconds
        _check_duration(duration, SESSION_TOKEN_MAX_DURATION)
        is_user = credential is not None and credential.principal_arn is not None
        if not is_user:  # the account's root: at most one hour, silently
            duration = min(duration, DEFAULT_DURATION)
        principal = _principal(credential) if is_user else (None, None)
        return self._issue(account, duration, *principal)

    def _role_duration(self, caller: CallerIdentity, requested: int | None, role_max: int) -> int:
        duration = DEFAULT_DURATION if requested is None else requested
        _check_duration(duration, None)
        if ":assumed-role/" in caller.arn and duration > CHAINED_MAX_DURATION:
            raise ValidationError(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                "assumed by role chaining."
            )
        if duration > role_max:
            raise ValidationError(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            )
        return duration

    def _issue(
        self, account: str, duration: int, principal_arn: str | None, principal_id: str | None
    ) -> TemporaryCredentials:
        now = self._clock.now()
        self._credentials.prune_expired(now)
        issued = TemporaryCredentials(
            unique_id(self._ids, "ASIA", 20),
            secret_key(self._ids),
            session_token(self._ids),
            float(int(now) + duration),
        )
        self._credentials.add(
            issued.access_key_id,
            issued.secret_access_key,
            account,
            session_token=issued.session_token,
            expiration=issued.expiration,
            principal_arn=principal_arn,
            principal_id=principal_id,
        )
        return issued


def _principal(credential: Credential | None) -> tuple[str | None, str | None]:
    if credential is None:
        return None, None
    return credential.principal_arn, credential.principal_id


def _invalid(value: object, member: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: Member must {constraint}"
    )


def _check_duration(duration: int, maximum: int | None) -> None:
    if duration < MIN_DURATION:
        raise _invalid(
            duration, "durationSeconds", f"have value greater than or equal to {MIN_DURATION}"
        )
    if maximum is not None and duration > maximum:
        raise _invalid(duration, "durationSeconds", f"have value less than or equal to {maximum}")


def _packed_policy_size(policy: str) -> int:
    """The session policy's share of STS's packed limit, in percent.

    >>> _packed_policy_size('{"Version": "2012-10-17", "Statement": []}')
    1
    """
    try:
        doc = json.loads(policy)
    except ValueError:
        raise MalformedPolicyDocument("The policy is not in the valid JSON format.") from None
    if not isinstance(doc, dict):
        raise MalformedPolicyDocument("The policy is not in the valid JSON format.")
    size = len(json.dumps(doc, separators=(",", ":")))
    if size > SESSION_POLICY_MAX_CHARS:
        raise PackedPolicyTooLarge(
            f"Packed policy consumes {size * 100 // SESSION_POLICY_MAX_CHARS}% of allotted space, "
            "please use smaller policy for this operation."
        )
    return max(1, size * 100 // SESSION_POLICY_MAX_CHARS)

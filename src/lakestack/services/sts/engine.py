"""StsEngine: the caller's identity. Knows accounts and ARNs, never HTTP.

lakestack has no IAM users: every access key acts as its account's root, which is
what AWS reports for root credentials.
"""

from __future__ import annotations

from dataclasses import dataclass

from lakestack.core.arns import arn
from lakestack.core.credentials import CredentialStore


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    account: str
    arn: str
    user_id: str


@dataclass(frozen=True, slots=True)
class AccessKeyInfo:
    account: str


class StsEngine:
    """Answers identity questions from the account lakestack derives from access keys."""

    def __init__(self, credentials: CredentialStore) -> None:
        self._credentials = credentials

    def get_caller_identity(self, account: str) -> CallerIdentity:
        """The root identity of ``account``.

        >>> StsEngine(CredentialStore(None)).get_caller_identity("123456789012").arn
        'arn:aws:iam::123456789012:root'
        """
        return CallerIdentity(account, arn("iam", "", account, "root"), account)

    def get_access_key_info(self, access_key_id: str) -> AccessKeyInfo:
        """The account an access key belongs to (an added key's, or the 12-digit rule)."""
        return AccessKeyInfo(self._credentials.account_for(access_key_id))

"""Who a Glue job's script acts as: its job's IAM role, in an assumed-role session named
``GlueJobRunnerSession`` as on Glue, so its boto3 calls (and the lake routes awsglue
signs) act in the role's account and match bucket policies that name the role.

Knows role ARNs and the credential store's service keys; no HTTP, no IAM storage (a role
that IAM does not hold still runs, as lakestack does not enforce IAM).
"""

from __future__ import annotations

import base64
import hashlib
import re

from lakestack.core.credentials import CredentialStore

SESSION_NAME = "GlueJobRunnerSession"
_ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]+)")


def role_session(account: str, role: str) -> tuple[str, str, str]:
    """``(account, session ARN, principal id)`` for a job's ``Role`` (a name or an ARN).

    >>> role_session("111122223333", "GlueRole")[:2]
    ('111122223333', 'arn:aws:sts::111122223333:assumed-role/GlueRole/GlueJobRunnerSession')
    >>> role_session("111122223333", "arn:aws:iam::444455556666:role/service-role/R")[:2]
    ('444455556666', 'arn:aws:sts::444455556666:assumed-role/R/GlueJobRunnerSession')
    >>> role_session("111122223333", "GlueRole")[2].startswith("AROA")
    True
    """
    match = _ROLE_ARN.fullmatch(role)
    role_account, name = match.groups() if match else (account, role.rsplit("/", 1)[-1])
    role_arn = f"arn:aws:iam::{role_account}:role/{name}"
    digest = hashlib.sha256(role_arn.encode()).digest()
    role_id = "AROA" + base64.b32encode(digest).decode()[:17]
    session = f"arn:aws:sts::{role_account}:assumed-role/{name}/{SESSION_NAME}"
    return role_account, session, f"{role_id}:{SESSION_NAME}"


def role_credentials(store: CredentialStore, account: str, role: str) -> tuple[str, str]:
    """The ``(access key id, secret)`` a run of a job with ``role`` in ``account`` signs with."""
    role_account, session, principal_id = role_session(account, role)
    credential = store.service_credential(role_account, session, principal_id)
    return credential.access_key_id, credential.secret_access_key

"""Policy document grammar checks, as IAM applies them when a document is stored.

Identity policies (inline and managed) need ``Action`` and ``Resource`` and may not
name a ``Principal``; trust policies (a role's assume-role policy) need a
``Principal`` and may not name a ``Resource``. Knows no storage and no wire format.
Reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from __future__ import annotations

import json
from typing import Any, Literal

from lakestack.core.policy_grammar import POLICY_VERSIONS, STATEMENT_MEMBERS
from lakestack.services.iam.errors import LimitExceeded, MalformedPolicyDocument

PolicyKind = Literal["identity", "trust"]

_TOP_KEYS = frozenset({"Version", "Id", "Statement"})
# Size quotas in characters, whitespace not counted (IAM "IAM and AWS STS quotas").
MANAGED_POLICY_SIZE = 6144
TRUST_POLICY_SIZE = 2048
INLINE_ROLE_POLICY_SIZE = 10240
INLINE_USER_POLICY_SIZE = 2048


def policy_size(document: str) -> int:
    """Characters that count against IAM's size quotas (whitespace does not).

    >>> policy_size('{ "a": 1 }')
    7
    """
    return sum(1 for ch in document if not ch.isspace())


def check_policy(document: str, kind: PolicyKind = "identity") -> dict[str, Any]:
    """Parse and check a policy document; return it as a dict.

    >>> check_policy('{"Version": "2012-10-17", "Statement": '
    ...              '{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}')["Version"]
    '2012-10-17'

    Raises:
        MalformedPolicyDocument: not JSON, or not the policy grammar.
        LimitExceeded: a trust policy over its size quota.
    """
    try:
        doc = json.loads(document)
    except ValueError:
        raise MalformedPolicyDocument("This policy contains invalid Json") from None
    if not isinstance(doc, dict) or not set(doc) <= _TOP_KEYS:
        raise MalformedPolicyDocument()
    version = doc.get("Version")
    if version is not None and version not in POLICY_VERSIONS:
        raise MalformedPolicyDocument("The policy must contain a valid version string")
    statements = doc.get("Statement")
    if statements is None:
        raise MalformedPolicyDocument("Missing required field Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocument()
    for statement in statements:
        _check_statement(statement, kind)
    if kind == "trust" and policy_size(document) > TRUST_POLICY_SIZE:
        raise LimitExceeded(f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE}")
    return doc


def _check_statement(statement: Any, kind: PolicyKind) -> None:
    if not isinstance(statement, dict) or not set(statement) <= STATEMENT_MEMBERS:
        raise MalformedPolicyDocument()
    effect = statement.get("Effect")
    if effect is None:
        raise MalformedPolicyDocument("Missing required field Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicyDocument(f"Invalid effect: {effect}")
    if "Action" not in statement and "NotAction" not in statement:
        raise MalformedPolicyDocument("Policy statement must contain actions.")
    for action in _strings(statement.get("Action", statement.get("NotAction"))):
        if action != "*" and ":" not in action:
            raise MalformedPolicyDocument(
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
            )
    has_principal = "Principal" in statement or "NotPrincipal" in statement
    has_resource = "Resource" in statement or "NotResource" in statement
    if kind == "trust":
        if not has_principal:
            raise MalformedPolicyDocument("Missing required field Principal")
        if has_resource:
            raise MalformedPolicyDocument("Has prohibited field Resource")
    else:
        if has_principal:
            raise MalformedPolicyDocument("Policy document should not specify a principal.")
        if not has_resource:
            raise MalformedPolicyDocument("Policy statement must contain resources.")
    for resource in _strings_or_none(statement.get("Resource", statement.get("NotResource"))):
        if resource != "*" and not resource.startswith("arn:"):
            raise MalformedPolicyDocument(f'Resource {resource} must be in ARN format or "*".')
    principal = statement.get("Principal", statement.get("NotPrincipal"))
    if principal is not None and not _valid_principal(principal):
        raise MalformedPolicyDocument("Invalid principal in policy")
    condition = statement.get("Condition")
    if condition is not None and not isinstance(condition, dict):
        raise MalformedPolicyDocument()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise MalformedPolicyDocument()


def _strings_or_none(value: Any) -> list[str]:
    return [] if value is None else _strings(value)


_PRINCIPAL_KINDS = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})


def _valid_principal(principal: Any) -> bool:
    """``"*"`` or a map of principal kinds to a name or a list of names.

    >>> _valid_principal({"Service": "glue.amazonaws.com"}), _valid_principal({"Role": "x"})
    (True, False)
    """
    if principal == "*":
        return True
    if not isinstance(principal, dict) or not principal or not set(principal) <= _PRINCIPAL_KINDS:
        return False
    for value in principal.values():
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            return False
    return True

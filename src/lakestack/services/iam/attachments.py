"""The policies of a role or a user: inline policies and attached managed policies.

Both kinds of principal keep them the same way, under an *entity key*: a role's name,
or ``user:<name>`` for a user (IAM names cannot contain ``:``, so the two never meet).
Knows IAM's rules for these policies (grammar, size and count quotas), never HTTP.
"""

from __future__ import annotations

from lakestack.services.iam import validation as v
from lakestack.services.iam.errors import LimitExceeded, NoSuchEntity
from lakestack.services.iam.models import AttachedPolicy
from lakestack.services.iam.policies import PolicyOps
from lakestack.services.iam.policy import check_policy, policy_size
from lakestack.services.iam.store import IamStore

MAX_ATTACHED = 10
USER_PREFIX = "user:"


def user_key(name: str) -> str:
    """The entity key of a user.

    >>> user_key("Alice")
    'user:Alice'
    """
    return USER_PREFIX + name


class EntityPolicies:
    """Inline and attached policies of roles and users, by entity key."""

    def __init__(self, store: IamStore, policies: PolicyOps) -> None:
        self._store = store
        self._policies = policies

    def put_inline(
        self, account: str, key: str, label: str, name: str, document: str, quota: int
    ) -> None:
        """Add or replace an inline policy; ``label`` (``role x``) names the owner in errors.

        Raises:
            ValidationError: bad policy name.
            MalformedPolicyDocument: not a policy.
            LimitExceeded: the owner's inline policies would exceed ``quota`` characters.
        """
        v.check_name(name, "policyName", 128)
        check_policy(document, "identity")
        with self._store.lock:
            others = [
                self._store.role_policy(account, key, n) or ""
                for n in self._store.role_policy_names(account, key)
                if n != name
            ]
            if sum(map(policy_size, [*others, document])) > quota:
                raise LimitExceeded(f"Maximum policy size of {quota} bytes exceeded for {label}")
            self._store.put_role_policy(account, key, name, document)

    def get_inline(self, account: str, key: str, kind: str, name: str) -> str:
        document = self._store.role_policy(account, key, name)
        if document is None:
            raise NoSuchEntity(f"The {kind} policy with name {name} cannot be found.")
        return document

    def delete_inline(self, account: str, key: str, kind: str, name: str) -> None:
        with self._store.lock:
            self.get_inline(account, key, kind, name)
            self._store.delete_role_policy(account, key, name)

    def inline_names(self, account: str, key: str) -> list[str]:
        return self._store.role_policy_names(account, key)

    def attach(self, account: str, key: str, policy_arn: str, quota: str) -> None:
        """Attach a managed policy (twice is once).

        Raises:
            NoSuchEntity, InvalidInput: no such attachable policy, not a policy ARN.
            LimitExceeded: ten managed policies are attached already.
        """
        with self._store.lock:
            self._policies.attachable(account, policy_arn)
            attached = self._store.attached_arns(account, key)
            if policy_arn in attached:
                return
            if len(attached) >= MAX_ATTACHED:
                raise LimitExceeded(f"Cannot exceed quota for {quota}: {MAX_ATTACHED}")
            self._store.attach(account, key, policy_arn)

    def detach(self, account: str, key: str, policy_arn: str) -> None:
        with self._store.lock:
            if policy_arn not in self._store.attached_arns(account, key):
                raise NoSuchEntity(f"Policy {policy_arn} was not found.")
            self._store.detach(account, key, policy_arn)

    def attached(self, account: str, key: str, path_prefix: str = "/") -> list[AttachedPolicy]:
        out = []
        for policy_arn in self._store.attached_arns(account, key):
            policy = self._policies.find(account, policy_arn)
            if policy is not None and policy.path.startswith(path_prefix):
                out.append(AttachedPolicy(policy.name, policy.arn))
        return out

    def has_any(self, account: str, key: str) -> tuple[bool, bool]:
        """Whether the owner has (inline, attached) policies."""
        return (
            bool(self._store.role_policy_names(account, key)),
            bool(self._store.attached_arns(account, key)),
        )

    def entities(self, account: str, policy_arn: str) -> list[str]:
        """Entity keys the policy is attached to."""
        return self._store.roles_attached_to(account, policy_arn)

"""Managed policies and their versions: customer managed ones stored per account, AWS
managed ones from the built-in list. Knows IAM's rules for policies, never HTTP.
"""

from __future__ import annotations

from lakestack.core.arns import arn
from lakestack.core.clock import Clock
from lakestack.core.identity import unique_id
from lakestack.core.ids import Ids
from lakestack.services.iam import validation as v
from lakestack.services.iam.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from lakestack.services.iam.managed import AWS_MANAGED
from lakestack.services.iam.models import ManagedPolicy, Page, PolicyVersion
from lakestack.services.iam.policy import MANAGED_POLICY_SIZE, check_policy, policy_size
from lakestack.services.iam.store import IamStore

MAX_VERSIONS = 5
SCOPES = ("All", "AWS", "Local")


class PolicyOps:
    """Create, read, version and delete managed policies of an account."""

    def __init__(self, store: IamStore, clock: Clock, ids: Ids) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids

    def find(self, account: str, policy_arn: str) -> ManagedPolicy | None:
        """The policy at ``policy_arn`` as ``account`` sees it (AWS managed ones too)."""
        if policy_arn in AWS_MANAGED:
            return AWS_MANAGED[policy_arn]
        return self._store.get_policy(account, policy_arn)

    def attachable(self, account: str, policy_arn: str) -> ManagedPolicy:
        """The policy ``policy_arn`` if ``account`` may attach it.

        Raises:
            InvalidInput: not a policy ARN.
            NoSuchEntity: no such policy.
        """
        if not policy_arn.startswith("arn:") or ":policy/" not in policy_arn:
            raise InvalidInput(f"ARN {policy_arn} is not valid.")
        policy = self.find(account, policy_arn)
        if policy is None:
            raise NoSuchEntity(f"Policy {policy_arn} does not exist or is not attachable.")
        return policy

    def create_policy(
        self,
        account: str,
        name: str,
        document: str,
        path: str = "/",
        description: str = "",
        tags: dict[str, str] | None = None,
    ) -> ManagedPolicy:
        """Create a customer managed policy with version ``v1`` as its default.

        Raises:
            ValidationError: bad name or path.
            MalformedPolicyDocument: not a policy.
            LimitExceeded: the document exceeds 6,144 characters.
            EntityAlreadyExists: a policy of that name exists in the account.
        """
        v.check_name(name, "policyName", 128)
        v.check_path(path)
        v.check_tags(tags or {})
        self._check_document(document)
        now = self._clock.now()
        with self._store.lock:
            if self._store.policy_name_taken(account, name):
                raise EntityAlreadyExists(
                    f"A policy called {name} already exists. Duplicate names are not allowed."
                )
            policy = ManagedPolicy(
                name=name,
                policy_id=unique_id(self._ids, "ANPA"),
                arn=arn("iam", "", account, f"policy{path}{name}"),
                path=path,
                create_date=now,
                update_date=now,
                default_version_id="v1",
                versions=[PolicyVersion("v1", document, now)],
                description=description,
                tags=dict(tags or {}),
            )
            self._store.put_policy(account, policy)
        return policy

    def get_policy(self, account: str, policy_arn: str) -> ManagedPolicy:
        """Raises NoSuchEntity when there is no such policy."""
        policy = self.find(account, policy_arn)
        if policy is None:
            raise NoSuchEntity(f"Policy {policy_arn} was not found.")
        return policy

    def attachment_count(self, account: str, policy_arn: str) -> int:
        return self._store.attachment_count(account, policy_arn)

    def delete_policy(self, account: str, policy_arn: str) -> None:
        """Delete a customer managed policy with no attachments and only its default version.

        Raises:
            NoSuchEntity: no such policy.
            InvalidInput: an AWS managed policy.
            DeleteConflict: still attached, or other versions remain.
        """
        with self._store.lock:
            policy = self._own(account, policy_arn)
            if self._store.attachment_count(account, policy_arn):
                raise DeleteConflict("Cannot delete a policy attached to entities.")
            if len(policy.versions) > 1:
                raise DeleteConflict(
                    "This policy has more than one version. Before you delete a policy, you "
                    "must delete the policy's versions. The default version is deleted with "
                    "the policy."
                )
            self._store.delete_policy(account, policy_arn)

    def list_policies(
        self,
        account: str,
        scope: str = "All",
        only_attached: bool = False,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Page[ManagedPolicy]:
        if scope not in SCOPES:
            raise ValidationError(
                f"1 validation error detected: Value '{scope}' at 'scope' failed to satisfy "
                "constraint: Member must satisfy enum value set: [All, AWS, Local]"
            )
        policies: list[ManagedPolicy] = []
        if scope in ("All", "AWS"):
            policies.extend(AWS_MANAGED.values())
        if scope in ("All", "Local"):
            policies.extend(self._store.list_policies(account))
        policies = [p for p in policies if p.path.startswith(path_prefix)]
        if only_attached:
            attached = self._store.attached_policy_arns(account)
            policies = [p for p in policies if p.arn in attached]
        return v.paginate(policies, lambda p: p.arn, marker, max_items)

    # -- versions ----------------------------------------------------------------------
    def create_policy_version(
        self, account: str, policy_arn: str, document: str, set_as_default: bool = False
    ) -> PolicyVersion:
        """Add a version (``v<n>``, numbers never reused).

        Raises:
            NoSuchEntity: no such policy.
            MalformedPolicyDocument: not a policy.
            LimitExceeded: the policy already has five versions.
        """
        self._check_document(document)
        with self._store.lock:
            policy = self._own(account, policy_arn)
            if len(policy.versions) >= MAX_VERSIONS:
                raise LimitExceeded(
                    f"A managed policy can have up to {MAX_VERSIONS} versions. Before you "
                    "create a new version, you must delete an existing version."
                )
            now = self._clock.now()
            version = PolicyVersion(f"v{policy.next_version}", document, now)
            policy.next_version += 1
            policy.versions.append(version)
            policy.update_date = now
            if set_as_default:
                policy.default_version_id = version.version_id
            self._store.put_policy(account, policy)
        return version

    def get_policy_version(
        self, account: str, policy_arn: str, version_id: str
    ) -> tuple[ManagedPolicy, PolicyVersion]:
        v.check_version_id(version_id)
        policy = self.get_policy(account, policy_arn)
        version = policy.version(version_id)
        if version is None:
            raise NoSuchEntity(
                f"Policy {policy_arn} version {version_id} does not exist or is not attachable."
            )
        return policy, version

    def list_policy_versions(
        self, account: str, policy_arn: str, marker: str | None = None, max_items: int | None = None
    ) -> tuple[ManagedPolicy, Page[PolicyVersion]]:
        policy = self.get_policy(account, policy_arn)
        # Newest first, as IAM lists them.
        newest = sorted(policy.versions, key=lambda pv: -int(pv.version_id[1:].split(".")[0]))
        key = {pv.version_id: f"{i:05d}" for i, pv in enumerate(newest)}
        return policy, v.paginate(newest, lambda pv: key[pv.version_id], marker, max_items)

    def delete_policy_version(self, account: str, policy_arn: str, version_id: str) -> None:
        with self._store.lock:
            policy, version = self.get_policy_version(account, policy_arn, version_id)
            self._own(account, policy_arn)
            if version.version_id == policy.default_version_id:
                raise DeleteConflict("Cannot delete the default version of a policy.")
            policy.versions = [pv for pv in policy.versions if pv.version_id != version_id]
            self._store.put_policy(account, policy)

    def set_default_policy_version(self, account: str, policy_arn: str, version_id: str) -> None:
        with self._store.lock:
            policy, version = self.get_policy_version(account, policy_arn, version_id)
            self._own(account, policy_arn)
            policy.default_version_id = version.version_id
            policy.update_date = self._clock.now()
            self._store.put_policy(account, policy)

    # -- helpers -----------------------------------------------------------------------
    def _own(self, account: str, policy_arn: str) -> ManagedPolicy:
        """A customer managed policy of ``account`` (AWS's own cannot be changed)."""
        if policy_arn in AWS_MANAGED:
            raise InvalidInput(f"Policy {policy_arn} is an AWS managed policy; it is read-only.")
        policy = self._store.get_policy(account, policy_arn)
        if policy is None:
            raise NoSuchEntity(f"Policy {policy_arn} was not found.")
        return policy

    @staticmethod
    def _check_document(document: str) -> None:
        check_policy(document, "identity")
        if policy_size(document) > MANAGED_POLICY_SIZE:
            raise LimitExceeded(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_SIZE}")

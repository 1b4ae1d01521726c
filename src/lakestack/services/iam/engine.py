"""IamEngine: roles, inline and managed policies, attachments. Knows IAM's rules, never HTTP.

IAM is global: everything is stored per account (``<data_dir>/iam/iam.sqlite``),
nothing per region. Policies are stored and checked for grammar, not enforced on
other services. Users and access keys live in :mod:`lakestack.services.iam.users`;
this engine composes that part and answers STS's :class:`RoleLookup`.
"""

from __future__ import annotations

from pathlib import Path

from lakestack.core.arns import arn
from lakestack.core.clock import Clock
from lakestack.core.credentials import CredentialStore
from lakestack.core.identity import RoleInfo, unique_id
from lakestack.core.ids import Ids
from lakestack.services.iam import validation as v
from lakestack.services.iam.attachments import USER_PREFIX, EntityPolicies, user_key
from lakestack.services.iam.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from lakestack.services.iam.models import AttachedPolicy, Page, Role, User
from lakestack.services.iam.policies import PolicyOps
from lakestack.services.iam.policy import (
    INLINE_ROLE_POLICY_SIZE,
    INLINE_USER_POLICY_SIZE,
    check_policy,
)
from lakestack.services.iam.store import IamStore
from lakestack.services.iam.users import UserOps
from lakestack.services.iam.validation import paginate


class IamEngine:
    """IAM for every account. ``users`` and ``policies`` hold the other resource kinds."""

    def __init__(self, data_dir: Path, clock: Clock, ids: Ids, credentials: CredentialStore):
        self._store = IamStore(data_dir / "iam" / "iam.sqlite")
        self._credentials = credentials
        self._clock = clock
        self._ids = ids
        self.policies = PolicyOps(self._store, clock, ids)
        self.users = UserOps(self._store, clock, ids, credentials)
        self._entities = EntityPolicies(self._store, self.policies)

    def close(self) -> None:
        self._store.close()

    def reset(self) -> None:
        self.users.forget_keys()
        self._store.reset()

    def caller_user_name(self, account: str, access_key_id: str | None) -> str | None:
        """The IAM user a request's key acts as (operations whose UserName defaults to
        the caller); None for the account's root.

        Raises:
            ValidationError: the key is a role session's.
        """
        credential = self._credentials.get(access_key_id) if access_key_id else None
        principal = credential.principal_arn if credential is not None else None
        if principal is None:
            return None
        if ":user/" not in principal:
            raise ValidationError("Must specify userName when calling with non-User credentials")
        return principal.rsplit("/", 1)[1]

    def required_user_name(self, account: str, access_key_id: str | None) -> str:
        """Like :meth:`caller_user_name`, for operations lakestack supports on users only.

        Raises:
            ValidationError: the caller is the root or a role session.
        """
        name = self.caller_user_name(account, access_key_id)
        if name is None:
            raise ValidationError("Must specify userName when calling with non-User credentials")
        return name

    # -- roles -------------------------------------------------------------------------
    def create_role(
        self,
        account: str,
        name: str,
        assume_role_policy_document: str,
        path: str = "/",
        description: str = "",
        max_session_duration: int = 3600,
        tags: dict[str, str] | None = None,
    ) -> Role:
        """Create a role.

        Raises:
            ValidationError: bad name, path or session duration.
            MalformedPolicyDocument: the trust policy is not a policy.
            EntityAlreadyExists: a role of that name (in any case) exists.
        """
        v.check_name(name, "roleName")
        v.check_path(path)
        v.check_max_session_duration(max_session_duration)
        v.check_tags(tags or {})
        check_policy(assume_role_policy_document, "trust")
        with self._store.lock:
            if self._store.get_role(account, name) is not None:
                raise EntityAlreadyExists(f"Role with name {name} already exists.")
            role = Role(
                name=name,
                role_id=unique_id(self._ids, "AROA"),
                arn=arn("iam", "", account, f"role{path}{name}"),
                path=path,
                assume_role_policy_document=assume_role_policy_document,
                create_date=self._clock.now(),
                description=description,
                max_session_duration=max_session_duration,
                tags=dict(tags or {}),
            )
            self._store.put_role(account, role)
        return role

    def get_role(self, account: str, name: str) -> Role:
        """The role ``name``.

        Raises:
            NoSuchEntity: no such role.
        """
        role = self._store.get_role(account, name)
        if role is None:
            raise NoSuchEntity(f"The role with name {name} cannot be found.")
        return role

    def find_role(self, account: str, name: str) -> RoleInfo | None:
        """STS's view of a role (:class:`lakestack.core.identity.RoleLookup`)."""
        role = self._store.get_role(account, name)
        if role is None:
            return None
        return RoleInfo(account, role.name, role.arn, role.role_id, role.max_session_duration)

    def list_roles(
        self,
        account: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Page[Role]:
        roles = [r for r in self._store.list_roles(account) if r.path.startswith(path_prefix)]
        return paginate(roles, lambda r: r.name.lower(), marker, max_items)

    def delete_role(self, account: str, name: str) -> None:
        """Delete a role that has no policies left.

        Raises:
            NoSuchEntity: no such role.
            DeleteConflict: inline policies or attached managed policies remain.
        """
        with self._store.lock:
            role = self.get_role(account, name)
            inline, attached = self._entities.has_any(account, role.name)
            if inline:
                raise DeleteConflict("Cannot delete entity, must delete policies first.")
            if attached:
                raise DeleteConflict("Cannot delete entity, must detach all policies first.")
            self._store.delete_role(account, role.name)

    def update_assume_role_policy(self, account: str, name: str, document: str) -> None:
        check_policy(document, "trust")
        with self._store.lock:
            role = self.get_role(account, name)
            role.assume_role_policy_document = document
            self._store.put_role(account, role)

    def update_role(
        self,
        account: str,
        name: str,
        description: str | None = None,
        max_session_duration: int | None = None,
    ) -> None:
        if max_session_duration is not None:
            v.check_max_session_duration(max_session_duration)
        with self._store.lock:
            role = self.get_role(account, name)
            if description is not None:
                role.description = description
            if max_session_duration is not None:
                role.max_session_duration = max_session_duration
            self._store.put_role(account, role)

    def tag_role(self, account: str, name: str, tags: dict[str, str]) -> None:
        v.check_tags(tags)
        with self._store.lock:
            role = self.get_role(account, name)
            merged = {**role.tags, **tags}
            if len(merged) > v.MAX_TAGS:
                raise LimitExceeded(f"Cannot exceed quota for TagsPerRole: {v.MAX_TAGS}.")
            role.tags = merged
            self._store.put_role(account, role)

    def untag_role(self, account: str, name: str, keys: list[str]) -> None:
        with self._store.lock:
            role = self.get_role(account, name)
            role.tags = {k: val for k, val in role.tags.items() if k not in keys}
            self._store.put_role(account, role)

    def list_role_tags(
        self, account: str, name: str, marker: str | None = None, max_items: int | None = None
    ) -> Page[tuple[str, str]]:
        role = self.get_role(account, name)
        return paginate(role.tags.items(), lambda kv: kv[0], marker, max_items)

    # -- inline role policies ----------------------------------------------------------
    def put_role_policy(self, account: str, role_name: str, name: str, document: str) -> None:
        """Add or replace an inline policy of a role.

        Raises:
            NoSuchEntity: no such role.
            MalformedPolicyDocument: not a policy.
            LimitExceeded: the role's inline policies would exceed 10,240 characters.
        """
        with self._store.lock:
            role = self.get_role(account, role_name)
            self._entities.put_inline(
                account, role.name, f"role {role.name}", name, document, INLINE_ROLE_POLICY_SIZE
            )

    def get_role_policy(self, account: str, role_name: str, name: str) -> tuple[Role, str]:
        role = self.get_role(account, role_name)
        return role, self._entities.get_inline(account, role.name, "role", name)

    def delete_role_policy(self, account: str, role_name: str, name: str) -> None:
        role = self.get_role(account, role_name)
        self._entities.delete_inline(account, role.name, "role", name)

    def list_role_policies(
        self, account: str, role_name: str, marker: str | None = None, max_items: int | None = None
    ) -> Page[str]:
        role = self.get_role(account, role_name)
        return paginate(self._entities.inline_names(account, role.name), str, marker, max_items)

    # -- managed policy attachments ----------------------------------------------------
    def attach_role_policy(self, account: str, role_name: str, policy_arn: str) -> None:
        """Attach a customer or AWS managed policy to a role (attaching twice is a no-op).

        Raises:
            NoSuchEntity: no such role, or no such attachable policy.
            InvalidInput: ``policy_arn`` is not a policy ARN.
            LimitExceeded: the role already has 10 managed policies.
        """
        with self._store.lock:
            role = self.get_role(account, role_name)
            self._entities.attach(account, role.name, policy_arn, "PoliciesPerRole")

    def detach_role_policy(self, account: str, role_name: str, policy_arn: str) -> None:
        role = self.get_role(account, role_name)
        self._entities.detach(account, role.name, policy_arn)

    def list_attached_role_policies(
        self,
        account: str,
        role_name: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Page[AttachedPolicy]:
        role = self.get_role(account, role_name)
        attached = self._entities.attached(account, role.name, path_prefix)
        return paginate(attached, lambda a: a.policy_arn, marker, max_items)

    def list_entities_for_policy(
        self,
        account: str,
        policy_arn: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> tuple[Page[Role], Page[User]]:
        """The roles and users a managed policy is attached to.

        Raises:
            NoSuchEntity: no such policy.
        """
        self.policies.get_policy(account, policy_arn)
        keys = self._entities.entities(account, policy_arn)
        roles = [r for k in keys if (r := self._store.get_role(account, k)) is not None]
        users = [
            u
            for k in keys
            if k.startswith(USER_PREFIX)
            and (u := self._store.get_user(account, k[len(USER_PREFIX) :])) is not None
        ]
        return (
            paginate(
                [r for r in roles if r.path.startswith(path_prefix)],
                lambda r: r.name.lower(),
                marker,
                max_items,
            ),
            paginate(
                [u for u in users if u.path.startswith(path_prefix)],
                lambda u: u.name.lower(),
                None,
                None,
            ),
        )

    # -- user policies -----------------------------------------------------------------
    def put_user_policy(self, account: str, user_name: str, name: str, document: str) -> None:
        """Add or replace an inline policy of a user (2,048 characters in all).

        Raises:
            NoSuchEntity: no such user.
            MalformedPolicyDocument: not a policy.
            LimitExceeded: the user's inline policies would exceed the quota.
        """
        with self._store.lock:
            user = self.users.get_user(account, user_name)
            self._entities.put_inline(
                account,
                user_key(user.name),
                f"user {user.name}",
                name,
                document,
                INLINE_USER_POLICY_SIZE,
            )

    def get_user_policy(self, account: str, user_name: str, name: str) -> tuple[User, str]:
        user = self.users.get_user(account, user_name)
        return user, self._entities.get_inline(account, user_key(user.name), "user", name)

    def delete_user_policy(self, account: str, user_name: str, name: str) -> None:
        user = self.users.get_user(account, user_name)
        self._entities.delete_inline(account, user_key(user.name), "user", name)

    def list_user_policies(
        self, account: str, user_name: str, marker: str | None = None, max_items: int | None = None
    ) -> Page[str]:
        user = self.users.get_user(account, user_name)
        names = self._entities.inline_names(account, user_key(user.name))
        return paginate(names, str, marker, max_items)

    def attach_user_policy(self, account: str, user_name: str, policy_arn: str) -> None:
        with self._store.lock:
            user = self.users.get_user(account, user_name)
            self._entities.attach(account, user_key(user.name), policy_arn, "PoliciesPerUser")

    def detach_user_policy(self, account: str, user_name: str, policy_arn: str) -> None:
        user = self.users.get_user(account, user_name)
        self._entities.detach(account, user_key(user.name), policy_arn)

    def list_attached_user_policies(
        self,
        account: str,
        user_name: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Page[AttachedPolicy]:
        user = self.users.get_user(account, user_name)
        attached = self._entities.attached(account, user_key(user.name), path_prefix)
        return paginate(attached, lambda a: a.policy_arn, marker, max_items)

    def delete_user(self, account: str, user_name: str) -> None:
        """Delete a user with no policies and no access keys left.

        Raises:
            NoSuchEntity: no such user.
            DeleteConflict: inline or attached policies, or access keys, remain.
        """
        with self._store.lock:
            user = self.users.get_user(account, user_name)
            inline, attached = self._entities.has_any(account, user_key(user.name))
            if inline:
                raise DeleteConflict("Cannot delete entity, must delete policies first.")
            if attached:
                raise DeleteConflict("Cannot delete entity, must detach all policies first.")
            self.users.delete_user(account, user.name)

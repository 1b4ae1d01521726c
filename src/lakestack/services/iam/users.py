"""IAM users and their access keys. Knows IAM's rules for users, never HTTP.

An access key IAM creates is a working key: it is added to the credential store,
bound to the user's account and ARN, so requests signed with it act as that user.
Deactivating or deleting the key takes it out of the store again.
"""

from __future__ import annotations

from lakestack.core.arns import arn
from lakestack.core.clock import Clock
from lakestack.core.credentials import CredentialStore
from lakestack.core.identity import secret_key, unique_id
from lakestack.core.ids import Ids
from lakestack.services.iam import validation as v
from lakestack.services.iam.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from lakestack.services.iam.models import AccessKey, Page, User
from lakestack.services.iam.store import IamStore

MAX_KEYS_PER_USER = 2
KEY_STATUSES = ("Active", "Inactive")


class UserOps:
    """Users of an account and their access keys."""

    def __init__(
        self, store: IamStore, clock: Clock, ids: Ids, credentials: CredentialStore
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._credentials = credentials

    def create_user(
        self, account: str, name: str, path: str = "/", tags: dict[str, str] | None = None
    ) -> User:
        """Raises ValidationError (name, path) or EntityAlreadyExists."""
        v.check_name(name, "userName")
        v.check_path(path)
        v.check_tags(tags or {})
        with self._store.lock:
            if self._store.get_user(account, name) is not None:
                raise EntityAlreadyExists(f"User with name {name} already exists.")
            user = User(
                name=name,
                user_id=unique_id(self._ids, "AIDA"),
                arn=arn("iam", "", account, f"user{path}{name}"),
                path=path,
                create_date=self._clock.now(),
                tags=dict(tags or {}),
            )
            self._store.put_user(account, user)
        return user

    def get_user(self, account: str, name: str) -> User:
        user = self._store.get_user(account, name)
        if user is None:
            raise NoSuchEntity(f"The user with name {name} cannot be found.")
        return user

    def list_users(
        self,
        account: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Page[User]:
        users = [u for u in self._store.list_users(account) if u.path.startswith(path_prefix)]
        return v.paginate(users, lambda u: u.name.lower(), marker, max_items)

    def delete_user(self, account: str, name: str) -> None:
        """Raises NoSuchEntity, or DeleteConflict while the user has access keys."""
        with self._store.lock:
            user = self.get_user(account, name)
            if self._store.access_keys(account, user.name):
                raise DeleteConflict("Cannot delete entity, must delete access keys first.")
            self._store.delete_user(account, user.name)

    def tag_user(self, account: str, name: str, tags: dict[str, str]) -> None:
        v.check_tags(tags)
        with self._store.lock:
            user = self.get_user(account, name)
            merged = {**user.tags, **tags}
            if len(merged) > v.MAX_TAGS:
                raise LimitExceeded(f"Cannot exceed quota for TagsPerUser: {v.MAX_TAGS}.")
            user.tags = merged
            self._store.put_user(account, user)

    def untag_user(self, account: str, name: str, keys: list[str]) -> None:
        with self._store.lock:
            user = self.get_user(account, name)
            user.tags = {k: val for k, val in user.tags.items() if k not in keys}
            self._store.put_user(account, user)

    def list_user_tags(
        self, account: str, name: str, marker: str | None = None, max_items: int | None = None
    ) -> Page[tuple[str, str]]:
        user = self.get_user(account, name)
        return v.paginate(user.tags.items(), lambda kv: kv[0], marker, max_items)

    # -- access keys -------------------------------------------------------------------
    def create_access_key(self, account: str, user_name: str) -> AccessKey:
        """A new active key pair for the user, usable at once.

        Raises:
            NoSuchEntity: no such user.
            LimitExceeded: the user already has two keys.
        """
        with self._store.lock:
            user = self.get_user(account, user_name)
            if len(self._store.access_keys(account, user.name)) >= MAX_KEYS_PER_USER:
                raise LimitExceeded(
                    f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}"
                )
            key = AccessKey(
                user_name=user.name,
                access_key_id=unique_id(self._ids, "AKIA", 20),
                secret_access_key=secret_key(self._ids),
                status="Active",
                create_date=self._clock.now(),
            )
            self._store.put_access_key(account, key)
            self._activate(account, user, key)
        return key

    def list_access_keys(
        self, account: str, user_name: str, marker: str | None = None, max_items: int | None = None
    ) -> Page[AccessKey]:
        user = self.get_user(account, user_name)
        keys = self._store.access_keys(account, user.name)
        return v.paginate(keys, lambda k: k.access_key_id, marker, max_items)

    def update_access_key(self, account: str, user_name: str, key_id: str, status: str) -> None:
        """Activate or deactivate a key; an inactive key no longer signs requests."""
        if status not in KEY_STATUSES:
            raise ValidationError(
                f"1 validation error detected: Value '{status}' at 'status' failed to satisfy "
                "constraint: Member must satisfy enum value set: [Active, Inactive]"
            )
        with self._store.lock:
            user, key = self._key(account, user_name, key_id)
            key.status = status
            self._store.put_access_key(account, key)
            if status == "Active":
                self._activate(account, user, key)
            else:
                self._credentials.remove(key.access_key_id)

    def delete_access_key(self, account: str, user_name: str, key_id: str) -> None:
        with self._store.lock:
            _, key = self._key(account, user_name, key_id)
            self._store.delete_access_key(account, key.access_key_id)
            self._credentials.remove(key.access_key_id)

    def forget_keys(self) -> None:
        """Take every IAM-issued key out of the credential store (before a reset)."""
        for row in self._store.query("SELECT id FROM access_keys"):
            self._credentials.remove(str(row[0]))

    def _key(self, account: str, user_name: str, key_id: str) -> tuple[User, AccessKey]:
        user = self.get_user(account, user_name)
        for key in self._store.access_keys(account, user.name):
            if key.access_key_id == key_id:
                return user, key
        raise NoSuchEntity(f"The Access Key with id {key_id} cannot be found.")

    def _activate(self, account: str, user: User, key: AccessKey) -> None:
        self._credentials.add(
            key.access_key_id,
            key.secret_access_key,
            account,
            principal_arn=user.arn,
            principal_id=user.user_id,
        )

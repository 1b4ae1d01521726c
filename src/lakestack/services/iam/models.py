"""IAM resources as plain dataclasses: roles, users, access keys, managed policies.

Times are epoch seconds; policy documents are kept as the JSON text the caller sent.
Knows no storage and no wire format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class Role:
    name: str
    role_id: str
    arn: str
    path: str
    assume_role_policy_document: str
    create_date: float
    description: str = ""
    max_session_duration: int = 3600
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class User:
    name: str
    user_id: str
    arn: str
    path: str
    create_date: float
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class AccessKey:
    user_name: str
    access_key_id: str
    secret_access_key: str
    status: str
    create_date: float


@dataclass(slots=True)
class PolicyVersion:
    version_id: str
    document: str
    create_date: float


@dataclass(slots=True)
class ManagedPolicy:
    """A customer managed policy, or one of AWS's (``aws_managed``; account ``aws``)."""

    name: str
    policy_id: str
    arn: str
    path: str
    create_date: float
    update_date: float
    default_version_id: str
    versions: list[PolicyVersion]
    next_version: int = 2
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    aws_managed: bool = False

    def version(self, version_id: str) -> PolicyVersion | None:
        return next((v for v in self.versions if v.version_id == version_id), None)

    @property
    def default_version(self) -> PolicyVersion:
        found = self.version(self.default_version_id)
        assert found is not None, "a policy always has its default version"
        return found


@dataclass(frozen=True, slots=True)
class AttachedPolicy:
    policy_name: str
    policy_arn: str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of an IAM listing: ``marker`` is set when ``is_truncated``."""

    items: list[T]
    is_truncated: bool
    marker: str | None

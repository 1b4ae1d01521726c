"""IamProvider: botocore-shaped kwargs in, IamEngine call, botocore-shaped dict out.

IAM returns policy documents URL-encoded (RFC 3986); botocore decodes them back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from lakestack.gateway.context import RequestContext
from lakestack.services.iam.engine import IamEngine
from lakestack.services.iam.models import AccessKey, ManagedPolicy, Page, PolicyVersion, Role, User

Wire = dict[str, Any]


class IamProvider:
    def __init__(self, engine: IamEngine) -> None:
        self.engine = engine

    # -- roles -------------------------------------------------------------------------
    def create_role(
        self,
        context: RequestContext,
        role_name: str,
        assume_role_policy_document: str,
        path: str = "/",
        description: str = "",
        max_session_duration: int = 3600,
        tags: list[Wire] | None = None,
    ) -> Wire:
        role = self.engine.create_role(
            context.account_id,
            role_name,
            assume_role_policy_document,
            path,
            description,
            max_session_duration,
            _tags_in(tags),
        )
        return {"Role": _role(role)}

    def get_role(self, context: RequestContext, role_name: str) -> Wire:
        return {"Role": _role(self.engine.get_role(context.account_id, role_name))}

    def list_roles(
        self,
        context: RequestContext,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.list_roles(context.account_id, path_prefix, marker, max_items)
        return _page("Roles", [_role(r, tags=False) for r in page.items], page)

    def delete_role(self, context: RequestContext, role_name: str) -> Wire:
        self.engine.delete_role(context.account_id, role_name)
        return {}

    def update_assume_role_policy(
        self, context: RequestContext, role_name: str, policy_document: str
    ) -> Wire:
        self.engine.update_assume_role_policy(context.account_id, role_name, policy_document)
        return {}

    def update_role(
        self,
        context: RequestContext,
        role_name: str,
        description: str | None = None,
        max_session_duration: int | None = None,
    ) -> Wire:
        self.engine.update_role(context.account_id, role_name, description, max_session_duration)
        return {}

    def update_role_description(
        self, context: RequestContext, role_name: str, description: str
    ) -> Wire:
        self.engine.update_role(context.account_id, role_name, description)
        return {"Role": _role(self.engine.get_role(context.account_id, role_name))}

    def list_instance_profiles_for_role(
        self,
        context: RequestContext,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        # lakestack has no instance profiles (CreateInstanceProfile is not implemented), so
        # a role is in none; Terraform asks before it deletes a role.
        self.engine.get_role(context.account_id, role_name)
        return {"InstanceProfiles": [], "IsTruncated": False}

    def tag_role(self, context: RequestContext, role_name: str, tags: list[Wire]) -> Wire:
        self.engine.tag_role(context.account_id, role_name, _tags_in(tags))
        return {}

    def untag_role(self, context: RequestContext, role_name: str, tag_keys: list[str]) -> Wire:
        self.engine.untag_role(context.account_id, role_name, tag_keys)
        return {}

    def list_role_tags(
        self,
        context: RequestContext,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.list_role_tags(context.account_id, role_name, marker, max_items)
        return _page("Tags", [{"Key": k, "Value": val} for k, val in page.items], page)

    # -- inline role policies ----------------------------------------------------------
    def put_role_policy(
        self, context: RequestContext, role_name: str, policy_name: str, policy_document: str
    ) -> Wire:
        self.engine.put_role_policy(context.account_id, role_name, policy_name, policy_document)
        return {}

    def get_role_policy(self, context: RequestContext, role_name: str, policy_name: str) -> Wire:
        role, document = self.engine.get_role_policy(context.account_id, role_name, policy_name)
        return {"RoleName": role.name, "PolicyName": policy_name, "PolicyDocument": _doc(document)}

    def delete_role_policy(self, context: RequestContext, role_name: str, policy_name: str) -> Wire:
        self.engine.delete_role_policy(context.account_id, role_name, policy_name)
        return {}

    def list_role_policies(
        self,
        context: RequestContext,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.list_role_policies(context.account_id, role_name, marker, max_items)
        return _page("PolicyNames", page.items, page)

    # -- managed policies --------------------------------------------------------------
    def create_policy(
        self,
        context: RequestContext,
        policy_name: str,
        policy_document: str,
        path: str = "/",
        description: str = "",
        tags: list[Wire] | None = None,
    ) -> Wire:
        policy = self.engine.policies.create_policy(
            context.account_id, policy_name, policy_document, path, description, _tags_in(tags)
        )
        return {"Policy": self._policy(context, policy)}

    def get_policy(self, context: RequestContext, policy_arn: str) -> Wire:
        policy = self.engine.policies.get_policy(context.account_id, policy_arn)
        return {"Policy": self._policy(context, policy)}

    def delete_policy(self, context: RequestContext, policy_arn: str) -> Wire:
        self.engine.policies.delete_policy(context.account_id, policy_arn)
        return {}

    def list_policies(
        self,
        context: RequestContext,
        scope: str = "All",
        only_attached: bool = False,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.policies.list_policies(
            context.account_id, scope, only_attached, path_prefix, marker, max_items
        )
        return _page("Policies", [self._policy(context, p) for p in page.items], page)

    def create_policy_version(
        self,
        context: RequestContext,
        policy_arn: str,
        policy_document: str,
        set_as_default: bool = False,
    ) -> Wire:
        version = self.engine.policies.create_policy_version(
            context.account_id, policy_arn, policy_document, set_as_default
        )
        return {"PolicyVersion": _version(version, set_as_default, document=False)}

    def get_policy_version(self, context: RequestContext, policy_arn: str, version_id: str) -> Wire:
        policy, version = self.engine.policies.get_policy_version(
            context.account_id, policy_arn, version_id
        )
        is_default = version.version_id == policy.default_version_id
        return {"PolicyVersion": _version(version, is_default)}

    def list_policy_versions(
        self,
        context: RequestContext,
        policy_arn: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        policy, page = self.engine.policies.list_policy_versions(
            context.account_id, policy_arn, marker, max_items
        )
        versions = [
            _version(pv, pv.version_id == policy.default_version_id, document=False)
            for pv in page.items
        ]
        return _page("Versions", versions, page)

    def delete_policy_version(
        self, context: RequestContext, policy_arn: str, version_id: str
    ) -> Wire:
        self.engine.policies.delete_policy_version(context.account_id, policy_arn, version_id)
        return {}

    def set_default_policy_version(
        self, context: RequestContext, policy_arn: str, version_id: str
    ) -> Wire:
        self.engine.policies.set_default_policy_version(context.account_id, policy_arn, version_id)
        return {}

    def attach_role_policy(self, context: RequestContext, role_name: str, policy_arn: str) -> Wire:
        self.engine.attach_role_policy(context.account_id, role_name, policy_arn)
        return {}

    def detach_role_policy(self, context: RequestContext, role_name: str, policy_arn: str) -> Wire:
        self.engine.detach_role_policy(context.account_id, role_name, policy_arn)
        return {}

    def list_attached_role_policies(
        self,
        context: RequestContext,
        role_name: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.list_attached_role_policies(
            context.account_id, role_name, path_prefix, marker, max_items
        )
        attached = [{"PolicyName": a.policy_name, "PolicyArn": a.policy_arn} for a in page.items]
        return _page("AttachedPolicies", attached, page)

    def list_entities_for_policy(
        self,
        context: RequestContext,
        policy_arn: str,
        entity_filter: str | None = None,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        roles, users = self.engine.list_entities_for_policy(
            context.account_id, policy_arn, path_prefix, marker, max_items
        )
        out = _page("PolicyRoles", [], roles)
        if entity_filter in (None, "Role", "LocalManagedPolicy", "AWSManagedPolicy"):
            out["PolicyRoles"] = [{"RoleName": r.name, "RoleId": r.role_id} for r in roles.items]
        out["PolicyUsers"] = []
        if entity_filter in (None, "User", "LocalManagedPolicy", "AWSManagedPolicy"):
            out["PolicyUsers"] = [{"UserName": u.name, "UserId": u.user_id} for u in users.items]
        return {**out, "PolicyGroups": []}

    # -- users and access keys ---------------------------------------------------------
    def create_user(
        self,
        context: RequestContext,
        user_name: str,
        path: str = "/",
        tags: list[Wire] | None = None,
    ) -> Wire:
        user = self.engine.users.create_user(context.account_id, user_name, path, _tags_in(tags))
        return {"User": _user(user)}

    def get_user(self, context: RequestContext, user_name: str | None = None) -> Wire:
        name = user_name or self.engine.caller_user_name(context.account_id, context.access_key_id)
        if name is None:  # the root user, as IAM describes it: no name, the account as id
            root = f"arn:aws:iam::{context.account_id}:root"
            return {"User": {"UserId": context.account_id, "Arn": root}}
        return {"User": _user(self.engine.users.get_user(context.account_id, name))}

    def list_users(
        self,
        context: RequestContext,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.users.list_users(context.account_id, path_prefix, marker, max_items)
        return _page("Users", [_user(u, tags=False) for u in page.items], page)

    def tag_user(self, context: RequestContext, user_name: str, tags: list[Wire]) -> Wire:
        self.engine.users.tag_user(context.account_id, user_name, _tags_in(tags))
        return {}

    def untag_user(self, context: RequestContext, user_name: str, tag_keys: list[str]) -> Wire:
        self.engine.users.untag_user(context.account_id, user_name, tag_keys)
        return {}

    def list_user_tags(
        self,
        context: RequestContext,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.users.list_user_tags(context.account_id, user_name, marker, max_items)
        return _page("Tags", [{"Key": k, "Value": val} for k, val in page.items], page)

    def delete_user(self, context: RequestContext, user_name: str) -> Wire:
        self.engine.delete_user(context.account_id, user_name)
        return {}

    def put_user_policy(
        self, context: RequestContext, user_name: str, policy_name: str, policy_document: str
    ) -> Wire:
        self.engine.put_user_policy(context.account_id, user_name, policy_name, policy_document)
        return {}

    def get_user_policy(self, context: RequestContext, user_name: str, policy_name: str) -> Wire:
        user, document = self.engine.get_user_policy(context.account_id, user_name, policy_name)
        return {"UserName": user.name, "PolicyName": policy_name, "PolicyDocument": _doc(document)}

    def delete_user_policy(self, context: RequestContext, user_name: str, policy_name: str) -> Wire:
        self.engine.delete_user_policy(context.account_id, user_name, policy_name)
        return {}

    def list_user_policies(
        self,
        context: RequestContext,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.list_user_policies(context.account_id, user_name, marker, max_items)
        return _page("PolicyNames", page.items, page)

    def attach_user_policy(self, context: RequestContext, user_name: str, policy_arn: str) -> Wire:
        self.engine.attach_user_policy(context.account_id, user_name, policy_arn)
        return {}

    def detach_user_policy(self, context: RequestContext, user_name: str, policy_arn: str) -> Wire:
        self.engine.detach_user_policy(context.account_id, user_name, policy_arn)
        return {}

    def list_attached_user_policies(
        self,
        context: RequestContext,
        user_name: str,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        page = self.engine.list_attached_user_policies(
            context.account_id, user_name, path_prefix, marker, max_items
        )
        attached = [{"PolicyName": a.policy_name, "PolicyArn": a.policy_arn} for a in page.items]
        return _page("AttachedPolicies", attached, page)

    def create_access_key(self, context: RequestContext, user_name: str | None = None) -> Wire:
        name = user_name or self.engine.required_user_name(
            context.account_id, context.access_key_id
        )
        key = self.engine.users.create_access_key(context.account_id, name)
        return {"AccessKey": {**_key(key), "SecretAccessKey": key.secret_access_key}}

    def list_access_keys(
        self,
        context: RequestContext,
        user_name: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> Wire:
        name = user_name or self.engine.required_user_name(
            context.account_id, context.access_key_id
        )
        page = self.engine.users.list_access_keys(context.account_id, name, marker, max_items)
        return _page("AccessKeyMetadata", [_key(k) for k in page.items], page)

    def update_access_key(
        self,
        context: RequestContext,
        access_key_id: str,
        status: str,
        user_name: str | None = None,
    ) -> Wire:
        name = user_name or self.engine.required_user_name(
            context.account_id, context.access_key_id
        )
        self.engine.users.update_access_key(context.account_id, name, access_key_id, status)
        return {}

    def delete_access_key(
        self, context: RequestContext, access_key_id: str, user_name: str | None = None
    ) -> Wire:
        name = user_name or self.engine.required_user_name(
            context.account_id, context.access_key_id
        )
        self.engine.users.delete_access_key(context.account_id, name, access_key_id)
        return {}

    def _policy(self, context: RequestContext, policy: ManagedPolicy) -> Wire:
        out: Wire = {
            "PolicyName": policy.name,
            "PolicyId": policy.policy_id,
            "Arn": policy.arn,
            "Path": policy.path,
            "DefaultVersionId": policy.default_version_id,
            "AttachmentCount": self.engine.policies.attachment_count(
                context.account_id, policy.arn
            ),
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": policy.create_date,
            "UpdateDate": policy.update_date,
        }
        if policy.description:
            out["Description"] = policy.description
        if policy.tags:
            out["Tags"] = _tags_out(policy.tags)
        return out


def _doc(document: str) -> str:
    return quote(document, safe="")


def _tags_in(tags: list[Wire] | None) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in tags or []}


def _tags_out(tags: dict[str, str]) -> list[Wire]:
    return [{"Key": k, "Value": val} for k, val in tags.items()]


def _page(member: str, items: list[Any], page: Page[Any]) -> Wire:
    out: Wire = {member: items, "IsTruncated": page.is_truncated}
    if page.marker is not None:
        out["Marker"] = page.marker
    return out


def _role(role: Role, tags: bool = True) -> Wire:
    out: Wire = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": role.create_date,
        "AssumeRolePolicyDocument": _doc(role.assume_role_policy_document),
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description:
        out["Description"] = role.description
    if tags and role.tags:
        out["Tags"] = _tags_out(role.tags)
    if tags:
        out["RoleLastUsed"] = {}
    return out


def _user(user: User, tags: bool = True) -> Wire:
    out: Wire = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": user.create_date,
    }
    if tags and user.tags:
        out["Tags"] = _tags_out(user.tags)
    return out


def _key(key: AccessKey) -> Wire:
    return {
        "UserName": key.user_name,
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": key.create_date,
    }


def _version(version: PolicyVersion, is_default: bool, document: bool = True) -> Wire:
    out: Wire = {
        "VersionId": version.version_id,
        "IsDefaultVersion": is_default,
        "CreateDate": version.create_date,
    }
    if document:
        out["Document"] = _doc(version.document)
    return out

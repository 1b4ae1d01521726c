"""StsProvider: botocore-shaped kwargs in, StsEngine call, botocore-shaped dict out."""

from __future__ import annotations

from typing import Any

from lakestack.gateway.context import RequestContext
from lakestack.services.sts.engine import StsEngine, TemporaryCredentials

Wire = dict[str, Any]


class StsProvider:
    def __init__(self, engine: StsEngine) -> None:
        self.engine = engine

    def get_caller_identity(self, context: RequestContext) -> Wire:
        identity = self.engine.get_caller_identity(context.account_id, context.access_key_id)
        return {"Account": identity.account, "Arn": identity.arn, "UserId": identity.user_id}

    def get_access_key_info(self, context: RequestContext, access_key_id: str) -> Wire:
        return {"Account": self.engine.get_access_key_info(access_key_id).account}

    def assume_role(
        self,
        context: RequestContext,
        role_arn: str,
        role_session_name: str,
        duration_seconds: int | None = None,
        policy: str | None = None,
        source_identity: str | None = None,
    ) -> Wire:
        # PolicyArns, Tags, TransitiveTagKeys and ExternalId are accepted and ignored
        # (members.json): lakestack stores IAM policies but does not enforce them.
        session = self.engine.assume_role(
            context.account_id,
            context.access_key_id,
            role_arn,
            role_session_name,
            duration_seconds,
            policy,
            source_identity,
        )
        out: Wire = {
            "Credentials": _credentials(session.credentials),
            "AssumedRoleUser": {
                "AssumedRoleId": session.assumed_role_id,
                "Arn": session.assumed_role_arn,
            },
        }
        if session.packed_policy_size is not None:
            out["PackedPolicySize"] = session.packed_policy_size
        if session.source_identity is not None:
            out["SourceIdentity"] = session.source_identity
        return out

    def get_session_token(
        self, context: RequestContext, duration_seconds: int | None = None
    ) -> Wire:
        issued = self.engine.get_session_token(
            context.account_id, context.access_key_id, duration_seconds
        )
        return {"Credentials": _credentials(issued)}


def _credentials(issued: TemporaryCredentials) -> Wire:
    return {
        "AccessKeyId": issued.access_key_id,
        "SecretAccessKey": issued.secret_access_key,
        "SessionToken": issued.session_token,
        "Expiration": issued.expiration,
    }

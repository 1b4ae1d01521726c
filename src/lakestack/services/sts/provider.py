"""StsProvider: botocore-shaped kwargs in, StsEngine call, botocore-shaped dict out."""

from __future__ import annotations

from typing import Any

from lakestack.gateway.context import RequestContext
from lakestack.services.sts.engine import StsEngine


class StsProvider:
    def __init__(self, engine: StsEngine) -> None:
        self.engine = engine

    def get_caller_identity(self, context: RequestContext, **_: Any) -> dict[str, Any]:
        identity = self.engine.get_caller_identity(context.account_id)
        return {"Account": identity.account, "Arn": identity.arn, "UserId": identity.user_id}

    def get_access_key_info(
        self, context: RequestContext, access_key_id: str, **_: Any
    ) -> dict[str, Any]:
        return {"Account": self.engine.get_access_key_info(access_key_id).account}

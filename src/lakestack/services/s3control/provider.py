"""S3ControlProvider: the account-wide Public Access Block of S3 Control, kept and enforced
by the S3 engine (it owns every S3 setting); wire kwargs in, engine call, dict out.

S3 Control requests name their account (``x-amz-account-id``): it must be the caller's.
"""

from __future__ import annotations

from typing import Any

from lakestack.gateway.context import RequestContext
from lakestack.services.s3control.engine import S3ControlEngine
from lakestack.services.s3control.errors import AccessDenied

Wire = dict[str, Any]


class S3ControlProvider:
    def __init__(self, engine: S3ControlEngine) -> None:
        self.engine = engine

    def put_public_access_block(
        self,
        context: RequestContext,
        account_id: str,
        public_access_block_configuration: dict[str, Any],
    ) -> Wire:
        self.engine.put_account_public_access_block(
            _caller(context, account_id), public_access_block_configuration
        )
        return {}

    def get_public_access_block(self, context: RequestContext, account_id: str) -> Wire:
        block = self.engine.get_account_public_access_block(_caller(context, account_id))
        return {"PublicAccessBlockConfiguration": block}

    def delete_public_access_block(self, context: RequestContext, account_id: str) -> Wire:
        self.engine.delete_account_public_access_block(_caller(context, account_id))
        return {}


def _caller(context: RequestContext, account_id: str) -> str:
    """The account named by the request, when it is the signer's own."""
    if context.anonymous or account_id != context.account_id:
        raise AccessDenied()
    return account_id

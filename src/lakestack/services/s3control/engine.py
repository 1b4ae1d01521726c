"""S3 Control's engine is the S3 engine: it keeps and enforces every S3 setting, the
account-wide ones included. ``S3ControlEngine`` is the part of it S3 Control uses."""

from __future__ import annotations

from typing import Any, Protocol


class S3ControlEngine(Protocol):
    def put_account_public_access_block(
        self, account: str, configuration: dict[str, Any]
    ) -> None: ...

    def get_account_public_access_block(self, account: str) -> dict[str, bool]: ...

    def delete_account_public_access_block(self, account: str) -> None: ...

"""Named (saved) queries: create (idempotent by client token), get, list per work group,
batch get, delete.

Part of :class:`lakestack.services.athena.engine.AthenaEngine`; knows no HTTP.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from lakestack.services.athena.base import (
    AthenaBase,
    check_max_results,
    decode_token,
    encode_token,
)
from lakestack.services.athena.errors import InvalidRequestException
from lakestack.services.athena.models import NamedQuery, Page

MAX_NAMED_PAGE = 50
MAX_BATCH = 50


class NamedQueryOps(AthenaBase):
    def create_named_query(
        self,
        account: str,
        region: str,
        name: str,
        database: str,
        query_string: str,
        description: str | None = None,
        work_group: str | None = None,
        client_request_token: str | None = None,
    ) -> str:
        """Save a query; returns its id (the same id for a repeated client token).

        Raises:
            InvalidRequestException: unknown work group.
        """
        wg = self._workgroup(account, region, work_group)
        query_id = (
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"{account}/{region}/{client_request_token}"))
            if client_request_token
            else self._ids.uuid()
        )
        with self._store.lock:
            if self._store.get_named_query(account, region, query_id) is None:
                self._store.put_named_query(
                    account,
                    region,
                    NamedQuery(query_id, name, database, query_string, wg.name, description),
                )
        return query_id

    def get_named_query(self, account: str, region: str, named_query_id: str) -> NamedQuery:
        """Raises: InvalidRequestException for an unknown id."""
        q = self._store.get_named_query(account, region, named_query_id)
        if q is None:
            raise InvalidRequestException(f"NamedQuery {named_query_id} was not found")
        return q

    def list_named_queries(
        self,
        account: str,
        region: str,
        work_group: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[str]:
        wg = self._workgroup(account, region, work_group)
        limit = check_max_results(max_results, MAX_NAMED_PAGE)
        start = int(decode_token(next_token) or 0)
        ids = self._store.list_named_queries(account, region, wg.name)
        page = ids[start : start + limit]
        token = encode_token(str(start + limit)) if start + limit < len(ids) else None
        return Page(page, token)

    def batch_get_named_query(
        self,
        account: str,
        region: str,
        ids: Sequence[str],
    ) -> tuple[list[NamedQuery], list[tuple[str, str, str]]]:
        """Found queries, and (id, error code, message) for the others."""
        if not 1 <= len(ids) <= MAX_BATCH:
            raise InvalidRequestException("NamedQueryIds must have between 1 and 50 items")
        found, missing = [], []
        for i in ids:
            q = self._store.get_named_query(account, region, i)
            if q is None:
                missing.append((i, "INVALID_INPUT", f"NamedQuery {i} was not found"))
            else:
                found.append(q)
        return found, missing

    def delete_named_query(self, account: str, region: str, named_query_id: str) -> None:
        self.get_named_query(account, region, named_query_id)
        self._store.delete_named_query(account, region, named_query_id)

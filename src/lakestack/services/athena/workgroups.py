"""Work group operations: create, get, update, list, delete. ``primary`` always exists
and cannot be deleted; a DISABLED work group refuses new queries.

Part of :class:`lakestack.services.athena.engine.AthenaEngine`; knows no HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lakestack.services.athena.base import (
    AthenaBase,
    check_max_results,
    decode_token,
    encode_token,
)
from lakestack.services.athena.errors import InvalidRequestException
from lakestack.services.athena.models import PRIMARY, Page, WorkGroup

MIN_CUTOFF = 10_000_000
MAX_WORKGROUPS_PAGE = 50
_NAME = re.compile(r"[a-zA-Z0-9._-]{1,128}")


@dataclass(slots=True)
class WorkGroupUpdate:
    """``WorkGroupConfigurationUpdates`` plus description and state; None = unchanged."""

    description: str | None = None
    state: str | None = None
    enforce_configuration: bool | None = None
    output_location: str | None = None
    remove_output_location: bool = False
    expected_bucket_owner: str | None = None
    publish_metrics: bool | None = None
    bytes_scanned_cutoff: int | None = None
    remove_bytes_scanned_cutoff: bool = False
    requester_pays: bool | None = None
    engine_version: str | None = None


def _check_cutoff(value: int | None) -> None:
    if value is not None and value < MIN_CUTOFF:
        raise InvalidRequestException(
            f"1 validation error detected: Value '{value}' at "
            "'configuration.bytesScannedCutoffPerQuery' failed to satisfy constraint: "
            f"Member must have value greater than or equal to {MIN_CUTOFF}"
        )


def _check_location(location: str | None) -> None:
    if location is not None and not location.startswith("s3://"):
        raise InvalidRequestException(f"outputLocation is not a valid S3 path: {location}")


class WorkGroupOps(AthenaBase):
    def create_work_group(self, account: str, region: str, wg: WorkGroup) -> WorkGroup:
        """Create a work group.

        Raises:
            InvalidRequestException: a bad name, a cutoff under 10 MB, a bad output
                location, or the name exists.
        """
        if not _NAME.fullmatch(wg.name or ""):
            raise InvalidRequestException(
                f"1 validation error detected: Value '{wg.name}' at 'name' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: "
                "[a-zA-Z0-9._-]{1,128}"
            )
        _check_cutoff(wg.bytes_scanned_cutoff)
        _check_location(wg.output_location)
        self._workgroup(account, region, PRIMARY)
        with self._store.lock:
            if self._store.get_workgroup(account, region, wg.name) is not None:
                raise InvalidRequestException("WorkGroup is already created")
            wg.creation_time = self._clock.utcnow()
            self._store.put_workgroup(account, region, wg)
        return wg

    def get_work_group(self, account: str, region: str, name: str) -> WorkGroup:
        """Raises: InvalidRequestException ("WorkGroup <name> is not found.")."""
        return self._workgroup(account, region, name)

    def list_work_groups(
        self,
        account: str,
        region: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[WorkGroup]:
        limit = check_max_results(max_results, MAX_WORKGROUPS_PAGE)
        self._workgroup(account, region, PRIMARY)
        after = decode_token(next_token) or ""
        groups = [g for g in self._store.list_workgroups(account, region) if g.name > after]
        if len(groups) > limit:
            return Page(groups[:limit], encode_token(groups[limit - 1].name))
        return Page(groups)

    def update_work_group(
        self, account: str, region: str, name: str, update: WorkGroupUpdate
    ) -> WorkGroup:
        """Apply configuration updates.

        Raises:
            InvalidRequestException: unknown work group, bad state, cutoff or location.
        """
        _check_cutoff(update.bytes_scanned_cutoff)
        _check_location(update.output_location)
        if update.state is not None and update.state not in ("ENABLED", "DISABLED"):
            raise InvalidRequestException(f"Invalid state {update.state}")
        with self._store.lock:
            wg = self._workgroup(account, region, name)
            for attr in (
                "description",
                "state",
                "enforce_configuration",
                "output_location",
                "expected_bucket_owner",
                "publish_metrics",
                "bytes_scanned_cutoff",
                "requester_pays",
                "engine_version",
            ):
                value = getattr(update, attr)
                if value is not None:
                    setattr(wg, attr, value)
            if update.remove_output_location:
                wg.output_location = None
            if update.remove_bytes_scanned_cutoff:
                wg.bytes_scanned_cutoff = None
            self._store.put_workgroup(account, region, wg)
        return wg

    def delete_work_group(
        self, account: str, region: str, name: str, recursive: bool = False
    ) -> None:
        """Delete a work group (its named queries too when ``recursive``).

        Raises:
            InvalidRequestException: ``primary``, unknown, or not empty without recursive.
        """
        if name == PRIMARY:
            raise InvalidRequestException("Cannot delete primary workgroup")
        with self._store.lock:
            self._workgroup(account, region, name)
            if not recursive and self._store.list_named_queries(account, region, name):
                raise InvalidRequestException(
                    f"WorkGroup {name} is not empty. Use RecursiveDeleteOption to delete "
                    "the workgroup and its contents."
                )
            self._store.delete_workgroup(account, region, name)

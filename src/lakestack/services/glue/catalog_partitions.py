"""Partition operations of the Data Catalog: create/get/update/delete, their batch
forms with per-entry errors, and GetPartitions with ``Expression``, segments and
paging.

Partition values are strings kept exactly (``07`` stays ``07``); a partition's
StorageDescriptor is what its writer gave, nothing inherited from the table.
Part of :class:`lakestack.services.glue.catalog.GlueCatalogEngine`; knows no HTTP.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Iterator, Sequence
from datetime import datetime

from lakestack.core.errors import AwsError
from lakestack.services.glue.catalog_base import (
    CatalogBase,
    check_batch_size,
    check_max_results,
    decode_token,
    encode_token,
)
from lakestack.services.glue.errors import (
    AlreadyExistsException,
    InvalidInputException,
    partition_not_found,
)
from lakestack.services.glue.expression import CompiledExpression, compile_expression
from lakestack.services.glue.models import (
    BatchGetResult,
    EntryError,
    Page,
    Partition,
    PartitionInput,
    Segment,
    Table,
)
from lakestack.services.glue.store import values_key
from lakestack.sql.types import check_column_types

MAX_PARTITIONS_PAGE = 1000
MAX_BATCH_CREATE = 100
MAX_BATCH_DELETE = 25
MAX_BATCH_GET = 1000
MAX_BATCH_UPDATE = 100
MAX_SEGMENTS = 10


def segment_of(values: Sequence[str], total_segments: int) -> int:
    """Which of ``total_segments`` slices a partition belongs to (stable across calls).

    >>> segment_of(["2026", "01"], 1)
    0
    """
    return zlib.crc32(values_key(values).encode()) % total_segments


class PartitionOps(CatalogBase):
    def create_partition(
        self, account: str, region: str, database: str, table: str, partition: PartitionInput
    ) -> Partition:
        """Register one partition.

        Raises:
            EntityNotFoundException: no such database or table.
            AlreadyExistsException: a partition with these values exists.
            InvalidInputException: as many values as the table has partition keys needed.
        """
        self._bill("CreatePartition", account, region)
        with self._store.lock:
            t = self._table(account, region, database, table)
            return self._insert(account, region, t, partition)

    def batch_create_partition(
        self,
        account: str,
        region: str,
        database: str,
        table: str,
        partitions: Sequence[PartitionInput],
    ) -> list[EntryError]:
        """Register up to 100 partitions; each failure is an entry error (Glue's ``Errors``).

        Raises:
            EntityNotFoundException: no such database or table (for the whole call).
        """
        self._bill("BatchCreatePartition", account, region)
        check_batch_size(len(partitions), MAX_BATCH_CREATE, "partitionInputList")
        errors: list[EntryError] = []
        with self._store.transaction():
            t = self._table(account, region, database, table)
            for p in partitions:
                try:
                    self._insert(account, region, t, p)
                except AwsError as err:
                    errors.append(EntryError(list(p.values), err.code, err.message))
        return errors

    def get_partition(
        self, account: str, region: str, database: str, table: str, values: Sequence[str]
    ) -> Partition:
        """Raises: EntityNotFoundException ("Cannot find partition." when only it is missing)."""
        self._bill("GetPartition", account, region)
        t = self._table(account, region, database, table)
        return self._partition(account, region, t, values)

    def get_partitions(
        self,
        account: str,
        region: str,
        database: str,
        table: str,
        expression: str | None = None,
        segment: Segment | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[Partition]:
        """One page of the table's partitions (in creation order) that ``expression``
        selects, optionally only those of one segment.

        Raises:
            EntityNotFoundException: no such database or table.
            InvalidInputException: a bad expression, segment, page size or token.
            InvalidStateException: a stored value is not of its key's declared type.
        """
        self._bill("GetPartitions", account, region)
        t = self._table(account, region, database, table)
        limit = check_max_results(max_results, MAX_PARTITIONS_PAGE)
        after = _seq_token(next_token)
        found: list[Partition] = []
        last = after
        for seq, p in self._matching(account, region, t, expression, segment, after):
            if len(found) == limit:
                return Page(found, encode_token(str(last)))
            found.append(p)
            last = seq
        return Page(found, None)

    def iter_partitions(
        self, account: str, region: str, database: str, table: str, expression: str | None = None
    ) -> Iterator[Partition]:
        """Every partition ``expression`` selects, unpaged (for in-process callers such
        as Athena's partition pruning); errors as :meth:`get_partitions`."""
        t = self._table(account, region, database, table)
        for _, p in self._matching(account, region, t, expression, None, 0):
            yield p

    def batch_get_partition(
        self,
        account: str,
        region: str,
        database: str,
        table: str,
        values_list: Sequence[Sequence[str]],
    ) -> BatchGetResult:
        """The partitions that exist among ``values_list``; missing ones are left out."""
        self._bill("BatchGetPartition", account, region)
        check_batch_size(len(values_list), MAX_BATCH_GET, "partitionsToGet")
        t = self._table(account, region, database, table)
        found = [
            self._store.get_partition(account, region, t.database_name, t.name, v)
            for v in values_list
        ]
        return BatchGetResult([p for p in found if p is not None], [])

    def update_partition(
        self,
        account: str,
        region: str,
        database: str,
        table: str,
        values: Sequence[str],
        partition: PartitionInput,
    ) -> Partition:
        """Replace a partition's definition; its values and creation time stay.

        Raises:
            EntityNotFoundException: no such database, table or partition.
        """
        self._bill("UpdatePartition", account, region)
        with self._store.lock:
            t = self._table(account, region, database, table)
            return self._replace(account, region, t, values, partition)

    def batch_update_partition(
        self,
        account: str,
        region: str,
        database: str,
        table: str,
        entries: Sequence[tuple[Sequence[str], PartitionInput]],
    ) -> list[EntryError]:
        """Update up to 100 partitions; a missing one is an entry error."""
        self._bill("BatchUpdatePartition", account, region)
        check_batch_size(len(entries), MAX_BATCH_UPDATE, "entries")
        errors: list[EntryError] = []
        with self._store.transaction():
            t = self._table(account, region, database, table)
            for values, p in entries:
                try:
                    self._replace(account, region, t, values, p)
                except AwsError as err:
                    errors.append(EntryError(list(values), err.code, err.message))
        return errors

    def delete_partition(
        self, account: str, region: str, database: str, table: str, values: Sequence[str]
    ) -> None:
        """Raises: EntityNotFoundException for a missing database, table or partition."""
        self._bill("DeletePartition", account, region)
        t = self._table(account, region, database, table)
        if not self._store.delete_partition(account, region, t.database_name, t.name, values):
            raise partition_not_found()

    def batch_delete_partition(
        self,
        account: str,
        region: str,
        database: str,
        table: str,
        values_list: Sequence[Sequence[str]],
    ) -> list[EntryError]:
        """Delete up to 25 partitions; a missing one is an entry error."""
        self._bill("BatchDeletePartition", account, region)
        check_batch_size(len(values_list), MAX_BATCH_DELETE, "partitionsToDelete")
        errors: list[EntryError] = []
        with self._store.transaction():
            t = self._table(account, region, database, table)
            for values in values_list:
                if not self._store.delete_partition(
                    account, region, t.database_name, t.name, values
                ):
                    err = partition_not_found()
                    errors.append(EntryError(list(values), err.code, err.message))
        return errors

    # -- helpers ----------------------------------------------------------------------

    def _partition(self, account: str, region: str, t: Table, values: Sequence[str]) -> Partition:
        p = self._store.get_partition(account, region, t.database_name, t.name, values)
        if p is None:
            raise partition_not_found()
        return p

    def _insert(self, account: str, region: str, t: Table, given: PartitionInput) -> Partition:
        _check_values(t, given.values)
        sd = given.storage_descriptor
        check_column_types(sd.columns if sd else None, error=InvalidInputException)
        p = _partition(given, list(given.values), t, self._clock.utcnow())
        if not self._store.insert_partition(account, region, p):
            raise AlreadyExistsException("Partition already exists.")
        return p

    def _replace(
        self, account: str, region: str, t: Table, values: Sequence[str], given: PartitionInput
    ) -> Partition:
        sd = given.storage_descriptor
        check_column_types(sd.columns if sd else None, error=InvalidInputException)
        old = self._partition(account, region, t, values)
        p = _partition(given, old.values, t, old.creation_time)
        self._store.replace_partition(account, region, p)
        return p

    def _matching(
        self,
        account: str,
        region: str,
        t: Table,
        expression: str | None,
        segment: Segment | None,
        after: int,
    ) -> Iterator[tuple[int, Partition]]:
        compiled: CompiledExpression | None = None
        if expression and expression.strip():
            compiled = compile_expression(expression, t.partition_keys)
        _check_segment(segment)
        prefix = compiled.fixed_prefix() if compiled is not None else []
        for seq, p in self._store.scan_partitions(
            account, region, t.database_name, t.name, after, prefix
        ):
            if segment is not None and (
                segment_of(p.values, segment.total_segments) != segment.segment_number
            ):
                continue
            if compiled is None or compiled.matches(p.values):
                yield seq, p


def _check_values(t: Table, values: Sequence[str]) -> None:
    if not all(isinstance(v, str) for v in values):
        raise InvalidInputException("Partition values must be strings.")
    if len(values) != len(t.partition_keys):
        raise InvalidInputException(
            "The number of partition keys do not match the number of partition values"
        )


def _check_segment(segment: Segment | None) -> None:
    if segment is None:
        return
    if not 1 <= segment.total_segments <= MAX_SEGMENTS:
        raise InvalidInputException(
            f"Invalid segment: TotalSegments must be between 1 and {MAX_SEGMENTS}"
        )
    if not 0 <= segment.segment_number < segment.total_segments:
        raise InvalidInputException(
            "Invalid segment: SegmentNumber must be less than TotalSegments"
        )


def _seq_token(token: str | None) -> int:
    text = decode_token(token)
    if text is None:
        return 0
    if not text.isdigit():
        raise InvalidInputException("Invalid pagination token")
    return int(text)


def _partition(
    given: PartitionInput, values: list[str], t: Table, creation_time: datetime | None
) -> Partition:
    g = copy.deepcopy(given)
    return Partition(
        values,
        g.last_access_time,
        g.last_analyzed_time,
        g.storage_descriptor,
        g.parameters,
        database_name=t.database_name,
        table_name=t.name,
        catalog_id=t.catalog_id,
        creation_time=creation_time,
    )

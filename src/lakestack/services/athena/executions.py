"""Query executions: start (idempotent by client token), the QUEUED -> RUNNING ->
SUCCEEDED/FAILED/CANCELLED state machine (:data:`LIFECYCLE`, ``core.lifecycle``), a small worker
pool, results, stop, listing, and billing of bytes scanned.

Failures are state (``StateChangeReason`` + ``AthenaError``), never exceptions to
the caller of StartQueryExecution. Only API misuse raises (unknown work group, no
output location, a disabled work group). Progression is real: a worker thread takes
each query; :meth:`ExecutionOps.wait` blocks on the query's completion event (no
sleeping) so tests are deterministic.

Billing (aws-semantics §1.7): DDL and failed queries are free; successful and
cancelled queries are charged for the bytes they scanned, rounded up to the MB
(10^6 bytes) with a 10 MB minimum per query, recorded per work group as
``DataScanned-Bytes``. A query that scanned nothing is not charged.

Part of :class:`lakestack.services.athena.engine.AthenaEngine`; knows no HTTP.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

import duckdb

from lakestack.core.errors import AwsError
from lakestack.core.lifecycle import Lifecycle
from lakestack.services.athena.base import (
    SERVICE,
    AthenaBase,
    check_max_results,
    decode_token,
    encode_token,
)
from lakestack.services.athena.catalog_statements import StatementResult
from lakestack.services.athena.errors import (
    InvalidRequestException,
    QueryCancelled,
    QueryFailed,
    execution_not_found,
)
from lakestack.services.athena.models import (
    TRANSITIONS,
    AthenaError,
    Page,
    QueryExecution,
    QueryState,
    ResultColumn,
    ResultPage,
    is_terminal,
)
from lakestack.services.athena.results import (
    csv_text,
    metadata_json,
    parse_csv,
    parse_metadata,
    parse_txt,
    txt_text,
)
from lakestack.services.athena.runner import RunContext, parse
from lakestack.services.athena.scan import split_uri
from lakestack.sql.errors import AthenaQueryError
from lakestack.sql.parameters import bind_parameters
from lakestack.sql.statements import CreateTableAs, Statement, statement_type

LOG = logging.getLogger(__name__)
MB = 1_000_000
MIN_BILLED_MB = 10
MAX_QUERY_LENGTH = 262_144
MAX_LIST = 50
MAX_ROWS = 1000
NO_OUTPUT = (
    "No output location provided. An output location is required either through "
    "the Workgroup result configuration setting or as an API input."
)
INTERRUPTED = "Query did not finish: lakestack stopped while the query was running. Run it again."
LIFECYCLE: Lifecycle[QueryState] = Lifecycle(
    TRANSITIONS,
    recovery={QueryState.QUEUED: QueryState.FAILED, QueryState.RUNNING: QueryState.FAILED},
)
"""A query's states (``models.TRANSITIONS``); one a stopped lakestack left queued or
running comes back FAILED with ``INTERRUPTED`` on the next start."""
_CACHE = 8


def billable_bytes(scanned: int) -> int:
    """Bytes Athena charges for a query that scanned ``scanned`` bytes.

    >>> billable_bytes(0), billable_bytes(1), billable_bytes(12_345_678)
    (0, 10000000, 13000000)
    """
    if scanned <= 0:
        return 0
    return max(math.ceil(scanned / MB), MIN_BILLED_MB) * MB


@dataclass(slots=True)
class _Job:
    account: str
    region: str
    query: QueryExecution
    queued_at: float
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    cursor: duckdb.DuckDBPyConnection | None = None


def _classify(query: str) -> tuple[Statement | None, str, str | None]:
    """(parsed statement or None, StatementType, SubstatementType)."""
    try:
        statement = parse(query)
    except AthenaQueryError:
        return None, "DML", None
    if isinstance(statement, CreateTableAs):
        return statement, "DDL", "CREATE_TABLE_AS_SELECT"
    sub = type(statement).__name__
    subs = {
        "Query": "SELECT",
        "InsertInto": "INSERT",
        "Unload": "UNLOAD",
        "CreateTable": "CREATE_TABLE",
        "CreateDatabase": "CREATE_DATABASE",
        "DropTable": "DROP_TABLE",
        "DropDatabase": "DROP_DATABASE",
        "CreateView": "CREATE_VIEW",
        "DropView": "DROP_VIEW",
        "AddPartitions": "ALTER_TABLE_ADD_PARTITION",
        "DropPartitions": "ALTER_TABLE_DROP_PARTITION",
        "RepairTable": "MSCK_REPAIR_TABLE",
        "Describe": "DESCRIBE_TABLE",
        "ShowTables": "SHOW_TABLES",
        "ShowDatabases": "SHOW_DATABASES",
        "ShowPartitions": "SHOW_PARTITIONS",
        "ShowColumns": "SHOW_COLUMNS",
        "ShowCreateTable": "SHOW_CREATE_TABLE",
        "ShowViews": "SHOW_VIEWS",
    }
    return statement, statement_type(statement), subs.get(sub, sub.upper())


START_GRACE_SECONDS = 0.025
POLL_GRACE_SECONDS = 0.02


class ExecutionOps(AthenaBase):
    # -- starting ---------------------------------------------------------------------

    def start_query_execution(
        self,
        account: str,
        region: str,
        query_string: str,
        *,
        client_request_token: str | None = None,
        database: str | None = None,
        catalog: str | None = None,
        output_location: str | None = None,
        work_group: str | None = None,
        execution_parameters: Sequence[str] | None = None,
        expected_bucket_owner: str | None = None,
        encryption: dict[str, str] | None = None,
    ) -> str:
        """Queue a query; returns its id. The query runs on a worker thread.

        Raises:
            InvalidRequestException: unknown or disabled work group, no output location,
                a query string out of bounds, a client token reused for another query.
        """
        if not 1 <= len(query_string or "") <= MAX_QUERY_LENGTH:
            raise InvalidRequestException("queryString must have length between 1 and 262144")
        if client_request_token:
            existing = self._store.execution_by_token(account, region, client_request_token)
            if existing is not None:
                if existing.query != query_string:
                    raise InvalidRequestException("Idempotent parameters do not match")
                return existing.id
        wg = self._workgroup(account, region, work_group)
        if wg.state == "DISABLED":
            raise InvalidRequestException(f"WorkGroup {wg.name} is disabled.")
        out = (
            wg.output_location
            if wg.enforce_configuration and wg.output_location
            else (output_location or wg.output_location)
        )
        if not out:
            raise InvalidRequestException(NO_OUTPUT)
        if not out.startswith("s3://"):
            raise InvalidRequestException(f"outputLocation is not a valid S3 path: {out}")
        statement, stype, sub = _classify(query_string)
        query_id = self._ids.uuid()
        ext = ".txt" if stype in ("DDL", "UTILITY") and sub != "CREATE_TABLE_AS_SELECT" else ".csv"
        q = QueryExecution(
            query_id,
            query_string,
            stype,
            wg.name,
            out.rstrip("/") + "/" + query_id + ext,
            database,
            catalog or "AwsDataCatalog",
            self._clock.utcnow(),
            substatement_type=sub,
            execution_parameters=list(execution_parameters or []),
            client_request_token=client_request_token,
            encryption=encryption,
            expected_bucket_owner=expected_bucket_owner or wg.expected_bucket_owner,
        )
        job = _Job(account, region, q, time.perf_counter())
        with self._lock:
            self._store.insert_execution(account, region, q)
            self._jobs[query_id] = job
        self._pool.submit(self._execute, job, statement, wg.bytes_scanned_cutoff)
        # Hold the answer briefly: a query that settles within START_GRACE_SECONDS is
        # already final at the client's first poll, saving it a whole poll interval.
        # AWS promises nothing about the state Start leaves a query in.
        job.done.wait(START_GRACE_SECONDS)
        return query_id

    # -- the state machine ------------------------------------------------------------

    def _transition(
        self,
        job: _Job,
        state: QueryState,
        *,
        reason: str | None = None,
        error: AthenaError | None = None,
    ) -> bool:
        """Move ``job`` to ``state`` if ``LIFECYCLE`` allows it; persist."""
        with self._lock:
            q = job.query
            if not LIFECYCLE.can_move(q.state, state):
                return False
            q.state = state
            if reason is not None:
                q.state_change_reason = reason
            q.error = error
            if LIFECYCLE.is_terminal(state):
                q.completed = self._clock.utcnow()
            self._store.update_execution(job.account, job.region, q)
            return True

    def _execute(self, job: _Job, statement: Statement | None, cutoff: int | None) -> None:
        try:
            if not self._transition(job, QueryState.RUNNING):
                return
            started = time.perf_counter()
            job.query.statistics.queue_ms = int((started - job.queued_at) * 1000)
            self._run(job, statement, cutoff, started)
        except Exception:  # noqa: BLE001 - a bug must not kill the worker or hang waiters
            LOG.exception("query %s failed unexpectedly", job.query.id)
            self._fail(job, QueryFailed.system("GENERIC_INTERNAL_ERROR: internal error"))
        finally:
            q = job.query
            scanned = q.statistics.data_scanned if q.state != QueryState.FAILED else 0
            LOG.info(
                "athena query %s %s in %.2fs: %d bytes scanned, %d billed (work group %s)",
                q.id,
                q.state.value,
                time.perf_counter() - job.queued_at,
                scanned,
                billable_bytes(scanned),
                q.work_group,
            )
            job.cursor = None
            job.done.set()
            with self._lock:
                self._jobs.pop(job.query.id, None)

    def _run(
        self, job: _Job, statement: Statement | None, cutoff: int | None, started: float
    ) -> None:
        q = job.query
        try:
            if q.catalog.lower() != "awsdatacatalog":
                raise QueryFailed(f"Catalog '{q.catalog}' does not exist", code="CATALOG_NOT_FOUND")
            text = (
                bind_parameters(q.query, q.execution_parameters)
                if (q.execution_parameters)
                else q.query
            )
            if statement is None or text != q.query:
                statement = parse(text)
            job.cursor = self._cursor()
            ctx = RunContext(
                job.account,
                job.region,
                q.id,
                (q.database or "default").lower(),
                q.output_location.rsplit("/", 1)[0] + "/" if q.output_location else "",
                job.cursor,
                self._clock.utcnow(),
                cutoff,
                job.cancel,
            )
            self._check_output(job)
            result = self._runner.run(ctx, statement)
            q.statistics.engine_ms = int((time.perf_counter() - started) * 1000)
            if job.cancel.is_set():
                raise QueryCancelled(None, result.scanned)
            self._save_result(job, result)
            self._finish(job, QueryState.SUCCEEDED, result.scanned)
        except QueryCancelled as c:
            self._finish(job, QueryState.CANCELLED, c.scanned, reason=c.reason)
        except duckdb.InterruptException:
            self._finish(job, QueryState.CANCELLED, 0)
        except QueryFailed as f:
            self._fail(job, f)
        except AthenaQueryError as e:
            self._fail(job, QueryFailed.from_sql_error(e))
        except AwsError as e:
            self._fail(job, QueryFailed(e.message, code=e.code, reason=e.message))

    def _check_output(self, job: _Job) -> None:
        bucket, _ = split_uri(job.query.output_location or "")
        try:
            self._objects.list_objects_v2(job.account, job.region, bucket, max_keys=0)
        except AwsError as err:
            if err.code == "NoSuchBucket":
                raise QueryFailed(
                    f"Unable to verify/create output bucket {bucket}",
                    code="INVALID_INPUT",
                    reason=(f"Unable to verify/create output bucket {bucket}"),
                ) from err
            raise

    def _fail(self, job: _Job, f: QueryFailed) -> None:
        error = AthenaError(f.category, f.error_type, f.retryable, f.reason)
        self._transition(job, QueryState.FAILED, reason=f.reason, error=error)

    def _finish(
        self, job: _Job, state: QueryState, scanned: int, reason: str | None = None
    ) -> None:
        stats = job.query.statistics
        stats.data_scanned = scanned
        stats.total_ms = stats.queue_ms + stats.engine_ms
        if self._transition(job, state, reason=reason):
            billed = billable_bytes(scanned)
            if billed:
                self._meter.record(
                    SERVICE,
                    "StartQueryExecution",
                    "DataScanned-Bytes",
                    billed,
                    "Bytes",
                    job.account,
                    job.region,
                    job.query.work_group,
                )

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """This worker thread's cursor of the locked session."""
        return self._sql.cursor()

    # -- results ----------------------------------------------------------------------

    def _put(self, job: _Job, uri: str, text: str) -> None:
        bucket, key = split_uri(uri)
        self._objects.put_object(job.account, job.region, bucket, key, BytesIO(text.encode()))

    def _save_result(self, job: _Job, result: StatementResult) -> None:
        q, stats = job.query, job.query.statistics
        location = q.output_location or ""
        base = location.rsplit(".", 1)[0]
        columns = result.columns
        if result.kind == "csv":
            body = csv_text(columns, result.rows)
        elif result.kind == "txt":
            body = txt_text(result.rows)
        else:
            columns, body = [ResultColumn("rows", "bigint", 19)], ""
        if result.kind != "update":
            self._put(job, location, body)
        self._put(
            job,
            location + ".metadata",
            metadata_json(result.kind, columns, len(result.rows), result.update_count),
        )
        if result.manifest is not None:
            manifest = f"{base}-manifest.csv"
            self._put(job, manifest, "".join(uri + "\n" for uri in result.manifest))
            stats.manifest_location = manifest
        q.result_kind, q.update_count = result.kind, result.update_count
        stats.output_rows = result.update_count or len(result.rows)
        stats.output_bytes = len(body.encode())
        stats.input_rows = result.input_rows
        self._results[q.id] = (result.kind, columns, self._data_rows(result), result.update_count)
        while len(self._results) > _CACHE:
            self._results.popitem(last=False)

    @staticmethod
    def _data_rows(result: StatementResult) -> list[list[str | None]]:
        if result.kind == "csv":
            header: list[str | None] = [c.name for c in result.columns]
            return [header, *result.rows]
        return list(result.rows)

    def _load_result(
        self,
        account: str,
        region: str,
        q: QueryExecution,
    ) -> tuple[str, list[ResultColumn], list[list[str | None]], int | None]:
        cached: tuple[str, list[ResultColumn], list[list[str | None]], int | None] | None = (
            self._results.get(q.id)
        )
        if cached is not None:
            self._results.move_to_end(q.id)
            return cached
        location = q.output_location or ""
        kind, columns, _, update_count = parse_metadata(
            self._read(account, region, location + ".metadata")
        )
        rows: list[list[str | None]] = []
        if kind == "csv":
            rows = parse_csv(self._read(account, region, location))
        elif kind == "txt":
            rows = parse_txt(self._read(account, region, location), len(columns))
        loaded = (kind, columns, rows, update_count)
        self._results[q.id] = loaded
        return loaded

    def _read(self, account: str, region: str, uri: str) -> str:
        bucket, key = split_uri(uri)
        try:
            data = self._objects.get_object(account, region, bucket, key)
        except AwsError as err:
            raise InvalidRequestException(
                f"Unable to read query results at {uri}: {err.message}"
            ) from err
        with open(data.path, "rb") as f:
            return f.read(data.length).decode()

    def get_query_results(
        self,
        account: str,
        region: str,
        query_execution_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> ResultPage:
        """One page of a finished query's results (header row first on page 1 of a SELECT).

        Raises:
            InvalidRequestException: unknown id, not finished, failed, or a bad token.
        """
        q = self.get_query_execution(account, region, query_execution_id)
        if q.state != QueryState.SUCCEEDED:
            if not is_terminal(q.state):
                raise InvalidRequestException(
                    f"Query has not yet finished. Current state: {q.state.value}"
                )
            raise InvalidRequestException(
                f"Query did not finish successfully. Final query state: {q.state.value}"
            )
        limit = check_max_results(max_results, MAX_ROWS)
        start = int(decode_token(next_token) or 0)
        kind, columns, rows, update_count = self._load_result(account, region, q)
        page = rows[start : start + limit]
        token = encode_token(str(start + limit)) if start + limit < len(rows) else None
        return ResultPage(columns, page, token, update_count)

    # -- reading executions -----------------------------------------------------------

    def get_query_execution(
        self, account: str, region: str, query_execution_id: str
    ) -> QueryExecution:
        """Raises: InvalidRequestException ("QueryExecution <id> was not found")."""
        job: _Job | None = self._jobs.get(query_execution_id)
        if job is not None and (job.account, job.region) == (account, region):
            # A poll of a running query answers as soon as it settles, within a short
            # wait (AWS answers a Get in tens of ms anyway), so a client polling at any
            # interval learns of completion at once instead of one interval late.
            job.done.wait(POLL_GRACE_SECONDS)
            return job.query
        q = self._store.get_execution(account, region, query_execution_id)
        if q is None:
            raise execution_not_found(query_execution_id)
        return q

    def batch_get_query_execution(
        self,
        account: str,
        region: str,
        ids: Sequence[str],
    ) -> tuple[list[QueryExecution], list[tuple[str, str, str]]]:
        if not 1 <= len(ids) <= MAX_LIST:
            raise InvalidRequestException("QueryExecutionIds must have between 1 and 50 items")
        found: list[QueryExecution] = []
        missing: list[tuple[str, str, str]] = []
        for i in ids:
            try:
                found.append(self.get_query_execution(account, region, i))
            except InvalidRequestException as err:
                missing.append((i, "INVALID_INPUT", err.message))
        return found, missing

    def list_query_executions(
        self,
        account: str,
        region: str,
        work_group: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page[str]:
        """Ids of a work group's queries, newest first."""
        wg = self._workgroup(account, region, work_group)
        limit = check_max_results(max_results, MAX_LIST)
        before = decode_token(next_token)
        rows = self._store.list_execution_ids(
            account, region, wg.name, int(before) if before else None, limit + 1
        )
        if len(rows) > limit:
            return Page([i for _, i in rows[:limit]], encode_token(str(rows[limit - 1][0])))
        return Page([i for _, i in rows])

    def stop_query_execution(self, account: str, region: str, query_execution_id: str) -> None:
        """Cancel a queued or running query; a finished one is left alone."""
        self.get_query_execution(account, region, query_execution_id)
        job = self._jobs.get(query_execution_id)
        if job is None:
            return
        job.cancel.set()
        if self._transition(job, QueryState.CANCELLED):
            return
        cursor = job.cursor
        if cursor is not None:
            try:
                cursor.interrupt()
            except duckdb.Error:
                pass

    def wait(
        self, account: str, region: str, query_execution_id: str, timeout: float = 60.0
    ) -> QueryExecution:
        """Block until the query settles (or ``timeout`` passes); returns it."""
        job = self._jobs.get(query_execution_id)
        if job is not None:
            job.done.wait(timeout)
        return self.get_query_execution(account, region, query_execution_id)

    def run_until_settled(self, timeout: float = 60.0) -> None:
        """Block until every queued and running query has settled."""
        for job in list(self._jobs.values()):
            job.done.wait(timeout)

    def _recover(self) -> None:
        """Queries a previous process left unfinished end as ``LIFECYCLE.recovery`` says."""

        def move(row: tuple[str, str, QueryExecution], state: QueryState) -> None:
            account, region, q = row
            q.state = state
            q.state_change_reason = INTERRUPTED
            q.error = AthenaError(1, 401, True, INTERRUPTED)
            q.completed = self._clock.utcnow()
            self._store.update_execution(account, region, q)

        LIFECYCLE.recover(self._store.unfinished_executions(), lambda row: row[2].state, move)

    def _stop_all(self, timeout: float = 10.0) -> None:
        for job in list(self._jobs.values()):
            job.cancel.set()
            self._transition(job, QueryState.CANCELLED)
            if job.cursor is not None:
                try:
                    job.cursor.interrupt()
                except duckdb.Error:
                    pass
        self.run_until_settled(timeout)

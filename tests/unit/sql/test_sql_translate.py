"""translate(): placeholders, partition predicates, output columns and Athena errors."""

from __future__ import annotations

import duckdb
import pytest

from lakestack.sql import predicates as p
from lakestack.sql.errors import (
    AthenaQueryError,
    ColumnNotFound,
    FunctionNotFound,
    NotSupported,
    SqlSyntaxError,
    TableNotFound,
)
from lakestack.sql.translate import TableRef, TableSchema, translate

EVENTS = TableSchema(
    (("event_id", "string"), ("amount", "int"), ("ts", "timestamp")),
    (("year", "string"), ("month", "string")),
)
USERS = TableSchema((("user_id", "string"), ("name", "string")))
SCHEMA = {("db", "events"): EVENTS, ("db", "users"): USERS, ("other", "events"): EVENTS}
EV = TableRef("db", "events")


def test_tables_become_placeholders_named_db_table() -> None:
    t = translate(
        "SELECT count(*) FROM events e JOIN other.events o ON e.event_id = o.event_id",
        SCHEMA,
        database="db",
    )
    assert t.relations == {"db.events": EV, "other.events": TableRef("other", "events")}
    assert '"db.events" AS "e"' in t.sql and '"other.events" AS "o"' in t.sql


def test_catalog_qualified_name_resolves() -> None:
    t = translate('SELECT event_id FROM awsdatacatalog.db."events"', SCHEMA)
    assert t.relations == {"db.events": EV}


def test_partition_predicates_only_from_partition_columns() -> None:
    t = translate(
        "SELECT event_id FROM events WHERE year = '2026' AND amount > 3 AND month IN ('01', '02')",
        SCHEMA,
        database="db",
    )
    assert t.predicates == {
        EV: p.And((p.Compare("year", "=", "2026"), p.In("month", ("01", "02"))))
    }


def test_predicate_literal_on_the_left_is_flipped() -> None:
    t = translate("SELECT 1 FROM events WHERE '2025' < year", SCHEMA, database="db")
    assert t.predicates[EV] == p.Compare("year", ">", "2025")


def test_predicates_inside_cte_and_subquery_scopes() -> None:
    t = translate(
        "WITH x AS (SELECT * FROM events WHERE year = '2026') SELECT count(*) FROM x",
        SCHEMA,
        database="db",
    )
    assert t.predicates[EV] == p.Compare("year", "=", "2026")


def test_self_join_with_one_side_unfiltered_reads_everything() -> None:
    t = translate("SELECT 1 FROM events a, events b WHERE a.year = '2026'", SCHEMA, database="db")
    assert t.predicates[EV] == p.TRUE


def test_output_columns_named_and_typed_like_athena() -> None:
    t = translate(
        "SELECT event_id, amount + 1, count(*) AS n, ts FROM events GROUP BY 1, 2, 4",
        SCHEMA,
        database="db",
    )
    assert t.columns == (
        ("event_id", "varchar"),
        ("_col1", "integer"),
        ("n", "bigint"),
        ("ts", "timestamp"),
    )


def test_star_includes_partition_columns() -> None:
    t = translate("SELECT * FROM events", SCHEMA, database="db")
    assert [name for name, _ in t.columns] == ["event_id", "amount", "ts", "year", "month"]


@pytest.mark.parametrize(
    ("sql", "error", "message"),
    [
        (
            "SELECT * FROM missing",
            TableNotFound,
            "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.db.missing' does not exist",
        ),
        (
            "SELECT *\nFROM nodb.events",
            TableNotFound,
            "TABLE_NOT_FOUND: line 2:6: Table 'awsdatacatalog.nodb.events' does not exist",
        ),
        (
            "SELECT x FROM events",
            ColumnNotFound,
            "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved",
        ),
        (
            "SELECT event_id FROM events WHERE foo(event_id)",
            FunctionNotFound,
            "FUNCTION_NOT_FOUND: line 1:35: Function 'foo' not registered",
        ),
        (
            "SELECT event_id FROM events WHERE",
            SqlSyntaxError,
            "SYNTAX_ERROR: line 1:34: mismatched input '<EOF>'",
        ),
    ],
)
def test_errors_are_athena_errors(sql: str, error: type[AthenaQueryError], message: str) -> None:
    with pytest.raises(error) as info:
        translate(sql, SCHEMA, database="db")
    assert info.value.state_change_reason == message
    assert info.value.error_category == 2


def test_non_query_statement_is_not_supported_here() -> None:
    with pytest.raises(NotSupported):
        translate("DROP TABLE events", SCHEMA, database="db")


def test_translated_sql_runs_on_duckdb_over_bound_placeholder() -> None:
    t = translate(
        "SELECT month, sum(amount) / 2 FROM events WHERE year = '2026' GROUP BY 1 ORDER BY 1",
        SCHEMA,
        database="db",
    )
    cur = duckdb.connect().cursor()
    cur.execute(
        'CREATE TEMP VIEW "db.events" AS SELECT * FROM (VALUES '
        "('a', 3, TIMESTAMP '2026-01-01', '2026', '01'), "
        "('b', 4, TIMESTAMP '2026-01-02', '2026', '01'), "
        "('c', -3, TIMESTAMP '2026-02-01', '2026', '02')) "
        "AS v(event_id, amount, ts, year, month)"
    )
    assert cur.execute(t.sql).fetchall() == [("01", 3), ("02", -1)]


def test_translate_remembers_a_translation_but_not_across_schemas() -> None:
    sql = "SELECT event_id, region FROM events WHERE year = '2026'"
    with pytest.raises(ColumnNotFound):
        translate(sql, SCHEMA, database="db")
    region = TableSchema((*EVENTS.columns, ("region", "string")), EVENTS.partition_keys)
    widened = {**SCHEMA, ("db", "events"): region}
    first = translate(sql, widened, database="db")
    first.relations.clear()  # a caller's copy: the remembered translation is untouched
    first.predicates.clear()
    again = translate(sql, dict(reversed(widened.items())), database="db")
    assert again.relations == {"db.events": EV} and again.sql == first.sql
    assert again.predicates == {EV: p.Compare("year", "=", "2026")}
    with pytest.raises(ColumnNotFound):
        translate(sql, SCHEMA, database="db")
    with pytest.raises(TableNotFound):
        translate(sql, widened, database="nodb")

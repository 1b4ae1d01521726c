"""The locked DuckDB session: SQL that reaches it cannot read or write host files, load
extensions, attach databases or undo the lock; allowed directories still work."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from lakestack.core.errors import AwsError, ValidationException, translating
from lakestack.sql.session import ERROR_KINDS, SqlSession, error_table

FORBIDDEN = [
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "COPY (SELECT 1) TO '{outside}/x.csv'",
    "EXPORT DATABASE '{outside}/export'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "LOAD '/tmp/evil.duckdb_extension'",
    "ATTACH '{outside}/other.duckdb' AS other",
    "SET enable_external_access=true",
    "SET allowed_directories=['/']",
    "SET lock_configuration=false",
    "RESET lock_configuration",
    "SET autoload_known_extensions=true",
    "SET TimeZone='Asia/Tokyo'",
    "PRAGMA disable_profiling",
    "CREATE SECRET (TYPE s3, KEY_ID 'a', SECRET 'b')",
]


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    made = {name: tmp_path / name for name in ("blobs", "staging", "spill", "outside")}
    for d in made.values():
        d.mkdir()
    return made


@pytest.fixture
def session(dirs: dict[str, Path]) -> SqlSession:
    s = SqlSession(
        [dirs["blobs"], dirs["staging"]],
        dirs["spill"],
        cursors=2,
        session_sql=("SET TimeZone='UTC'", "PRAGMA enable_profiling='no_output'"),
    )
    yield s
    s.close()


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_locked_session_refuses(session: SqlSession, dirs: dict[str, Path], statement: str) -> None:
    cursor = session.cursor()
    with pytest.raises(duckdb.Error):
        cursor.execute(statement.format(outside=dirs["outside"])).fetchall()
    assert list(dirs["outside"].iterdir()) == []


def test_locked_session_refuses_symlinks_and_dotdot_leading_outside(
    session: SqlSession, dirs: dict[str, Path]
) -> None:
    secret = dirs["outside"] / "secret.csv"
    secret.write_text("top secret\n")
    (dirs["blobs"] / "link.csv").symlink_to(secret)
    cursor = session.cursor()
    for path in (dirs["blobs"] / "link.csv", f"{dirs['blobs']}/../outside/secret.csv"):
        with pytest.raises(duckdb.PermissionException):
            cursor.execute(f"SELECT * FROM read_csv('{path}')").fetchall()


def test_locked_session_reads_allowed_dirs_and_writes_staging(
    session: SqlSession, dirs: dict[str, Path]
) -> None:
    (dirs["blobs"] / "a.csv").write_text("1\n2\n")
    cursor = session.cursor()
    rows = cursor.execute(f"SELECT sum(column0) FROM read_csv('{dirs['blobs']}/a.csv')")
    assert rows.fetchall() == [(3,)]
    target = dirs["staging"] / "out.parquet"
    cursor.execute(f"COPY (SELECT 42 AS x) TO '{target}' (FORMAT parquet)")
    assert cursor.execute(f"SELECT x FROM read_parquet('{target}')").fetchall() == [(42,)]
    # Session settings made before the lock hold.
    assert cursor.execute("SELECT current_setting('TimeZone')").fetchall() == [("UTC",)]


def test_locked_session_hides_python_variables(session: SqlSession) -> None:
    secret_rows = [("leak",)]  # noqa: F841 - what a replacement scan would find
    with pytest.raises(duckdb.CatalogException):
        session.cursor().execute("SELECT * FROM secret_rows").fetchall()


def test_session_gives_each_thread_its_own_cursor_and_no_more_than_made(
    session: SqlSession,
) -> None:
    mine = session.cursor()
    assert session.cursor() is mine
    other: list[object] = []
    t = threading.Thread(target=lambda: other.append(session.cursor()))
    t.start()
    t.join()
    assert other and other[0] is not mine
    errors: list[BaseException] = []

    def third() -> None:
        try:
            session.cursor()
        except RuntimeError as exc:
            errors.append(exc)

    t = threading.Thread(target=third)
    t.start()
    t.join()
    assert errors and "cursors are in use" in str(errors[0])


def test_error_table_maps_duckdb_errors_by_kind(session: SqlSession) -> None:
    table = error_table({kind: ValidationException for kind in ERROR_KINDS})
    assert len(table) == len(ERROR_KINDS)
    with pytest.raises(ValidationException, match="Permission Error"):
        with translating(table):
            session.cursor().execute("SELECT * FROM read_text('/etc/passwd')")
    with pytest.raises(ValueError, match="unknown DuckDB error kinds"):
        error_table({"nonsense": AwsError})

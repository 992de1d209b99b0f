"""The SQL connector against a real SQLite file."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest

from goalkeeper.sources.connectors import Context, SourceError
from goalkeeper.sources.connectors.sql import SqlConnector
from tests.sources.connectors.conftest import PARIS, paris

QUERY = "SELECT day, revenue FROM daily ORDER BY day"


@pytest.fixture
def database(file_root: Path) -> Path:
    path = file_root / "metrics.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE daily (day TEXT, revenue REAL, note TEXT)")
        db.executemany(
            "INSERT INTO daily VALUES (?, ?, ?)",
            [
                ("2026-01-01", 10.5, "a"),
                ("2026-01-02 12:30:00", 20, "b"),
                ("2026-01-03T08:00:00+00:00", 30, "c"),
            ],
        )
    db.close()
    return path


def source(path: Path, query: str, context: Context) -> SqlConnector:
    return SqlConnector({"url": f"sqlite:///{path}", "query": query}, {}, context)


def rows_of(connector: SqlConnector, since: dt.datetime | None = None):
    return [(row.line, row.timestamp, row.value) for row in connector.fetch(since)]


def test_rows_are_read_with_naive_times_in_the_workspace_zone(database, context):
    rows = rows_of(source(database, QUERY, context))
    assert rows == [
        (1, paris(2026, 1, 1), 10.5),
        (2, paris(2026, 1, 2, 12, 30), 20.0),
        (3, dt.datetime(2026, 1, 3, 8, tzinfo=dt.UTC), 30.0),
    ]
    assert all(stamp.tzinfo is not None for _, stamp, _ in rows)


def test_columns_named_timestamp_and_value_are_used_wherever_they_are(database, context):
    query = "SELECT note, revenue AS Value, day AS TIMESTAMP FROM daily ORDER BY day LIMIT 1"
    assert rows_of(source(database, query, context)) == [(1, paris(2026, 1, 1), 10.5)]


def test_since_is_bound_as_iso_text_in_the_workspace_wall_clock(database, context):
    # 11:30:15 UTC is 12:30:15 in Paris, written as SQLite's own datetime() writes it.
    query = "SELECT day, revenue FROM daily WHERE :since = '2026-01-02 12:30:15'"
    since = dt.datetime(2026, 1, 2, 11, 30, 15, tzinfo=dt.UTC)
    assert [row.value for row in source(database, query, context).fetch(since)] == [30.0]


def test_since_utc_serves_columns_that_hold_utc_like_current_timestamp(file_root, context):
    path = file_root / "utc.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE paid (at TEXT, amount REAL)")
        # 10:00 and 11:00 UTC, as CURRENT_TIMESTAMP writes them (no zone).
        db.executemany(
            "INSERT INTO paid VALUES (?, ?)",
            [("2026-01-02 10:00:00", 1), ("2026-01-02 11:00:00", 2)],
        )
    db.close()
    query = "SELECT at || 'Z', amount FROM paid WHERE at >= :since_utc ORDER BY at"
    # 11:00 in Paris is 10:00 UTC: both rows; a plain :since would compare 11:00 with them.
    rows = source(path, query, context).fetch(paris(2026, 1, 2, 11))
    assert [(row.timestamp, row.value) for row in rows] == [
        (dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC), 1.0),
        (dt.datetime(2026, 1, 2, 11, tzinfo=dt.UTC), 2.0),
    ]


def test_since_filters_in_the_query_when_it_names_it(database, context):
    query = "SELECT day, revenue FROM daily WHERE day >= :since ORDER BY day"
    rows = rows_of(source(database, query, context), since=paris(2026, 1, 2))
    assert [value for *_, value in rows] == [20.0, 30.0]


def test_since_filters_the_rows_of_a_query_that_does_not_name_it(database, context):
    rows = rows_of(source(database, QUERY, context), since=paris(2026, 1, 2, 12))
    assert [(line, value) for line, _, value in rows] == [(2, 20.0), (3, 30.0)]


def test_without_since_the_query_gets_the_start_of_1970(database, context):
    [row] = source(database, "SELECT :since, 1", context).fetch(None)
    assert row.timestamp == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def test_preview_reads_the_first_ten_rows(file_root, context):
    path = file_root / "many.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (day TEXT, v REAL)")
        db.executemany(
            "INSERT INTO t VALUES (?, ?)", [(f"2026-02-{d:02}", d) for d in range(1, 29)]
        )
    db.close()
    preview = source(path, "SELECT day, v FROM t ORDER BY day", context).preview()
    assert [row.value for row in preview] == [float(d) for d in range(1, 11)]


def test_text_where_a_number_belongs_names_the_row(database, context):
    query = "SELECT day, CASE WHEN note = 'c' THEN 'abc' ELSE revenue END FROM daily ORDER BY day"
    with pytest.raises(SourceError) as caught:
        source(database, query, context).fetch(None)
    assert str(caught.value) == "row 3: value: “abc” is not a number"
    assert caught.value.row == 3


def test_a_bad_timestamp_names_the_row(database, context):
    query = "SELECT note, revenue FROM daily ORDER BY day"
    with pytest.raises(SourceError, match=r"^row 1: timestamp: “a” is not a date"):
        source(database, query, context).fetch(None)


def test_fewer_than_two_columns_is_refused(database, context):
    with pytest.raises(SourceError, match="the query returns 1 column: it must return"):
        source(database, "SELECT revenue FROM daily", context).fetch(None)


def test_an_sql_error_is_reported_in_the_databases_words(database, context):
    with pytest.raises(SourceError, match="no such table: nope"):
        source(database, "SELECT a, b FROM nope", context).fetch(None)


def test_a_missing_file_is_a_source_that_is_down(file_root, context):
    with pytest.raises(SourceError, match=r"there is no database file at .*gone\.db"):
        source(file_root / "gone.db", QUERY, context).fetch(None)
    assert not (file_root / "gone.db").exists()


def test_a_file_that_is_not_a_database_says_so(file_root, context):
    path = file_root / "notes.db"
    path.write_text("hello, this is not SQLite, not at all, it is only text\n" * 10)
    with pytest.raises(SourceError, match="file is not a database"):
        source(path, QUERY, context).fetch(None)


def test_a_slow_query_is_stopped_at_the_timeout(database):
    forever = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*), 1 FROM n"
    )
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"timed out: the query ran longer than 0\.5 s"):
        source(database, forever, Context(timeout=0.5, zone=PARIS)).fetch(None)
    assert time.monotonic() - started < 3


def test_a_write_that_passes_the_check_is_refused_by_the_read_only_connection(database, context):
    query = "WITH x AS (SELECT '2027-01-01', 1, 'z') INSERT INTO daily SELECT * FROM x"
    connector = source(database, query, context)
    assert connector.check() == {}
    with pytest.raises(SourceError, match="the query tried to write: a data source only reads"):
        connector.fetch(None)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM daily").fetchone() == (3,)
    db.close()


def test_a_delete_is_refused_before_anything_is_opened(database, context):
    connector = source(database, "DELETE FROM daily", context)
    assert "query" in connector.check()
    with pytest.raises(SourceError, match="query: the query must be a SELECT"):
        connector.fetch(None)


def test_a_file_outside_the_allowed_folders_is_never_opened(tmp_path, file_root, context):
    outside = tmp_path / "elsewhere.db"
    sqlite3.connect(outside).close()
    with pytest.raises(SourceError, match="url: the SQLite file: the path must be inside"):
        source(outside, "SELECT 1, 2", context).fetch(None)

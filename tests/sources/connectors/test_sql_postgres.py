"""The SQL connector against the PostgreSQL server of the machine (a throwaway database)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy.exc import DBAPIError

from goalkeeper.sources.connectors import Context, SourceError
from goalkeeper.sources.connectors.sql import SqlConnector
from tests.sources.connectors.conftest import PARIS, Server, paris


@pytest.fixture
def sales(postgres: Server) -> Server:
    postgres.run("CREATE TABLE sales (at timestamptz, local_day timestamp, amount numeric(10,2))")
    postgres.run(
        "INSERT INTO sales VALUES "
        "('2026-03-01 09:00+00', '2026-03-01 00:00', 100.25),"
        "('2026-03-02 09:00+00', '2026-03-02 00:00', 200),"
        "('2026-03-03 09:00+00', '2026-03-03 00:30', 300)"
    )
    postgres.run("CREATE SEQUENCE counter")
    return postgres


def source(url: str, query: str, context: Context, password: str = "") -> SqlConnector:
    return SqlConnector({"url": url, "query": query}, {"password": password}, context)


def test_rows_are_read_with_aware_timestamps_and_numbers(sales, context):
    rows = source(sales.url, "SELECT at, amount FROM sales ORDER BY at", context).fetch(None)
    assert [(r.line, r.timestamp, r.value) for r in rows] == [
        (1, dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), 100.25),
        (2, dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), 200.0),
        (3, dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC), 300.0),
    ]
    assert all(row.timestamp.tzinfo is not None for row in rows)


def test_since_is_bound_as_an_aware_instant(sales, context):
    query = "SELECT at AS timestamp, amount AS value FROM sales WHERE at >= :since ORDER BY at"
    since = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    rows = source(sales.url, query, context).fetch(since)
    assert [(row.line, row.value) for row in rows] == [(1, 200.0), (2, 300.0)]


def test_naive_timestamps_are_the_workspace_wall_clock_both_ways(sales, context):
    # 2026-03-03 00:30 in Paris is 23:30 UTC the day before: the session's zone is the
    # workspace's, so the comparison with :since and the rows read agree.
    query = "SELECT local_day, amount FROM sales WHERE local_day >= :since ORDER BY 1"
    since = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    rows = source(sales.url, query, context).fetch(since)
    assert [(row.timestamp, row.value) for row in rows] == [(paris(2026, 3, 3, 0, 30), 300.0)]


def test_since_utc_is_a_naive_utc_timestamp_for_columns_that_hold_utc(sales, context):
    # Read as UTC: local_day holds 2026-03-03 00:30, which is > 2026-03-02 23:45 UTC.
    query = (
        "SELECT local_day AT TIME ZONE 'UTC', amount FROM sales "
        "WHERE local_day >= :since_utc ORDER BY 1"
    )
    since = paris(2026, 3, 3, 0, 45)  # 23:45 UTC the day before
    rows = source(sales.url, query, context).fetch(since)
    assert [(row.timestamp, row.value) for row in rows] == [
        (dt.datetime(2026, 3, 3, 0, 30, tzinfo=dt.UTC), 300.0)
    ]


def test_percent_signs_and_casts_reach_the_server_unchanged(sales, context):
    query = "SELECT at::timestamptz, amount FROM sales WHERE 'a%b' LIKE 'a%%' AND amount > 150"
    assert [r.value for r in source(sales.url, query, context).fetch(None)] == [200.0, 300.0]


def test_preview_reads_the_first_ten_rows(postgres, context):
    query = (
        "SELECT timestamptz '2026-01-01' + n * interval '1 day', n "
        "FROM generate_series(1, 50) AS n ORDER BY n"
    )
    assert [r.value for r in source(postgres.url, query, context).preview()] == list(
        map(float, range(1, 11))
    )


def test_text_where_a_number_belongs_names_the_row(sales, context):
    query = (
        "SELECT at, CASE WHEN amount = 300 THEN 'abc' ELSE amount::text END FROM sales ORDER BY at"
    )
    with pytest.raises(SourceError) as caught:
        source(sales.url, query, context).fetch(None)
    assert str(caught.value) == "row 3: value: “abc” is not a number"


def test_fewer_than_two_columns_is_refused(sales, context):
    with pytest.raises(SourceError, match="returns 1 column"):
        source(sales.url, "SELECT amount FROM sales", context).fetch(None)


def test_a_slow_query_is_stopped_by_the_server_at_the_timeout(postgres):
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"timed out: the query ran longer than 1 s"):
        source(postgres.url, "SELECT now(), pg_sleep(5)", Context(1.0, PARIS)).fetch(None)
    assert time.monotonic() - started < 4


def test_a_data_modifying_cte_is_refused_by_the_read_only_transaction(sales, context):
    query = "WITH gone AS (DELETE FROM sales RETURNING at, amount) SELECT * FROM gone"
    connector = source(sales.url, query, context)
    assert connector.check() == {}
    with pytest.raises(SourceError, match="the query tried to write: a data source only reads"):
        connector.fetch(None)
    assert sales.run("SELECT count(*) FROM sales").fetchone() == (3,)


def test_a_function_that_writes_is_refused_by_the_read_only_transaction(sales, context):
    with pytest.raises(SourceError, match="the query tried to write"):
        source(sales.url, "SELECT now(), nextval('counter')", context).fetch(None)
    assert sales.run("SELECT last_value, is_called FROM counter").fetchone() == (1, False)


def test_an_sql_error_is_reported_in_the_servers_words(postgres, context):
    with pytest.raises(SourceError, match=r'^relation "nope" does not exist$'):
        source(postgres.url, "SELECT a, b FROM nope", context).fetch(None)


def test_a_closed_port_is_a_source_that_is_down(context, closed_port):
    url = f"postgresql://reader@127.0.0.1:{closed_port}/sales"
    with pytest.raises(SourceError, match="Connection refused") as caught:
        source(url, "SELECT 1, 2", context, password="hunter2-secret").fetch(None)
    assert "hunter2-secret" not in str(caught.value)


def test_an_unknown_database_says_so_without_the_password(postgres, context):
    url = postgres.url.rsplit("/", 1)[0] + "/gk_src_missing"
    with pytest.raises(SourceError, match='database "gk_src_missing" does not exist') as caught:
        source(url, "SELECT 1, 2", context, password="hunter2-secret").fetch(None)
    assert "hunter2-secret" not in str(caught.value)


def test_an_unknown_host_is_a_source_that_is_down(context):
    url = "postgresql://reader@no-such-host.invalid/sales"
    with pytest.raises(SourceError, match="failed to resolve host"):
        source(url, "SELECT 1, 2", context).fetch(None)


def test_the_driver_refuses_a_second_statement_even_if_the_check_were_fooled(sales, context):
    # Fence 3: whatever prepare_query lets through, the server runs one statement only.
    connector = source(sales.url, "SELECT 1, 2", context)
    from goalkeeper.sources.connectors import sql

    fooled = sql.PreparedQuery("SELECT 1, 2; DELETE FROM sales\n/* %(since)s */", False)
    engine = sql._engine(sql.database_url(sales.url), "postgresql", context)
    try:
        with engine.connect() as connection, pytest.raises(DBAPIError, match="multiple commands"):
            connector._run(connection, "postgresql", fooled, None, None)
    finally:
        engine.dispose()
    assert sales.run("SELECT count(*) FROM sales").fetchone() == (3,)

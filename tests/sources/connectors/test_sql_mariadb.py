"""The SQL connector against the MariaDB (or MySQL) server of the machine, through PyMySQL."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from goalkeeper.sources.connectors import Context, SourceError
from goalkeeper.sources.connectors.sql import SqlConnector
from tests.sources.connectors.conftest import PARIS, Server, paris


@pytest.fixture
def visits(mariadb: Server) -> Server:
    mariadb.run("CREATE TABLE visits (day DATETIME, count DECIMAL(10, 2)) ENGINE=InnoDB")
    mariadb.run(
        "INSERT INTO visits VALUES ('2026-04-01 00:00', 5), ('2026-04-02 00:00', 6.5),"
        " ('2026-04-03 00:00', 7)"
    )
    return mariadb


def source(url: str, query: str, context: Context) -> SqlConnector:
    return SqlConnector({"url": url, "query": query}, {}, context)


def test_rows_are_read_with_naive_datetimes_in_the_workspace_zone(visits, context):
    rows = source(visits.url, "SELECT day, count FROM visits ORDER BY day", context).fetch(None)
    assert [(r.line, r.timestamp, r.value) for r in rows] == [
        (1, paris(2026, 4, 1), 5.0),
        (2, paris(2026, 4, 2), 6.5),
        (3, paris(2026, 4, 3), 7.0),
    ]


def test_since_is_bound_as_the_workspace_wall_clock(visits, context):
    query = "SELECT day, count FROM visits WHERE day >= :since ORDER BY day"
    # Midnight on April 2nd in Paris is 22:00 UTC on April 1st.
    since = dt.datetime(2026, 4, 1, 22, tzinfo=dt.UTC)
    rows = source(visits.url, query, context).fetch(since)
    assert [(row.line, row.value) for row in rows] == [(1, 6.5), (2, 7.0)]


def test_since_utc_is_the_same_instant_as_a_utc_datetime(mariadb, context):
    query = "SELECT :since AS timestamp, TIMESTAMPDIFF(MINUTE, :since_utc, :since) AS value"
    # Without since, 1970-01-01 00:00 UTC: 01:00 on the wall clocks of Paris.
    [row] = source(mariadb.url, query, context).fetch(None)
    assert (row.timestamp, row.value) == (paris(1970, 1, 1, 1), 60.0)


def test_percent_signs_reach_the_server_unchanged(visits, context):
    query = "SELECT day, count FROM visits WHERE 'a%b' LIKE 'a%' AND count > 6 ORDER BY day"
    assert [r.value for r in source(visits.url, query, context).fetch(None)] == [6.5, 7.0]


def test_text_where_a_number_belongs_names_the_row(visits, context):
    query = "SELECT day, IF(count = 7, 'abc', count) FROM visits ORDER BY day"
    with pytest.raises(SourceError) as caught:
        source(visits.url, query, context).fetch(None)
    assert str(caught.value) == "row 3: value: “abc” is not a number"


def test_a_slow_query_is_stopped_at_the_timeout(mariadb):
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"timed out: the query ran longer than 1 s"):
        source(mariadb.url, "SELECT NOW(), SLEEP(5)", Context(1.0, PARIS)).fetch(None)
    assert time.monotonic() - started < 4


def test_a_function_that_writes_is_refused_by_the_read_only_transaction(visits, context):
    visits.run(
        "CREATE FUNCTION bump() RETURNS INT MODIFIES SQL DATA "
        "BEGIN INSERT INTO visits VALUES (NOW(), 1); RETURN 1; END"
    )
    with pytest.raises(SourceError, match="the query tried to write"):
        source(visits.url, "SELECT NOW(), bump()", context).fetch(None)
    visits.run("SELECT 1")  # the admin connection still works
    rows = source(visits.url, "SELECT day, count FROM visits", context).fetch(None)
    assert len(rows) == 3


def test_a_closed_port_is_a_source_that_is_down(context, closed_port):
    url = f"mysql://reader@127.0.0.1:{closed_port}/sales"
    with pytest.raises(SourceError, match=r"Can't connect to MySQL server.*Connection refused"):
        source(url, "SELECT 1, 2", context).fetch(None)


def test_an_sql_error_is_reported_in_the_servers_words(mariadb, context):
    with pytest.raises(SourceError, match=r"Table '.*\.nope' doesn't exist"):
        source(mariadb.url, "SELECT a, b FROM nope", context).fetch(None)

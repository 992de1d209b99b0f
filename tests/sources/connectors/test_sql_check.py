"""The SQL connector's configuration: URLs, passwords and queries, checked before connecting."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from goalkeeper.sources.connectors import Context, connector_class
from goalkeeper.sources.connectors.sql import SqlConnector, prepare_query, split_password


def sql(context: Context, url: str, query: str = "SELECT 1, 2", password: str = ""):
    return SqlConnector({"url": url, "query": query}, {"password": password}, context)


def test_the_sql_kind_is_registered():
    assert connector_class("sql") is SqlConnector
    assert SqlConnector.label == "SQL database"
    assert SqlConnector.secret_names() == {"password"}
    assert [p.name for p in SqlConnector.parameters] == ["url", "password", "query"]


# --- split_password ----------------------------------------------------------------------------


def test_split_password_moves_the_password_out_of_the_url():
    url, password = split_password("postgresql://reader:s3cr%40t@db.example.com:5433/sales")
    assert url == "postgresql://reader@db.example.com:5433/sales"
    assert password == "s3cr@t"


def test_split_password_leaves_a_url_without_password_alone():
    assert split_password("mysql://reader@db/sales") == ("mysql://reader@db/sales", None)


def test_split_password_leaves_what_is_not_a_url_for_check_to_explain():
    assert split_password("not a url") == ("not a url", None)


def test_split_password_is_reachable_from_the_class():
    assert SqlConnector.split_password("mysql://u:p@h/d") == ("mysql://u@h/d", "p")


# --- URL ---------------------------------------------------------------------------------------


def test_url_and_query_are_required(context):
    assert sql(context, "", "").check() == {
        "url": "this field is required",
        "query": "this field is required",
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "this is not a database URL"),
        ("postgresql://reader:hunter2@db/sales", "take the password out of the URL"),
        ("oracle://reader@db/sales", "only SQLite, PostgreSQL, MySQL and MariaDB"),
        ("postgresql+psycopg2://reader@db/sales", "the psycopg2 driver is not supported"),
        ("postgresql:///sales", "the URL names no server"),
        ("sqlite://", "give the database file's absolute path"),
        ("sqlite:///relative.db", "the SQLite file: the path must be absolute"),
    ],
)
def test_a_bad_url_is_a_field_error(context, file_root, url, message):
    errors = sql(context, url).check()
    assert list(errors) == ["url"]
    assert message in errors["url"]
    assert "hunter2" not in errors["url"]


def test_default_drivers_and_the_postgres_alias_are_accepted(context, file_root):
    for url in ("postgres://r@db/s", "postgresql://r@db/s", "mysql://r@db/s", "mariadb://r@db/s"):
        assert sql(context, url).check() == {}, url


def test_a_missing_driver_names_the_extra_to_install(context, monkeypatch):
    # As if PyMySQL were not installed: importing it fails.
    monkeypatch.setitem(sys.modules, "pymysql", None)
    errors = sql(context, "mysql://reader@db/sales").check()
    assert errors == {
        "url": "the MySQL driver is not installed on the server: pip install goalkeeper[mysql]"
    }


def test_a_sqlite_file_must_be_inside_the_allowed_folders(context, file_root, tmp_path):
    outside = tmp_path / "goalkeeper.sqlite3"
    errors = sql(context, f"sqlite:///{outside}").check()
    assert errors["url"] == f"the SQLite file: the path must be inside one of: {file_root}"


def test_a_symlink_cannot_lead_a_sqlite_url_out_of_the_allowed_folders(
    context, file_root: Path, tmp_path
):
    secret = tmp_path / "private.sqlite3"
    secret.write_bytes(b"")
    (file_root / "link.sqlite3").symlink_to(secret)
    assert "must be inside" in sql(context, f"sqlite:///{file_root}/link.sqlite3").check()["url"]
    assert (
        "must be inside" in sql(context, f"sqlite:///{file_root}/../private.sqlite3").check()["url"]
    )


def test_describe_names_the_database_and_never_the_password(context):
    source = sql(context, "postgresql://reader@db.example.com:5433/sales", password="hunter2")
    assert source.describe() == "PostgreSQL database “sales” on db.example.com:5433"
    assert sql(context, "sqlite:////srv/m.db").describe() == "SQLite file /srv/m.db"


# --- The query ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("DELETE FROM t", "the query must be a SELECT"),
        ("UPDATE t SET v = 1", "the query must be a SELECT"),
        ("-- just a comment\n", "the query must be a SELECT"),
        ("'SELECT'", "the query must be a SELECT"),
        ("SELECT 1, 2; DELETE FROM t", "one statement only"),
        ("SELECT 1, 2;\n-- fine\nDROP TABLE t", "one statement only"),
        ("SELECT 'it''s', 2; SELECT 3", "one statement only"),
        ("SELECT 'unclosed, 2", "a quote (') is not closed"),
        ("SELECT 1, 2 /* unclosed", "a /* comment is not closed"),
        ("SELECT * FROM t INTO OUTFILE '/tmp/x'", "must not write a file"),
    ],
)
def test_a_query_that_is_not_one_select_is_refused_by_check(context, query, message):
    errors = sql(context, "postgresql://r@db/s", query).check()
    assert list(errors) == ["query"]
    assert message in errors["query"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT day, value FROM t",
        "select day, value from t;",
        "  (SELECT 1, 2)",
        "WITH x AS (SELECT 1 AS a) SELECT a, a FROM x",
        "-- leading comment\nSELECT 1, 2 -- ; DELETE FROM t",
        "/* ; */ SELECT ';', 2",
        'SELECT 1 AS "a;b", 2',
        "SELECT $$;$$, 2",
        "SELECT $body$ ; DELETE $body$, 2",
    ],
)
def test_one_select_passes_whatever_its_comments_and_strings_hold(context, query):
    assert sql(context, "postgresql://r@db/s", query).check() == {}


def test_since_is_found_in_the_code_not_in_strings_or_comments():
    assert prepare_query("SELECT a, b FROM t WHERE a >= :since", "sqlite").uses_since
    assert not prepare_query("SELECT ':since', b -- :since", "sqlite").uses_since
    assert not prepare_query("SELECT a::since, b FROM t", "postgresql").uses_since


def test_the_query_is_rewritten_for_pyformat_drivers():
    query = prepare_query("SELECT a, b FROM t WHERE a >= :since AND c LIKE 'x%' -- c\n", "mysql")
    assert query.text == "SELECT a, b FROM t WHERE a >= %(since)s AND c LIKE 'x%%'"


def test_since_utc_is_rewritten_too():
    query = prepare_query("SELECT a, b FROM t WHERE a >= :since_utc", "postgresql")
    assert query.text == "SELECT a, b FROM t WHERE a >= %(since_utc)s"
    assert query.uses_since


def test_sqlite_keeps_its_own_named_placeholder():
    query = prepare_query("SELECT a, b FROM t WHERE a >= :since; ", "sqlite")
    assert query.text == "SELECT a, b FROM t WHERE a >= :since"


def test_postgres_always_gets_a_placeholder_so_one_statement_is_enforced_by_the_server():
    assert prepare_query("SELECT 1, 2", "postgresql").text.endswith("/* %(since)s */")


def test_mysql_hash_comments_and_backslash_escapes_are_understood():
    assert prepare_query("SELECT 'a\\';', 2 # ; DROP TABLE t", "mariadb").text == (
        "SELECT 'a\\';', 2"
    )
    # "--" without a space is arithmetic in MySQL, not a comment.
    with pytest.raises(ValueError, match="one statement only"):
        prepare_query("SELECT 1--1, 2; DELETE FROM t", "mysql")


def test_postgres_escape_strings_and_nested_comments_are_understood():
    assert prepare_query("SELECT E'\\';', 2", "postgresql").uses_since is False
    with pytest.raises(ValueError, match="one statement only"):
        prepare_query("SELECT 1 /* /* */ ; */, 2; DELETE FROM t", "postgresql")

"""Real things for the connectors to read: files, SQLite, PostgreSQL, MariaDB, HTTP.

PostgreSQL and MariaDB get a throwaway database per test (`gk_src_<random>`), dropped
afterwards; a test that needs a server that does not answer is skipped, saying which.
"""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from goalkeeper.sources.connectors import Context

PARIS = ZoneInfo("Europe/Paris")
PG_HOST, PG_PORT = "127.0.0.1", 5432
MYSQL_HOST, MYSQL_PORT = "127.0.0.1", 3306


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Paris, the workspace zone of these tests."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def context() -> Context:
    return Context(timeout=2.0, zone=PARIS)


@pytest.fixture
def file_root(tmp_path: Path, settings: Any) -> Path:
    """The one folder sources may read files from (SOURCE_FILE_ROOTS)."""
    root = tmp_path / "allowed"
    root.mkdir()
    settings.SOURCE_FILE_ROOTS = [root]
    return root


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A throwaway database on a real server: its URL (no password) and a way to set it up."""

    url: str
    run: Callable[..., Any]


@pytest.fixture
def postgres() -> Iterator[Server]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(
            host=PG_HOST,
            port=PG_PORT,
            user="postgres",
            dbname="postgres",
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL does not answer on {PG_HOST}:{PG_PORT}: {error}")
    name = f"gk_src_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user="postgres", dbname=name, autocommit=True
        ) as database:
            yield Server(
                url=f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}", run=database.execute
            )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def mariadb() -> Iterator[Server]:
    pymysql = pytest.importorskip("pymysql")
    try:
        admin = pymysql.connect(
            host=MYSQL_HOST,
            port=MYSQL_PORT,
            user="root",
            password="",
            connect_timeout=3,
            autocommit=True,
        )
    except pymysql.MySQLError as error:
        pytest.skip(f"MariaDB/MySQL does not answer on {MYSQL_HOST}:{MYSQL_PORT}: {error}")
    name = f"gk_src_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}`")

    def run(sql: str, params: Any = None) -> None:
        with admin.cursor() as cursor:
            cursor.execute(f"USE `{name}`")
            cursor.execute(sql, params)

    try:
        yield Server(url=f"mysql://root@{MYSQL_HOST}:{MYSQL_PORT}/{name}", run=run)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()

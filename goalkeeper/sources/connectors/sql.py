"""SQL databases through SQLAlchemy: SQLite, PostgreSQL, MySQL and MariaDB.

A source runs one read-only query that returns a timestamp and a value per row. Three
fences keep it read-only, each enough on its own for the common case:
1. `check()` accepts one SELECT (or WITH ... SELECT) statement and nothing after it;
2. the connection reads only: a READ ONLY transaction (PostgreSQL, MySQL/MariaDB), a file
   opened read-only with `query_only` on (SQLite); nothing is ever committed;
3. the driver runs one statement per call (PostgreSQL's extended protocol, SQLite's
   `execute`, PyMySQL without multi-statements), so a `;` missed by (1) cannot add another.
The operator should still give a database user that can only read.

Time is bounded by `Context.timeout`: the connection, and the query on the server
(`statement_timeout`, `max_statement_time`) or in the engine (SQLite's progress handler).

`:since` is bound when the query names it. Naive timestamps, in the rows and in `:since`,
are the workspace's wall clock: PostgreSQL gets an aware instant (and the session's time
zone is the workspace's), MySQL and MariaDB a naive DATETIME, SQLite an ISO 8601 text
`YYYY-MM-DD HH:MM:SS`, the format of SQLite's own `datetime()`. `:since_utc` is the same
instant as a naive UTC value (same types), for columns that hold UTC without saying so.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from goalkeeper.sources.connectors.base import (
    PREVIEW_ROWS,
    Connector,
    Context,
    Parameter,
    Row,
    SourceError,
    make_row,
    register,
)
from goalkeeper.sources.connectors.local import allowed_path

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
FETCH_CHUNK = 500

# Database kinds that can be read, the one driver used for each, and how to install it.
_LABELS = {
    "sqlite": "SQLite",
    "postgresql": "PostgreSQL",
    "mysql": "MySQL",
    "mariadb": "MariaDB",
}
_DRIVERS = {
    "sqlite": "pysqlite",
    "postgresql": "psycopg",
    "mysql": "pymysql",
    "mariadb": "pymysql",
}
_EXTRAS = {
    "postgresql": "pip install goalkeeper[postgres]",
    "mysql": "pip install goalkeeper[mysql]",
    "mariadb": "pip install goalkeeper[mysql]",
}
_ALIASES = {"postgres": "postgresql"}
_EXAMPLE = "postgresql://reader@db.example.com/sales"

_SINCE = re.compile(r"(?<![:\w]):(since(?:_utc)?)\b")
_FIRST_WORD = re.compile(r"[\s(]*([A-Za-z_]+)")
_INTO_FILE = re.compile(r"\binto\s+(outfile|dumpfile)\b", re.IGNORECASE)
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def split_password(url: str) -> tuple[str, str | None]:
    """(the URL without its password, the password or None).

    The form calls it so a pasted URL's password moves into the secret field instead of
    being stored in clear. A text that is not a URL comes back unchanged, for `check()`
    to explain.
    """
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        return url, None
    if parsed.password is None:
        return url, None
    # URL.set() ignores None: replacing the field is the way to drop it.
    bare = parsed._replace(password=None).render_as_string(hide_password=False)
    return bare, str(parsed.password)


def database_url(text: str) -> URL:
    """The URL to connect with (its driver made explicit); ValueError saying what is wrong.

    `postgresql://`, `postgres://`, `mysql://` and `mariadb://` get the driver Goalkeeper
    ships (psycopg, PyMySQL); any other driver is refused, because timeouts and read-only
    mode are set per driver.
    """
    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise ValueError(f"this is not a database URL (e.g. {_EXAMPLE})") from None
    if url.password is not None:
        raise ValueError(gettext_noop("take the password out of the URL and put it in Password"))
    backend, _, driver = url.drivername.partition("+")
    backend = _ALIASES.get(backend.lower(), backend.lower())
    if backend not in _LABELS:
        raise ValueError(
            gettext_noop("only SQLite, PostgreSQL, MySQL and MariaDB databases can be read")
        )
    wanted = _DRIVERS[backend]
    if driver and driver.lower() != wanted:
        raise ValueError(
            f"the {driver} driver is not supported: write {backend}+{wanted}:// "
            f"(or just {backend}://)"
        )
    url = url.set(drivername=f"{backend}+{wanted}")
    try:
        url.get_dialect().import_dbapi()
    except (ImportError, NoSuchModuleError):
        raise ValueError(
            f"the {_LABELS[backend]} driver is not installed on the server: "
            f"{_EXTRAS.get(backend, 'reinstall Python with sqlite3')}"
        ) from None
    if backend == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise ValueError(
                "give the database file's absolute path, e.g. sqlite:////srv/data/metrics.db"
            )
        try:
            allowed_path(url.database)
        except ValueError as error:
            raise ValueError(f"the SQLite file: {error}") from None
    elif not url.host:
        raise ValueError(f"the URL names no server (e.g. {_EXAMPLE})")
    return url


def _family(url: URL) -> str:
    return url.drivername.partition("+")[0]


# --- The query: one SELECT, comments removed, `:since` in the driver's style -----------------


@dataclass(frozen=True)
class PreparedQuery:
    """A query checked and rewritten for one driver."""

    text: str
    uses_since: bool


def prepare_query(sql: str, family: str) -> PreparedQuery:
    """Check that `sql` is one SELECT statement and rewrite it for `family`'s driver.

    Comments are removed. PostgreSQL and MySQL drivers take `%(since)s` and read `%` as
    the start of a placeholder, so `%` is doubled; sqlite3 takes `:since` as it is (and
    `:since_utc` likewise).
    ValueError says why a query is refused.
    """
    pieces = _pieces(sql, family)
    kept: list[tuple[str, str]] = []
    for index, (kind, text) in enumerate(pieces):
        if kind == "code" and ";" in text:
            before, _, after = text.partition(";")
            rest = after + "".join(t for k, t in pieces[index + 1 :] if k != "comment")
            if rest.strip():
                raise ValueError(gettext_noop("one statement only: remove what follows “;”"))
            kept.append((kind, before))
            break
        kept.append((kind, " " if kind == "comment" else text))
    skeleton = "".join(
        text if kind == "code" else " " if kind == "comment" else " '' " for kind, text in kept
    )
    first = _FIRST_WORD.match(skeleton)
    if not first or first[1].lower() not in {"select", "with"}:
        raise ValueError(
            gettext_noop("the query must be a SELECT (or WITH … SELECT): a source only reads")
        )
    if _INTO_FILE.search(skeleton):
        raise ValueError(
            gettext_noop("the query must not write a file (INTO OUTFILE, INTO DUMPFILE)")
        )
    uses_since = any(kind == "code" and _SINCE.search(text) for kind, text in kept)
    if family == "sqlite":
        return PreparedQuery("".join(text for _, text in kept).strip(), uses_since)
    parts: list[str] = []
    for kind, text in kept:
        escaped = text.replace("%", "%%")
        parts.append(_SINCE.sub(r"%(\1)s", escaped) if kind == "code" else escaped)
    text = "".join(parts).strip()
    if family == "postgresql" and not uses_since:
        # psycopg sends a query without placeholders over the simple protocol, which runs
        # several statements; with one (unused, typed) parameter it takes the extended
        # protocol, which refuses a second statement. Fence 3 of the module docstring.
        text += "\n/* %(since)s */"
    return PreparedQuery(text, uses_since)


def _pieces(sql: str, family: str) -> list[tuple[str, str]]:
    """`sql` cut into ("code" | "string" | "comment", text) pieces, in order.

    Quoted identifiers count as strings: nothing in them is code. Dialects differ on
    comments and quotes; where they do, the family's rules apply.
    """
    mysql = family in {"mysql", "mariadb"}
    postgres = family == "postgresql"
    pieces: list[tuple[str, str]] = []
    start = index = 0
    size = len(sql)
    while index < size:
        char = sql[index]
        end: int | None = None
        kind = "string"
        # MySQL wants a space after "--": there, 1--1 is 1 - (-1).
        dashes = sql.startswith("--", index) and (
            not mysql or index + 2 >= size or sql[index + 2].isspace()
        )
        if dashes or (char == "#" and mysql):
            kind, end = "comment", _line_end(sql, index)
        elif sql.startswith("/*", index):
            kind, end = "comment", _comment_end(sql, index, nested=postgres)
        elif char in "'\"" or (char == "`" and mysql):
            escapes = (mysql and char != "`") or (postgres and _e_string(sql, index))
            end = _quote_end(sql, index, escapes=escapes)
        elif char == "$" and postgres and (index == 0 or not _is_word(sql[index - 1])):
            tag = _DOLLAR_TAG.match(sql, index)
            if tag:
                close = sql.find(tag[0], tag.end())
                if close < 0:
                    raise ValueError(f"a {tag[0]} quote is not closed")
                end = close + len(tag[0])
        if end is None:
            index += 1
            continue
        if index > start:
            pieces.append(("code", sql[start:index]))
        pieces.append((kind, sql[index:end]))
        start = index = end
    if size > start:
        pieces.append(("code", sql[start:]))
    return pieces


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _e_string(sql: str, index: int) -> bool:
    """True for PostgreSQL's E'...' strings, where a backslash escapes the next character."""
    return (
        sql[index] == "'"
        and index > 0
        and sql[index - 1] in "eE"
        and (index < 2 or not _is_word(sql[index - 2]))
    )


def _line_end(sql: str, index: int) -> int:
    newline = sql.find("\n", index)
    return len(sql) if newline < 0 else newline


def _comment_end(sql: str, index: int, *, nested: bool) -> int:
    depth, position = 0, index
    while position < len(sql):
        if sql.startswith("/*", position) and (nested or depth == 0):
            depth, position = depth + 1, position + 2
        elif sql.startswith("*/", position):
            depth, position = depth - 1, position + 2
            if depth == 0:
                return position
        else:
            position += 1
    raise ValueError(gettext_noop("a /* comment is not closed"))


def _quote_end(sql: str, index: int, *, escapes: bool) -> int:
    quote, position = sql[index], index + 1
    while position < len(sql):
        char = sql[position]
        if (escapes and char == "\\") or sql.startswith(quote * 2, position):
            position += 2
        elif char == quote:
            return position + 1
        else:
            position += 1
    raise ValueError(f"a quote ({quote}) is not closed")


# --- The connector -----------------------------------------------------------------------------


@register
class SqlConnector(Connector):
    """One read-only query against a SQL database."""

    kind = "sql"
    label = _("SQL database")
    description = _(
        "A read-only query against a SQLite, PostgreSQL, MySQL or MariaDB database, "
        "returning a timestamp and a value per row."
    )
    parameters = (
        Parameter(
            name="url",
            label=_("Database URL"),
            help=_(
                "A SQLAlchemy URL without the password: postgresql://user@host:5432/db, "
                "mysql://user@host/db, mariadb://user@host/db, or "
                "sqlite:////absolute/path/file.db (inside SOURCE_FILE_ROOTS). Use a user that "
                "can only read."
            ),
            placeholder=_EXAMPLE,
        ),
        Parameter(
            name="password",
            label=_("Password"),
            help=_("The database user's password, stored encrypted."),
            secret=True,
            required=False,
        ),
        Parameter(
            name="query",
            label=_("Query"),
            help=_(
                "One SELECT returning a timestamp and a value per row (columns named "
                "timestamp and value, or the first two). Write :since to read only new rows "
                "(:since_utc for columns holding UTC)."
            ),
            multiline=True,
            placeholder="SELECT day AS timestamp, revenue AS value FROM daily WHERE day >= :since",
        ),
    )

    split_password = staticmethod(split_password)

    @classmethod
    def prepare(
        cls, settings: dict[str, str], secrets: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """A password pasted inside the URL moves into the secret field."""
        url, password = split_password(settings.get("url", ""))
        if password is None:
            return settings, secrets
        return {**settings, "url": url}, {**secrets, "password": password}

    def check(self) -> dict[str, str]:
        errors = super().check()
        family = ""
        url = self.value("url")
        if url and "url" not in errors:
            try:
                family = _family(database_url(url))
            except ValueError as error:
                errors["url"] = str(error)
        query = self.value("query")
        if query and "query" not in errors:
            try:
                prepare_query(query, family)
            except ValueError as error:
                errors["query"] = str(error)
        return errors

    def fetch(self, since: dt.datetime | None) -> list[Row]:
        return self._read(since, limit=None)

    def preview(self) -> list[Row]:
        return self._read(None, limit=PREVIEW_ROWS)

    def describe(self) -> str:
        try:
            url = make_url(self.value("url"))
        except ArgumentError:
            return str(self.label)
        backend = url.drivername.partition("+")[0].lower()
        family = _ALIASES.get(backend, backend)
        if family not in _LABELS:
            return str(self.label)
        if family == "sqlite":
            return gettext("SQLite file %(path)s") % {"path": url.database}
        where = f"{url.host}:{url.port}" if url.port else f"{url.host}"
        if url.database:
            return gettext("%(engine)s database “%(name)s” on %(host)s") % {
                "engine": _LABELS[family],
                "name": url.database,
                "host": where,
            }
        return gettext("%(engine)s database on %(host)s") % {
            "engine": _LABELS[family],
            "host": where,
        }

    def _read(self, since: dt.datetime | None, limit: int | None) -> list[Row]:
        errors = self.check()
        if errors:
            raise SourceError("; ".join(f"{name}: {text}" for name, text in errors.items()))
        url = database_url(self.value("url"))
        family = _family(url)
        query = prepare_query(self.value("query"), family)
        password = self.value("password")
        if password and family != "sqlite":
            url = url.set(password=password)
        engine = _engine(url, family, self.context)
        try:
            with engine.connect() as connection:
                try:
                    return self._run(connection, family, query, since, limit)
                finally:
                    connection.rollback()
        except DBAPIError as error:
            raise SourceError(_explain(error, family, self.context.timeout, password)) from None
        except SQLAlchemyError as error:
            raise SourceError(_scrub(str(error), password)) from None
        finally:
            engine.dispose()

    def _run(
        self,
        connection: Connection,
        family: str,
        query: PreparedQuery,
        since: dt.datetime | None,
        limit: int | None,
    ) -> list[Row]:
        if family == "postgresql":
            _postgres_session(connection, self.context)
        result = connection.exec_driver_sql(
            query.text, _bound_since(since, family, self.context.zone)
        )
        if not result.returns_rows:
            raise SourceError(gettext_noop("the query returned no rows and no columns"))
        names = [str(name) for name in result.keys()]  # noqa: SIM118 (not a dict)
        if len(names) < 2:
            raise SourceError(
                f"the query returns {len(names)} column{'s' if len(names) != 1 else ''}: "
                "it must return a timestamp and a value"
            )
        stamp, amount = _columns(names)
        rows: list[Row] = []
        for line, raw in enumerate(_chunks(result), start=1):
            row = make_row(line, raw[stamp], raw[amount], self.context.zone)
            if since is None or row.timestamp >= since:
                rows.append(row)
                if limit is not None and len(rows) >= limit:
                    break
        return rows


def _chunks(result: Any) -> Iterator[Sequence[object]]:
    while chunk := result.fetchmany(FETCH_CHUNK):
        yield from chunk


def _columns(names: Sequence[str]) -> tuple[int, int]:
    """(timestamp, value) positions: the columns named so, else the first ones left."""
    lowered = [name.lower() for name in names]
    stamp = lowered.index("timestamp") if "timestamp" in lowered else None
    amount = lowered.index("value") if "value" in lowered else None
    others = [i for i in range(len(names)) if i not in {stamp, amount}]
    if stamp is None:
        stamp = others.pop(0)
    if amount is None:
        amount = others.pop(0)
    return stamp, amount


def _bound_since(since: dt.datetime | None, family: str, zone: dt.tzinfo) -> dict[str, object]:
    """`:since` (the workspace's wall clock) and `:since_utc`, as `family`'s driver takes them."""
    moment = since or EPOCH
    local = moment.astimezone(zone).replace(tzinfo=None)
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    if family == "postgresql":
        return {"since": moment, "since_utc": utc}
    if family == "sqlite":
        return {"since": f"{local:%Y-%m-%d %H:%M:%S}", "since_utc": f"{utc:%Y-%m-%d %H:%M:%S}"}
    # PyMySQL would drop a zone anyway: DATETIME columns have none.
    return {"since": local, "since_utc": utc}


# --- Connections: time bounds and read-only mode, per database kind ----------------------------


def _engine(url: URL, family: str, context: Context) -> Engine:
    timeout = context.timeout
    if family == "sqlite":
        return _sqlite_engine(Path(str(url.database)), timeout)
    if family == "postgresql":
        # libpq counts whole seconds and treats less than 2 as 2.
        return create_engine(
            url,
            poolclass=NullPool,
            hide_parameters=True,
            connect_args={"connect_timeout": max(2, math.ceil(timeout))},
        )
    engine = create_engine(
        url,
        poolclass=NullPool,
        hide_parameters=True,
        # read_timeout is the client's hard bound; the server's own limit, set below, is a
        # little shorter so that it usually speaks first, with a clearer error.
        connect_args={
            "connect_timeout": timeout,
            "read_timeout": timeout + 1,
            "write_timeout": timeout + 1,
        },
    )

    @event.listens_for(engine, "connect")
    def _mysql_session(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
            if "mariadb" in str(dbapi_connection.get_server_info()).lower():
                cursor.execute(f"SET SESSION max_statement_time = {timeout:.3f}")
            else:
                cursor.execute(f"SET SESSION MAX_EXECUTION_TIME = {math.ceil(timeout * 1000)}")
        finally:
            cursor.close()

    return engine


def _sqlite_engine(path: Path, timeout: float) -> Engine:
    # Checked here, not left to sqlite3: its "unable to open database file" says neither
    # which file nor why, and a missing file must not be created.
    resolved = path.resolve()
    if not resolved.is_file():
        raise SourceError(f"there is no database file at {resolved}")
    deadline = time.monotonic() + timeout

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            f"{resolved.as_uri()}?mode=ro", uri=True, timeout=timeout, check_same_thread=False
        )

    engine = create_engine("sqlite+pysqlite://", creator=connect, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _sqlite_session(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only = ON")
        # Called every 1000 virtual machine steps; a true answer interrupts the query.
        dbapi_connection.set_progress_handler(lambda: time.monotonic() > deadline, 1000)

    return engine


def _postgres_session(connection: Connection, context: Context) -> None:
    # SET inside the transaction rather than `options=-c ...` at connect: connection
    # poolers (PgBouncer) refuse startup options, and LOCAL settings end with the rollback.
    connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    settings = {"statement_timeout": str(max(1, math.ceil(context.timeout * 1000)))}
    zone = getattr(context.zone, "key", None) or ("UTC" if context.zone is dt.UTC else None)
    if zone:
        # Naive values compare and read as the workspace's wall clock, like everywhere.
        settings["TimeZone"] = str(zone)
    for name, value in settings.items():
        connection.exec_driver_sql(
            "SELECT set_config(%(name)s, %(value)s, true)", {"name": name, "value": value}
        )


# --- Errors: what went wrong, in words, with no password ---------------------------------------

_WRITES = "the query tried to write: a data source only reads (read-only transaction)"
_AUTH = "the database refused the user name or password"


def _explain(error: DBAPIError, family: str, timeout: float, password: str) -> str:
    original: BaseException = error.orig or error
    slow = f"timed out: the query ran longer than {timeout:g} s and was stopped"
    if family == "postgresql":
        state = getattr(original, "sqlstate", None)
        diag = getattr(original, "diag", None)
        text = getattr(diag, "message_primary", None) or _first_line(str(original))
        if state == "57014":
            return slow
        if state == "25006":
            return _WRITES
        if state in {"28P01", "28000"}:
            return _AUTH
        if "timeout expired" in text:
            return f"timed out: the database server did not answer within {timeout:g} s"
        if "password authentication failed" in text:
            return _AUTH
    elif family == "sqlite":
        text = str(original)
        if "interrupted" in text:
            return slow
        if "readonly" in text or "read-only" in text:
            return _WRITES
        if "locked" in text:
            return f"timed out: the database file stayed locked for more than {timeout:g} s"
    else:
        args: tuple[Any, ...] = tuple(getattr(original, "args", ()))
        code = args[0] if args and isinstance(args[0], int) else None
        text = str(args[1]) if len(args) > 1 else str(original)
        if code in {1969, 3024} or (code == 2013 and "timed out" in text):
            return slow
        if code == 1792:
            return _WRITES
        if code in {1045, 1698}:
            return _AUTH
    return _scrub(text, password)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


def _scrub(text: str, password: str, limit: int = 300) -> str:
    if password:
        text = text.replace(password, "•••")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

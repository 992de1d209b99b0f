"""Bulk writes for the demo loader, and SQLite settings for its one large transaction.

At 10,000 people the demo writes about three million rows. Building a model instance and
preparing each of its values through the ORM's compiler costs several times the database's
own work, so rows are written from prepared values: `bulk` for the rows others point to
(their keys come back), `RowWriter` for the millions nothing points to (measurements,
check-ins). Names are quoted, values adapted and statements sized by the connection's own
operations and limits, so the same code writes to SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.fields.mixins import FieldCacheMixin

M = TypeVar("M", bound=models.Model)

BATCH_SIZE = 2000
# Rows per flush: large enough that the per-call cost vanishes, small enough that a chunk
# of prepared tuples stays a few megabytes.
CHUNK = 50_000
# Rows per INSERT statement, within the backend's limit on parameters.
ROWS_PER_STATEMENT = 500
# SQLite's page cache during the load (KiB, negative as PRAGMA cache_size wants it): the
# indexes of a three-million-row table stay in memory instead of spilling mid-transaction.
LOAD_CACHE_KIB = 512 * 1024


def bulk(model: type[M], rows: Sequence[M]) -> int:
    """Insert model instances in batches and set their primary keys, as `bulk_create` does.

    `bulk_create` prepares every value through several layers of field methods, which
    costs more than the insert itself for tens of thousands of rows. Here each column gets
    one converter chosen once: plain values as they are, datetimes adapted once each, and
    the ORM's own preparation for anything else. Primary keys come back with RETURNING,
    in row order, as `bulk_create` also relies on.
    """
    if not rows:
        return 0
    if not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        return len(rows)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [field for field in meta.concrete_fields if field is not pk]
    prepare = [_converter(field) for field in fields]
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 - names from the model, quoted
        f"({', '.join(quote(_column(model, f.name)) for f in fields)}) VALUES "
    )
    row = f"({', '.join(['%s'] * len(fields))})"
    returning = f" RETURNING {quote(pk.column)}"
    size = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = [convert(obj) for obj in chunk for convert in prepare]
            cursor.execute(head + ", ".join([row] * len(chunk)) + returning, params)
            for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
                obj._state.adding = False
                obj._state.db = connection.alias
    return len(rows)


# Fields whose values the drivers take as they are, after the same cast the ORM applies.
_CASTS: dict[str, Callable[[Any], Any]] = {
    "CharField": str,
    "TextField": str,
    "SlugField": str,
    "EmailField": str,
    "FloatField": float,
    "IntegerField": int,
    "BigIntegerField": int,
    "SmallIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "PositiveBigIntegerField": int,
    "BooleanField": bool,
}


def _converter(field: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    """How to read `field` of an instance as the database driver takes it."""
    attname = field.attname
    if isinstance(field, FieldCacheMixin):

        def related(obj: models.Model) -> Any:
            # A related object saved after it was assigned: take its new key, as the ORM does.
            value = getattr(obj, attname)
            if value is None and field.is_cached(obj):
                target = field.get_cached_value(obj)
                if target is not None:
                    value = target.pk
                    setattr(obj, attname, value)
            return value

        return related
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    kind = field.get_internal_type()
    cast = _CASTS.get(kind)
    if cast is not None:

        def plain(obj: models.Model) -> Any:
            value = getattr(obj, attname)
            return None if value is None else cast(value)

        return plain
    if kind == "DateTimeField":
        times = DbTimes()

        def moment(obj: models.Model) -> Any:
            value = getattr(obj, attname)
            return None if value is None else times(value)

        return moment
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


class RowWriter:
    """Plain INSERTs of prepared tuples into one model's table, flushed in chunks.

    Values must already be what the database driver takes: use `DbTimes` for datetimes.
    Primary keys are not read back, so only rows nothing else refers to belong here.
    Each statement inserts many rows: per row, a one-row statement costs SQLite about
    three times the work of a row in a multi-row VALUES list.
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(_column(model, name)) for name in fields)
        # Names come from the model's metadata, quoted; values are always parameters.
        self.head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
        self.row = f"({', '.join(['%s'] * len(fields))})"
        limit = connection.features.max_query_params or len(fields) * ROWS_PER_STATEMENT
        self.per_statement = max(1, min(ROWS_PER_STATEMENT, limit // len(fields)))
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        """Queue rows; they are written once a chunk is full."""
        self.rows += rows
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> int:
        """Write what is queued; returns how many rows were written in all."""
        rows, size = self.rows, self.per_statement
        if not rows:
            return self.written
        full = len(rows) - len(rows) % size
        with connection.cursor() as cursor:
            if full:
                statements = [
                    list(itertools.chain.from_iterable(rows[i : i + size]))
                    for i in range(0, full, size)
                ]
                cursor.executemany(self._sql(size), statements)
            if full < len(rows):
                rest = rows[full:]
                cursor.execute(self._sql(len(rest)), list(itertools.chain.from_iterable(rest)))
        self.written += len(rows)
        self.rows = []
        return self.written

    def _sql(self, rows: int) -> str:
        return self.head + ", ".join([self.row] * rows)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name}: not a column")
    return field.column


class DbTimes:
    """Datetimes as the database driver takes them, each adapted once.

    A large demo repeats a few thousand instants millions of times (every daily KPI has a
    value at each midnight), so adapting per row would cost more than the insert.
    """

    def __init__(self) -> None:
        self._adapt = connection.ops.adapt_datetimefield_value
        self._one: dict[dt.datetime, Any] = {}
        self._many: dict[tuple[str, int], list[Any]] = {}

    def __call__(self, value: dt.datetime) -> Any:
        """One datetime."""
        adapted = self._one.get(value)
        if adapted is None:
            adapted = self._one[value] = self._adapt(value)
        return adapted

    def series(self, name: str, stamps: Sequence[dt.datetime]) -> list[Any]:
        """A sequence of datetimes, adapted once for a `name` and length."""
        key = (name, len(stamps))
        adapted = self._many.get(key)
        if adapted is None:
            adapted = self._many[key] = [self(stamp) for stamp in stamps]
        return adapted


@contextmanager
def bulk_load_settings() -> Iterator[None]:
    """On SQLite, settings for one large write, restored afterwards; elsewhere nothing.

    `synchronous=OFF` skips the disk syncs of the checkpoint that copies the load's few
    hundred megabytes from the write-ahead log: a power cut during the load may cost the
    file, a price a demo can pay, and the setting is back to its normal value once the load
    is committed. SQLite refuses to change it inside a transaction, so within one (tests)
    only the cache grows.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        outside = not connection.in_atomic_block
        cursor.execute(f"PRAGMA cache_size = {-LOAD_CACHE_KIB}")
        if outside:
            cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            if outside:
                cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")

"""A batch of values is written in chunks, one statement each, and its effects run once."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper import events
from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import UPSERT_CHUNK, create_kpi, record_measurements
from tests.conftest import World

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def points(count: int, offset: int = 0, value: float = 1.0) -> list[tuple[dt.datetime, float]]:
    return [(START + dt.timedelta(minutes=offset + i), value + i) for i in range(count)]


def chunk() -> int:
    bound = connection.features.max_query_params or 3 * UPSERT_CHUNK
    return min(UPSERT_CHUNK, bound // 3)


def written(world: World, count: int) -> tuple[Kpi, list[str]]:
    kpi = create_kpi(actor=None, team=world.sales, name=f"Batch {count}", target=1.0)
    with CaptureQueriesContext(connection) as captured:
        record_measurements(actor=world.editor, kpi=kpi, points=points(count), source="api")
    return kpi, [query["sql"] for query in captured.captured_queries]


def inserts(queries: list[str]) -> int:
    return sum('INSERT INTO "kpis_measurement"' in sql for sql in queries)


def test_a_batch_costs_one_statement_per_chunk_and_its_effects_once(world: World) -> None:
    _, few = written(world, 10)
    kpi, many = written(world, 10_000)

    assert inserts(few) == 1
    assert inserts(many) == math.ceil(10_000 / chunk())
    # Everything else (health before and after, audit, signal, events) runs once.
    assert len(many) - inserts(many) == len(few) - inserts(few)
    assert Measurement.objects.filter(kpi=kpi).count() == 10_000
    assert (
        AuditEntry.objects.filter(action="kpi.measurements_recorded", object_id=kpi.pk).count() == 1
    )


def test_created_and_updated_are_told_apart_inside_the_batchs_range(world: World) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Mixed", target=1.0)
    record_measurements(actor=None, kpi=kpi, points=points(10, offset=0)[::2])

    with events.recorded() as seen:
        result = record_measurements(actor=None, kpi=kpi, points=points(10, value=5.0))

    assert (result.created, result.updated) == (5, 5)
    assert [event.name for event in seen].count("kpi.measurements_recorded") == 1
    stored = dict(Measurement.objects.filter(kpi=kpi).values_list("timestamp", "value"))
    assert stored == dict(points(10, value=5.0))
    kpi.refresh_from_db()
    assert kpi.last_measurement_at == START + dt.timedelta(minutes=9)


def test_one_bad_value_refuses_the_whole_batch_naming_the_item(world: World) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Refused", target=1.0)
    batch = points(2_000)
    batch[1_500] = (batch[1_500][0], float("nan"))

    with pytest.raises(ValidationError) as refused:
        record_measurements(actor=None, kpi=kpi, points=batch)

    assert "item 1501" in str(refused.value.message_dict["value"])
    assert not Measurement.objects.filter(kpi=kpi).exists()

"""Measurements in the changes feed: a client mirrors a KPI's series from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.kpis.models import Measurement
from tests.api.conftest import NOW, Api
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")
MINUTE = dt.timedelta(minutes=1)


@contextmanager
def at(minutes: int) -> Iterator[dt.datetime]:
    when = NOW + minutes * MINUTE
    with time_machine.travel(when, tick=False):
        yield when


def iso(when: dt.datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def kpi(api: Api, world: World) -> int:
    body = {"team": world.sales.pk, "name": "Revenue", "target": 100, "warning": 80}
    response = api.post("/kpis", body)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def push(api: Api, kpi_id: int, *points: tuple[str, float]) -> None:
    response = api.post(
        f"/kpis/{kpi_id}/measurements", [{"timestamp": t, "value": v} for t, v in points]
    )
    assert response.status_code == 200, response.json


def measurements(api: Api, **params: object) -> list[tuple[int, str, int | None]]:
    answer = api.get("/changes", type="measurement", **params)
    assert answer.status_code == 200, answer.json
    return [(c["id"], c["change"], c["kpi"]) for c in answer.json["items"]]


def ids_by_instant(kpi_id: int) -> dict[str, int]:
    return {
        iso(m.timestamp): m.pk for m in Measurement.objects.filter(kpi_id=kpi_id).order_by("pk")
    }


def test_new_corrected_and_deleted_measurements_appear_with_their_kpi(
    world: World, editor_api: Api
) -> None:
    revenue = kpi(editor_api, world)
    push(editor_api, revenue, ("2026-11-01T00:00:00Z", 10), ("2026-11-02T00:00:00Z", 20))
    pk = ids_by_instant(revenue)

    assert measurements(editor_api) == [
        (pk["2026-11-01T00:00:00Z"], "created", revenue),
        (pk["2026-11-02T00:00:00Z"], "created", revenue),
    ]
    with at(1):
        fixed = editor_api.patch(
            f"/kpis/{revenue}/measurements/2026-11-01T00:00:00Z", {"value": 11}
        )
        assert fixed.status_code == 200, fixed.json
    with at(2):
        gone = editor_api.delete(f"/kpis/{revenue}/measurements/2026-11-02T00:00:00Z")
        assert gone.status_code == 204

    assert measurements(editor_api, since=iso(NOW + MINUTE)) == [
        (pk["2026-11-01T00:00:00Z"], "updated", revenue),
        (pk["2026-11-02T00:00:00Z"], "deleted", revenue),
    ]


def test_a_raw_value_carries_the_id_the_feed_names(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)
    push(editor_api, revenue, ("2026-11-01T00:00:00Z", 10))

    series = editor_api.get(f"/kpis/{revenue}/measurements").json["items"]

    assert [(item["id"], item["timestamp"]) for item in series] == [
        (measurements(editor_api)[0][0], "2026-11-01T00:00:00Z")
    ]
    periods = editor_api.get(f"/kpis/{revenue}/measurements", period="daily").json["items"]
    assert "id" not in periods[0]


def test_a_value_sent_again_unchanged_is_no_change(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)
    push(editor_api, revenue, ("2026-11-01T00:00:00Z", 10), ("2026-11-02T00:00:00Z", 20))
    with at(1):
        push(editor_api, revenue, ("2026-11-01T00:00:00Z", 10), ("2026-11-02T00:00:00Z", 25))

    changed = measurements(editor_api, since=iso(NOW + MINUTE))

    assert changed == [(ids_by_instant(revenue)["2026-11-02T00:00:00Z"], "updated", revenue)]


def test_a_big_batch_pages_through_the_feed_in_bounded_reads(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    push(editor_api, revenue, *((iso(start + n * MINUTE), float(n)) for n in range(1_200)))

    seen: list[int] = []
    page = editor_api.get("/changes", type="measurement", limit=500).json
    pages = 1
    while True:
        assert len(page["items"]) <= 500
        seen += [item["id"] for item in page["items"]]
        if page["next"] is None:
            break
        with CaptureQueriesContext(connection) as captured:
            page = editor_api.get(
                "/changes", type="measurement", limit=500, since=page["cursor"]
            ).json
        assert len(captured) <= 10
        pages += 1

    assert pages == 3
    assert sorted(seen) == sorted(ids_by_instant(revenue).values())


def test_a_batch_writes_in_as_many_statements_as_before(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    points = [{"timestamp": iso(start + n * MINUTE), "value": n} for n in range(3_000)]

    with CaptureQueriesContext(connection) as captured:
        assert editor_api.post(f"/kpis/{revenue}/measurements", points).status_code == 200

    inserts = [q for q in captured if q["sql"].lstrip().upper().startswith("INSERT INTO")]
    measurement_inserts = [q for q in inserts if Measurement._meta.db_table in q["sql"][:40]]
    # Chunks of up to 1,000 values (fewer where the database bounds the parameters).
    assert 3 <= len(measurement_inserts) <= 10
    assert len(captured) < 60


def test_deleting_a_kpi_leaves_one_tombstone_not_one_per_value(
    world: World, editor_api: Api, admin_api: Api
) -> None:
    revenue = kpi(editor_api, world)
    push(editor_api, revenue, ("2026-11-01T00:00:00Z", 10), ("2026-11-02T00:00:00Z", 20))
    with at(1):
        assert admin_api.delete(f"/kpis/{revenue}").status_code == 204

    changes = editor_api.get("/changes", since=iso(NOW + MINUTE)).json["items"]

    assert [(c["type"], c["id"], c["change"]) for c in changes] == [("kpi", revenue, "deleted")]


def test_measurements_of_another_workspace_stay_out(
    world: World, editor_api: Api, outsider_api: Api
) -> None:
    revenue = kpi(editor_api, world)
    push(editor_api, revenue, ("2026-11-01T00:00:00Z", 10))

    assert measurements(outsider_api) == []


def test_a_kpis_raw_values_list_only_those_changed_since_an_instant(
    world: World, editor_api: Api
) -> None:
    revenue = kpi(editor_api, world)
    push(editor_api, revenue, ("2026-11-01T00:00:00Z", 10), ("2026-11-02T00:00:00Z", 20))
    with at(5) as later:
        push(editor_api, revenue, ("2026-11-02T00:00:00Z", 25), ("2026-11-03T00:00:00Z", 30))

    answer = editor_api.get(f"/kpis/{revenue}/measurements", updated_since=iso(later))

    assert answer.status_code == 200, answer.json
    assert [(p["timestamp"], p["value"]) for p in answer.json["items"]] == [
        ("2026-11-02T00:00:00Z", 25.0),
        ("2026-11-03T00:00:00Z", 30.0),
    ]
    assert answer.json["count"] == 2
    periods = editor_api.get(
        f"/kpis/{revenue}/measurements", updated_since=iso(later), period="daily"
    )
    assert periods.status_code == 422
    assert periods.json["errors"][0]["field"] == "updated_since"

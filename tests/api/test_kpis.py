"""KPIs and their measurements through the API."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.kpis.models import Measurement
from tests.api.conftest import Api, fields_of
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")


def kpi(api: Api, world: World, **fields) -> dict:
    body = {"team": world.sales.pk, "name": "Revenue", "target": 100, "warning": 80}
    response = api.post("/kpis", {**body, **fields})
    assert response.status_code == 201, response.json
    return response.json


def push(api: Api, kpi_id: int, *points: tuple[str, float]) -> dict:
    response = api.post(
        f"/kpis/{kpi_id}/measurements", [{"timestamp": t, "value": v} for t, v in points]
    )
    assert response.status_code == 200, response.json
    return response.json


def test_a_new_kpi_has_no_data(world: World, editor_api: Api) -> None:
    created = kpi(editor_api, world, unit="EUR", frequency="daily", aggregation="sum")

    assert created["owner"] == world.editor.pk
    assert created["direction"] == "higher_is_better"
    assert created["health"] == "no_data"
    assert created["latest"] is None
    # The world's clock: 2026-11-20 12:00 UTC; the latest complete day is the 19th.
    assert created["period"] == {
        "start": "2026-11-19T00:00:00Z",
        "end": "2026-11-20T00:00:00Z",
        "value": None,
    }


@pytest.mark.parametrize(
    ("aggregation", "values", "period_value", "health"),
    [
        ("sum", [60, 50], 110, "green"),
        ("average", [60, 100], 80, "yellow"),
        ("min", [60, 100], 60, "red"),
        ("max", [60, 100], 100, "green"),
        ("last", [100, 60], 60, "red"),
    ],
)
def test_health_judges_the_latest_complete_period_by_the_aggregation(
    world: World, editor_api: Api, aggregation: str, values, period_value, health
) -> None:
    revenue = kpi(editor_api, world, frequency="daily", aggregation=aggregation)
    push(
        editor_api,
        revenue["id"],
        ("2026-11-19T08:00:00Z", values[0]),
        ("2026-11-19T20:00:00Z", values[1]),
        ("2026-11-20T09:00:00Z", 1),  # today: not complete, not judged
    )

    got = editor_api.get(f"/kpis/{revenue['id']}").json

    assert got["period"]["value"] == period_value
    assert got["health"] == health
    assert got["latest"] == {"timestamp": "2026-11-20T09:00:00Z", "value": 1}


def test_a_kpi_silent_for_too_long_is_stale(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world, frequency="daily")
    push(editor_api, revenue["id"], ("2026-11-10T08:00:00Z", 120))

    assert editor_api.get(f"/kpis/{revenue['id']}").json["health"] == "stale"


def test_a_range_kpi(world: World, editor_api: Api) -> None:
    uptime = kpi(
        editor_api,
        world,
        name="Latency",
        direction="in_range",
        target=None,
        warning=5,
        low=100,
        high=200,
        frequency="daily",
    )
    push(editor_api, uptime["id"], ("2026-11-19T08:00:00Z", 203))

    assert editor_api.get(f"/kpis/{uptime['id']}").json["health"] == "yellow"


def test_kpi_rules_are_field_errors(world: World, editor_api: Api) -> None:
    response = editor_api.post(
        "/kpis", {"team": world.sales.pk, "name": "Revenue", "target": 100, "warning": 120}
    )

    assert response.status_code == 422
    assert fields_of(response) == {
        "warning": "warning must be below the target for higher_is_better"
    }


def test_kpis_are_filtered_and_paged(world: World, editor_api: Api) -> None:
    a = kpi(editor_api, world, frequency="weekly")
    b = kpi(editor_api, world, team=world.company.pk, owner=world.viewer.pk)

    def ids(**query) -> list[int]:
        return [k["id"] for k in editor_api.get("/kpis", **query).json["items"]]

    assert ids() == [a["id"], b["id"]]
    assert ids(team=world.company.pk) == [b["id"]]
    assert ids(owner=world.viewer.pk) == [b["id"]]
    assert ids(frequency="weekly") == [a["id"]]
    assert ids(limit=1, offset=1) == [b["id"]]


def test_kpis_are_searched_filtered_by_health_and_sorted(world: World, editor_api: Api) -> None:
    steady = kpi(editor_api, world, name="Steady revenue", frequency="daily")
    falling = kpi(editor_api, world, name="Falling margin", frequency="daily")
    empty = kpi(editor_api, world, name="New signups", team=world.company.pk)
    push(editor_api, steady["id"], ("2026-11-18T08:00:00Z", 150), ("2026-11-19T08:00:00Z", 151))
    push(editor_api, falling["id"], ("2026-11-18T08:00:00Z", 150), ("2026-11-19T08:00:00Z", 30))

    def ids(**query) -> list[int]:
        response = editor_api.get("/kpis", **query)
        assert response.status_code == 200, response.json
        return [k["id"] for k in response.json["items"]]

    assert ids(q="REVENUE") == [steady["id"]]
    assert ids(q=world.company.name) == [empty["id"]]
    assert ids(health="red") == [falling["id"]]
    assert ids(sort="health") == [falling["id"], empty["id"], steady["id"]]
    assert ids(sort="name") == [falling["id"], empty["id"], steady["id"]]
    assert ids(sort="change") == [falling["id"], steady["id"], empty["id"]]
    assert ids(archived="false") == ids()
    assert ids(archived="true") == []
    assert editor_api.get("/kpis", sort="size").status_code == 422


def test_a_kpi_is_changed_and_deleted(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)
    push(editor_api, revenue["id"], ("2026-11-19T08:00:00Z", 1))

    changed = editor_api.patch(f"/kpis/{revenue['id']}", {"name": "ARR", "target": 90})

    assert changed.json["name"] == "ARR"
    assert changed.json["target"] == 90
    assert editor_api.delete(f"/kpis/{revenue['id']}").status_code == 204
    assert not Measurement.objects.exists()


# --- Measurements -----------------------------------------------------------------------------


def test_a_batch_upserts_same_timestamp_updates_never_duplicates(
    world: World, editor_api: Api
) -> None:
    revenue = kpi(editor_api, world)

    first = push(
        editor_api, revenue["id"], ("2026-11-01T00:00:00Z", 1), ("2026-11-02T00:00:00Z", 2)
    )
    # The same instant written in another zone is the same measurement.
    second = push(
        editor_api,
        revenue["id"],
        ("2026-11-02T01:00:00+01:00", 20),
        ("2026-11-03T00:00:00Z", 3),
    )

    assert first == {"created": 2, "updated": 0}
    assert second == {"created": 1, "updated": 1}
    series = editor_api.get(f"/kpis/{revenue['id']}/measurements").json
    assert series["count"] == 3
    assert [(m["timestamp"], m["value"]) for m in series["items"]] == [
        ("2026-11-01T00:00:00Z", 1),
        ("2026-11-02T00:00:00Z", 20),
        ("2026-11-03T00:00:00Z", 3),
    ]


def test_a_batch_may_be_wrapped_in_items(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)

    response = editor_api.post(
        f"/kpis/{revenue['id']}/measurements",
        {"items": [{"timestamp": "2026-11-01T00:00:00Z", "value": 5}]},
    )

    assert response.json == {"created": 1, "updated": 0}


def test_one_bad_item_refuses_the_whole_batch(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)

    response = editor_api.post(
        f"/kpis/{revenue['id']}/measurements",
        raw='[{"timestamp": "2026-11-01T00:00:00Z", "value": 5},'
        ' {"timestamp": "2026-11-02T00:00:00", "value": 6},'
        ' {"timestamp": "2026-11-03T00:00:00Z", "value": NaN}]',
    )

    assert response.status_code == 422
    assert set(fields_of(response)) == {"items.1.timestamp", "items.2.value"}
    assert not Measurement.objects.exists()


def test_ten_thousand_values_in_one_batch(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world, frequency="hourly")
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    items = [
        {"timestamp": (start + dt.timedelta(hours=i)).isoformat(), "value": i}
        for i in range(10_000)
    ]

    response = editor_api.post(f"/kpis/{revenue['id']}/measurements", items)

    assert response.json == {"created": 10_000, "updated": 0}
    too_many = editor_api.post(
        f"/kpis/{revenue['id']}/measurements",
        [*items, {"timestamp": "2026-01-01T00:00:00Z", "value": 1}],
    )
    assert too_many.status_code == 422
    assert set(fields_of(too_many)) == {"items"}
    assert Measurement.objects.count() == 10_000


def test_the_series_is_read_between_two_instants(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)
    push(
        editor_api,
        revenue["id"],
        ("2026-11-01T00:00:00Z", 1),
        ("2026-11-02T00:00:00Z", 2),
        ("2026-11-03T00:00:00Z", 3),
    )

    got = editor_api.get(
        f"/kpis/{revenue['id']}/measurements",
        **{"from": "2026-11-02T00:00:00Z", "to": "2026-11-03T00:00:00Z"},
    ).json

    assert got == {
        "count": 1,
        "next": None,
        "items": [
            {
                "id": Measurement.objects.get(value=2).pk,
                "timestamp": "2026-11-02T00:00:00Z",
                "value": 2,
            }
        ],
    }


def test_the_series_is_aggregated_by_period(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world, aggregation="sum")
    push(
        editor_api,
        revenue["id"],
        ("2026-10-30T00:00:00Z", 1),
        ("2026-11-01T00:00:00Z", 2),
        ("2026-11-15T00:00:00Z", 3),
    )

    got = editor_api.get(f"/kpis/{revenue['id']}/measurements", period="monthly").json

    assert got == {
        "count": 2,
        "next": None,
        "period": "monthly",
        "aggregation": "sum",
        "items": [
            {
                "timestamp": "2026-10-01T00:00:00Z",
                "end": "2026-11-01T00:00:00Z",
                "value": 1,
                "count": 1,
            },
            {
                "timestamp": "2026-11-01T00:00:00Z",
                "end": "2026-12-01T00:00:00Z",
                "value": 5,
                "count": 2,
            },
        ],
    }


def test_periods_follow_the_workspaces_time_zone(world: World, editor_api: Api) -> None:
    world.acme.timezone = "Europe/Paris"
    world.acme.save()
    revenue = kpi(editor_api, world, aggregation="sum")
    # 23:30 UTC on the 1st is already the 2nd in Paris.
    push(editor_api, revenue["id"], ("2026-11-01T23:30:00Z", 7))

    got = editor_api.get(f"/kpis/{revenue['id']}/measurements", period="daily").json

    assert got["items"][0]["timestamp"] == "2026-11-01T23:00:00Z"


def test_timestamps_need_a_zone_and_a_sane_year(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world)

    response = editor_api.get(f"/kpis/{revenue['id']}/measurements", to="2026-11-02T00:00:00")

    assert response.status_code == 422
    assert set(fields_of(response)) == {"to"}
    far = editor_api.post(
        f"/kpis/{revenue['id']}/measurements",
        [{"timestamp": "0001-01-01T00:00:00+05:00", "value": 1}],
    )
    assert fields_of(far) == {"items.0.timestamp": "must be between the years 1900 and 2999"}


def test_aggregating_too_large_a_range_asks_to_narrow_it(
    world: World, editor_api: Api, monkeypatch
) -> None:
    from goalkeeper.kpis import api as kpis_api

    monkeypatch.setattr(kpis_api, "MAX_PERIODS", 2)
    revenue = kpi(editor_api, world)
    push(
        editor_api,
        revenue["id"],
        ("2026-11-01T00:00:00Z", 1),
        ("2026-11-02T00:00:00Z", 2),
        ("2026-11-03T00:00:00Z", 3),
    )

    response = editor_api.get(f"/kpis/{revenue['id']}/measurements", period="daily")

    assert response.status_code == 422
    assert set(fields_of(response)) == {"from"}
    narrowed = editor_api.get(
        f"/kpis/{revenue['id']}/measurements", period="daily", **{"from": "2026-11-02T00:00:00Z"}
    )
    assert narrowed.json["count"] == 2


# --- Judgement details (docs/kpis.md) ----------------------------------------------------


def test_a_new_kpi_shows_not_enough_data_for_its_trend_rather_than_flat(
    world: World, editor_api: Api
) -> None:
    created = kpi(editor_api, world, frequency="monthly")

    assert created["trend"] == "not_enough_data"
    listed = editor_api.get("/kpis").json["items"][0]
    assert listed["trend"] == "not_enough_data"


def test_the_trend_reads_the_last_six_complete_periods(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world, frequency="monthly")
    push(
        editor_api,
        revenue["id"],
        ("2026-08-15T00:00:00Z", 60),
        ("2026-09-15T00:00:00Z", 80),
        ("2026-10-15T00:00:00Z", 100),
        ("2026-11-15T00:00:00Z", 10),  # the current month: not complete, not read
    )

    assert editor_api.get(f"/kpis/{revenue['id']}").json["trend"] == "improving"


def test_an_empty_last_period_is_judged_on_the_current_one_provisionally(
    world: World, editor_api: Api
) -> None:
    revenue = kpi(editor_api, world, frequency="daily")
    # Nothing on the 19th (the latest complete day); 50 this morning, a day after the 18th.
    push(editor_api, revenue["id"], ("2026-11-18T20:00:00Z", 120), ("2026-11-20T09:00:00Z", 50))

    got = editor_api.get(f"/kpis/{revenue['id']}").json

    assert (got["health"], got["health_provisional"]) == ("red", True)
    assert got["period"]["value"] is None


def test_a_judged_complete_period_is_not_provisional(world: World, editor_api: Api) -> None:
    revenue = kpi(editor_api, world, frequency="daily")
    push(editor_api, revenue["id"], ("2026-11-19T08:00:00Z", 120))

    got = editor_api.get(f"/kpis/{revenue['id']}").json

    assert (got["health"], got["health_provisional"]) == ("green", False)

"""Process limits through the API: `GET /kpis/{id}/limits`, baselines, and `signal` on
every KPI (docs/api.md, docs/signals.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from goalkeeper.kpis.models import KpiBaseline
from tests.api.conftest import Api, connection_kept, fields_of, token_for
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly

pytestmark = pytest.mark.usefixtures("now")

BASELINE = [10, 12, 11, 13, 9, 11, 10, 12]
AFTER = [17, 14, 14.5, 10, 15, 12, 12, 12, 12, 11.5, 11.5, 11.5]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    with connection_kept():
        yield


def api(person) -> Api:
    return Api(token_for(person))


def test_limits_answer_the_documented_shape(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))
    editor = api(world.editor)
    set_ = editor.post(
        f"/kpis/{kpi.pk}/baselines",
        {"from": "2025-03-01", "to": "2025-10-31", "note": "Before the new tool"},
    )
    assert set_.status_code == 201, set_.json

    answer = api(world.viewer).get(f"/kpis/{kpi.pk}/limits")

    assert answer.status_code == 200
    body = answer.json
    assert set(body) == {"centre", "lower", "upper", "moving_range_upper", "baseline", "signals"}
    assert body["centre"] == 11
    assert body["lower"] == pytest.approx(5.68)
    assert body["upper"] == pytest.approx(16.32)
    assert body["moving_range_upper"] == pytest.approx(6.536)
    assert body["baseline"] == {
        "from": "2025-03-01T00:00:00Z",
        "to": "2025-10-01T00:00:00Z",
        "count": 8,
    }
    assert body["signals"][0] == {
        "period": "2025-11-01T00:00:00Z",
        "value": 17.0,
        "rule": "outside_limits",
        "side": "upper",
    }
    assert body["signals"][-1]["rule"] == "run_of_eight"
    assert set_.json["from"] == "2025-03-01T00:00:00Z"
    assert set_.json["note"] == "Before the new tool"
    assert set_.json["created_by"] == world.editor.pk


def test_not_enough_data_answers_nulls(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly([1, 2, 3]))

    body = api(world.viewer).get(f"/kpis/{kpi.pk}/limits").json

    assert body == {
        "centre": None,
        "lower": None,
        "upper": None,
        "moving_range_upper": None,
        "baseline": {"from": None, "to": None, "count": 0},
        "signals": [],
    }


def test_every_kpi_carries_its_signal(make_kpi: MakeKpi, world: World) -> None:
    loud = make_kpi("Tickets", values=monthly([*BASELINE, 40]))
    quiet = make_kpi("Revenue", values=monthly(BASELINE))
    viewer = api(world.viewer)

    one = viewer.get(f"/kpis/{loud.pk}").json
    listed = {item["id"]: item for item in viewer.get("/kpis").json["items"]}
    only = viewer.get("/kpis", signal="true").json["items"]

    assert (one["signal"], one["signal_side"]) == ("outside_limits", "upper")
    assert listed[quiet.pk]["signal"] is None
    assert [item["id"] for item in only] == [loud.pk]


def test_baselines_are_listed_newest_first(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))
    editor = api(world.editor)
    editor.post(f"/kpis/{kpi.pk}/baselines", {"from": "2025-03-01", "note": "One"})
    editor.post(f"/kpis/{kpi.pk}/baselines", {"from": "2026-01-01", "note": "Two"})

    listed = api(world.viewer).get(f"/kpis/{kpi.pk}/baselines").json

    assert [item["note"] for item in listed] == ["Two", "One"]
    assert listed[1]["to"] is None


def test_a_bad_baseline_names_its_fields(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    answer = api(world.editor).post(
        f"/kpis/{kpi.pk}/baselines", {"from": "2025-10-01", "to": "2025-03-01", "note": ""}
    )

    assert answer.status_code == 422
    fields = fields_of(answer)
    assert "to" in fields
    assert "note" in fields
    assert not KpiBaseline.objects.exists()


def test_a_viewer_cannot_set_a_baseline(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    answer = api(world.viewer).post(
        f"/kpis/{kpi.pk}/baselines", {"from": "2025-03-01", "note": "x"}
    )

    assert answer.status_code == 403
    assert not KpiBaseline.objects.exists()


def test_another_workspace_sees_no_limits(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))
    outsider = api(world.outsider)

    assert outsider.get(f"/kpis/{kpi.pk}/limits").status_code == 404
    assert outsider.get(f"/kpis/{kpi.pk}/baselines").status_code == 404
    posted = outsider.post(f"/kpis/{kpi.pk}/baselines", {"from": "2025-03-01", "note": "x"})
    assert posted.status_code == 404
    assert not KpiBaseline.objects.exists()

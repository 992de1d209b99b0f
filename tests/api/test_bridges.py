"""The bridges' REST endpoints: recovery objectives and promotion, as the web app offers."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.audit.models import AuditEntry
from goalkeeper.bridges.services import create_recovery_objective
from goalkeeper.kpis.models import Kpi, Measurement, RecoveryLink
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import CycleState, KeyResult, Objective
from tests.api.conftest import Api, fields_of
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


def red_kpi(world: World, name: str = "Revenue") -> Kpi:
    kpi = create_kpi(actor=world.editor, team=world.sales, name=name, target=100, warning=80)
    record_measurements(
        actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 40.0)]
    )
    kpi.refresh_from_db()
    return kpi


def test_a_red_kpis_recovery_objective_is_created(world: World, editor_api: Api) -> None:
    kpi = red_kpi(world)

    response = editor_api.post(f"/kpis/{kpi.pk}/recovery")

    assert response.status_code == 201, response.json
    body = response.json
    objective = Objective.objects.get(pk=body["objective"])
    assert (body["kpi"], body["cycle"], body["state"]) == (kpi.pk, world.cycle.pk, "draft")
    assert body["title"] == objective.title == "Bring Revenue back to target"
    key_result = KeyResult.objects.get(pk=body["key_result"])
    assert (key_result.kpi_id, key_result.start, key_result.target) == (kpi.pk, 40.0, 100.0)
    assert RecoveryLink.objects.filter(kpi=kpi, objective=objective).exists()


def test_a_recovery_is_refused_with_the_reason(world: World, editor_api: Api) -> None:
    green = create_kpi(actor=world.editor, team=world.sales, name="Fine", target=1)

    response = editor_api.post(f"/kpis/{green.pk}/recovery")

    assert response.status_code == 422
    assert "not red" in fields_of(response)["kpi"]


def test_a_viewer_cannot_create_a_recovery(world: World, viewer_api: Api) -> None:
    assert viewer_api.post(f"/kpis/{red_kpi(world).pk}/recovery").status_code == 403
    assert not RecoveryLink.objects.exists()


def test_a_stale_recovery_draft_is_dismissed(world: World, editor_api: Api) -> None:
    kpi = red_kpi(world)
    draft = create_recovery_objective(actor=world.editor, kpi=kpi)
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()

    response = editor_api.delete(f"/kpis/{kpi.pk}/recovery/{draft.pk}")

    assert response.status_code == 204
    assert not RecoveryLink.objects.exists()
    assert Objective.objects.filter(pk=draft.pk).exists()  # it stays in its closed cycle
    assert AuditEntry.objects.filter(action="kpi.recovery_dismissed", object_id=kpi.pk).exists()


def test_an_open_recovery_is_not_dismissed_and_an_unknown_one_is_missing(
    world: World, editor_api: Api
) -> None:
    kpi = red_kpi(world)
    draft = create_recovery_objective(actor=world.editor, kpi=kpi)
    other = factories.objective(world.cycle, world.sales, "Other", owner=world.editor)

    open_one = editor_api.delete(f"/kpis/{kpi.pk}/recovery/{draft.pk}")
    unknown = editor_api.delete(f"/kpis/{kpi.pk}/recovery/{other.pk}")

    assert open_one.status_code == 422
    assert "still open" in fields_of(open_one)["objective"]
    assert unknown.status_code == 404
    assert RecoveryLink.objects.count() == 1


def test_a_key_result_is_promoted_with_its_start_value(world: World, editor_api: Api) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(
        objective,
        "Demos booked",
        start=5,
        target=40,
        unit="demos",
        check_ins=[(12, dt.datetime(2026, 11, 18, tzinfo=dt.UTC))],
    )

    response = editor_api.post(
        f"/key-results/{key_result.pk}/promote", {"frequency": "monthly", "aggregation": "max"}
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["name"], body["frequency"], body["aggregation"]) == (
        "Demos booked",
        "monthly",
        "max",
    )
    assert (body["direction"], body["target"], body["unit"]) == ("higher_is_better", 40, "demos")
    assert list(
        Measurement.objects.filter(kpi_id=body["id"])
        .order_by("timestamp")
        .values_list("timestamp", "value")
    ) == [
        (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), 5.0),
        (dt.datetime(2026, 11, 18, tzinfo=dt.UTC), 12.0),
    ]
    key_result.refresh_from_db()
    assert key_result.kpi_id == body["id"]


def test_promotion_takes_the_defaults_and_refuses_a_milestone(
    world: World, editor_api: Api
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Ship", owner=world.editor)
    metric = factories.key_result(objective, "Demos")
    milestone = factories.key_result(objective, "Launched", kind="milestone")

    promoted = editor_api.post(f"/key-results/{metric.pk}/promote", {})
    refused = editor_api.post(f"/key-results/{milestone.pk}/promote", {})

    assert promoted.status_code == 201, promoted.json
    assert (promoted.json["frequency"], promoted.json["aggregation"]) == ("weekly", "last")
    assert refused.status_code == 422
    assert "milestone" in fields_of(refused)["key_result"]
    assert Kpi.objects.count() == 1

"""Parity of the bridges' writes: a recovery objective, its dismissal and a promotion leave
the same rows, audit entries and events through the KPI page and through the REST API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goalkeeper.bridges.services import create_recovery_objective
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import CycleState, KeyResult
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api
from tests.conftest import World
from tests.parity.harness import compare_paths, expect_status, names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture(autouse=True)
def every_event_subscribed(world: World) -> None:
    create_subscription(
        actor=None, workspace=world.acme, url="https://hooks.example.test/in", events=EVENTS
    )


@pytest.fixture
def red(world: World) -> Kpi:
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Revenue", owner=world.editor, target=100
    )
    record_measurements(
        actor=None, kpi=kpi, points=[(dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 40.0)]
    )
    kpi.refresh_from_db()
    return kpi


@pytest.fixture
def demos(world: World) -> KeyResult:
    grow = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow", owner=world.editor
    )
    key_result = create_key_result(
        actor=world.editor,
        objective=grow,
        title="Demos booked",
        kind="increase",
        start=5,
        target=40,
        owner=world.editor,
    )
    record_check_in(
        actor=world.editor,
        key_result=key_result,
        value=12,
        at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
    )
    return key_result


def test_creating_a_recovery_objective(world: World, editor_api: Api, red: Kpi) -> None:
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("kpi_flag", args=[red.pk])), 302),
        api=lambda: expect_status(editor_api.post(f"/kpis/{red.pk}/recovery"), 201),
    )

    assert names(trace)[:2] == ["objective.created", "key_result.created"]
    assert len(trace.created["kpis.RecoveryLink"]) == 1


def test_dismissing_a_stale_recovery_draft(world: World, editor_api: Api, red: Kpi) -> None:
    draft = create_recovery_objective(actor=world.editor, kpi=red)
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("kpi_recovery_dismiss", args=[red.pk, draft.pk])), 302
        ),
        api=lambda: expect_status(editor_api.delete(f"/kpis/{red.pk}/recovery/{draft.pk}"), 204),
    )

    assert list(trace.deleted) == ["kpis.RecoveryLink"]


def test_promoting_a_key_result(world: World, editor_api: Api, demos: KeyResult) -> None:
    client = world.client_for(world.editor)
    form = {"frequency": "monthly", "aggregation": "max"}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("key_result_promote", args=[demos.pk]), form), 302
        ),
        api=lambda: expect_status(editor_api.post(f"/key-results/{demos.pk}/promote", form), 201),
    )

    assert names(trace)[0] == "kpi.created"
    assert "kpi.measurements_recorded" in names(trace)
    assert "key_result.updated" in names(trace)

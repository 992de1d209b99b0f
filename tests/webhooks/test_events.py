"""Which writes emit which events, to whom, and only once they are committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from goalkeeper.events import recorded
from goalkeeper.kpis import events as kpi_events
from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from goalkeeper.webhooks import services as webhooks
from goalkeeper.webhooks.models import Delivery
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api
from tests.conftest import World
from tests.webhooks.conftest import emit

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def everything(world: World):
    """A subscription of Acme to every event."""
    return create_subscription(
        actor=world.admin,
        workspace=world.acme,
        url="https://example.com/hook",
        events=list(webhooks.EVENTS),
    )


def events() -> list[str]:
    return list(Delivery.objects.order_by("id").values_list("event", flat=True))


def test_only_active_subscriptions_of_the_workspace_that_asked_get_an_event(
    world: World,
) -> None:
    wants = create_subscription(
        actor=None, workspace=world.acme, url="https://a.test/", events=["kpi.created"]
    )
    create_subscription(
        actor=None, workspace=world.acme, url="https://b.test/", events=["objective.closed"]
    )
    create_subscription(
        actor=None, workspace=world.globex, url="https://c.test/", events=["kpi.created"]
    )

    deliveries = emit(world.acme, "kpi.created", {"kpi": {"id": 1}})

    assert [d.subscription_id for d in deliveries] == [wants.pk]


def test_an_unknown_event_is_a_programming_error(world: World) -> None:
    with pytest.raises(ValueError, match="unknown webhook event"):
        emit(world.acme, "kpi.exploded", {})


def test_a_rolled_back_write_sends_nothing(
    world: World, everything, django_capture_on_commit_callbacks
) -> None:
    def failing_write() -> None:
        with transaction.atomic():
            emit(world.acme, "kpi.created", {"kpi": {"id": 1}})
            raise RuntimeError("the write fails")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        failing_write()

    assert callbacks == []
    assert not Delivery.objects.exists()


def test_deliveries_are_handed_to_the_worker_on_commit(
    world: World, everything, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(
        "goalkeeper.webhooks.tasks.deliver_webhook", lambda delivery_id: sent.append(delivery_id)
    )

    with django_capture_on_commit_callbacks(execute=True):
        delivery = emit(world.acme, "kpi.created", {"kpi": {"id": 1}})[0]

    assert sent == [delivery.pk]


def test_api_writes_emit_their_events(world: World, everything, editor_api: Api) -> None:
    objective = editor_api.post(
        "/objectives", {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}
    ).json
    key_result = editor_api.post(
        "/key-results", {"objective": objective["id"], "title": "Leads", "start": 0, "target": 10}
    ).json
    editor_api.post(f"/key-results/{key_result['id']}/check-ins", {"value": 6})
    editor_api.patch(f"/key-results/{key_result['id']}", {"title": "Qualified leads"})
    editor_api.patch(f"/objectives/{objective['id']}", {"title": "Grow faster", "state": "closed"})

    assert events() == [
        "objective.created",
        "key_result.created",
        "check_in.created",
        "key_result.status_changed",
        "key_result.updated",
        "objective.updated",
        "objective.closed",
    ]
    changed = Delivery.objects.get(event="key_result.status_changed").payload
    assert (changed["before"], changed["after"]) == ("not_started", "on_track")
    closed = Delivery.objects.get(event="objective.closed").payload
    assert closed["objective"]["final_score"] == 0.6


def emitted(write: Callable[[], Any]) -> list[str]:
    """The events one write emits, in order (each must appear once per thing it changed)."""
    with recorded() as seen:
        write()
    return [event.name for event in seen]


def test_each_page_write_emits_its_events_once(world: World, everything) -> None:
    """The pages call the same services as the API: nothing is emitted twice or skipped."""
    editor = world.client_for(world.editor)
    objective_form = {
        "cycle": world.cycle.pk,
        "title": "Grow",
        "description": "",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "kind": "committed",
        "parent": "",
        "state": "active",
    }
    key_result_form = {
        "title": "Leads",
        "kind": "increase",
        "owner": world.editor.pk,
        "unit": "",
        "weight": "1",
        "start": "0",
        "target": "10",
        "commit": "",
        "stretch": "",
        "low": "",
        "high": "",
        "kpi": "",
        "kpi_mode": "latest",
    }

    assert emitted(lambda: editor.post(reverse("objective_create"), objective_form)) == [
        "objective.created"
    ]
    objective = Objective.objects.get()
    create_kr = reverse("key_result_create", args=[objective.pk])
    assert emitted(lambda: editor.post(create_kr, key_result_form)) == ["key_result.created"]
    key_result = objective.key_results.get()
    check_in = reverse("key_result_check_in", args=[key_result.pk])
    assert emitted(lambda: editor.post(check_in, {"value": "6", "confidence": "5"})) == [
        "check_in.created",
        "key_result.status_changed",
    ]
    edit_kr = reverse("key_result_edit", args=[key_result.pk])
    assert emitted(lambda: editor.post(edit_kr, {**key_result_form, "title": "Good leads"})) == [
        "key_result.updated"
    ]
    edit = reverse("objective_edit", args=[objective.pk])
    assert emitted(lambda: editor.post(edit, {**objective_form, "title": "Grow more"})) == [
        "objective.updated"
    ]
    delete_kr = reverse("key_result_delete", args=[key_result.pk])
    assert emitted(lambda: editor.post(delete_kr)) == ["key_result.deleted"]
    delete = reverse("objective_delete", args=[objective.pk])
    assert emitted(lambda: editor.post(delete)) == ["objective.deleted"]
    # Each event became one delivery to the subscription, no more.
    assert events() == [
        "objective.created",
        "key_result.created",
        "check_in.created",
        "key_result.status_changed",
        "key_result.updated",
        "objective.updated",
        "key_result.deleted",
        "objective.deleted",
    ]


def test_each_api_write_emits_its_events_once(world: World, everything, editor_api: Api) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Leads", target=10)
    body = {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}
    created: dict[str, Any] = {}

    def create() -> None:
        created.update(editor_api.post("/objectives", body).json)

    assert emitted(create) == ["objective.created"]
    path = f"/objectives/{created['id']}"
    kr_body = {"objective": created["id"], "title": "Leads", "start": 0, "target": 10}
    assert emitted(lambda: created.update(kr=editor_api.post("/key-results", kr_body).json)) == [
        "key_result.created"
    ]
    kr_path = f"/key-results/{created['kr']['id']}"
    # Linked to a KPI without values: nothing to read from it yet.
    assert emitted(lambda: editor_api.patch(kr_path, {"kpi": kpi.pk})) == ["key_result.updated"]
    assert emitted(lambda: editor_api.delete(kr_path)) == ["key_result.deleted"]
    assert emitted(lambda: editor_api.patch(path, {"title": "Grown"})) == ["objective.updated"]
    assert emitted(lambda: editor_api.delete(path)) == ["objective.deleted"]


def test_a_status_change_is_only_sent_when_the_status_changes(
    world: World, everything, editor_api: Api
) -> None:
    objective = create_objective(actor=None, cycle=world.cycle, team=world.sales, title="Grow")
    key_result = create_key_result(
        actor=None, objective=objective, title="Leads", kind="increase", start=0, target=10
    )
    record_check_in(actor=None, key_result=key_result, value=6)
    Delivery.objects.all().delete()

    editor_api.post(f"/key-results/{key_result.pk}/check-ins", {"value": 7})
    assert events() == ["check_in.created"]
    editor_api.post(f"/key-results/{key_result.pk}/check-ins", {"value": 1})
    assert events()[-1] == "key_result.status_changed"


def test_kpi_writes_emit_health_changes(world: World, everything, editor_api: Api) -> None:
    kpi = editor_api.post(
        "/kpis", {"team": world.sales.pk, "name": "MRR", "target": 10, "frequency": "daily"}
    ).json
    editor_api.post(
        f"/kpis/{kpi['id']}/measurements", [{"timestamp": "2026-11-19T10:00:00Z", "value": 12}]
    )
    editor_api.patch(f"/kpis/{kpi['id']}", {"target": 20})
    editor_api.delete(f"/kpis/{kpi['id']}")

    assert events() == [
        "kpi.created",
        "kpi.measurements_recorded",
        "kpi.health_changed",
        "kpi.updated",
        "kpi.health_changed",
        "kpi.deleted",
    ]
    first, second = Delivery.objects.filter(event="kpi.health_changed").order_by("id")
    assert (first.payload["before"], first.payload["after"]) == ("no_data", "green")
    assert (second.payload["before"], second.payload["after"]) == ("green", "red")
    recorded = Delivery.objects.get(event="kpi.measurements_recorded").payload
    assert (recorded["created"], recorded["updated"]) == (1, 0)


def test_deletes_carry_the_object_as_it_was(world: World, everything, editor_api: Api) -> None:
    objective = editor_api.post(
        "/objectives", {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}
    ).json

    editor_api.delete(f"/objectives/{objective['id']}")

    deleted = Delivery.objects.get(event="objective.deleted").payload
    assert deleted["objective"]["id"] == objective["id"]
    assert deleted["objective"]["title"] == "Grow"


def test_status_helpers_for_service_code(world: World, now: dt.datetime) -> None:
    objective = create_objective(actor=None, cycle=world.cycle, team=world.sales, title="Grow")
    key_result = create_key_result(
        actor=None, objective=objective, title="Leads", kind="increase", start=0, target=10
    )

    assert okr_events.status_of(key_result) == "not_started"
    kpi = create_kpi(actor=None, team=world.sales, name="MRR", target=1)
    assert kpi_events.health_of(kpi) == "no_data"

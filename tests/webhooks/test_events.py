"""Which writes emit which events, to whom, and only once they are committed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from goalkeeper.kpis import events as kpi_events
from goalkeeper.okrs import events as okr_events
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
    editor_api.patch(f"/objectives/{objective['id']}", {"title": "Grow", "state": "closed"})

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
    from goalkeeper.kpis.services import create_kpi

    kpi = create_kpi(actor=None, team=world.sales, name="MRR", target=1)
    assert kpi_events.health_of(kpi) == "no_data"

"""OKR services own their effects: each write emits its events once, inside its transaction;
a KPI link is announced to the apps above; the key result's value row is locked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.audit.models import AuditEntry
from goalkeeper.events import Event, recorded
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs import services
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, Objective
from goalkeeper.okrs.services import Closing
from goalkeeper.okrs.signals import key_result_kpi_changed
from goalkeeper.webhooks import services as webhooks
from goalkeeper.webhooks.models import Delivery
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")
AT = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)


def names(seen: list[Event]) -> list[str]:
    return [event.name for event in seen]


@pytest.fixture
def grow(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)


@pytest.fixture
def leads(grow: Objective) -> KeyResult:
    return factories.key_result(grow, "Leads", start=0, target=100)


def next_cycle(world: World) -> Cycle:
    return services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )


# --- Each write, its events, once ------------------------------------------------------------


def test_creating_an_objective_emits_objective_created(world: World) -> None:
    with recorded() as seen:
        objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)

    assert names(seen) == ["objective.created"]
    assert seen[0].payload["objective"]["id"] == objective.pk


def test_changing_an_objective_emits_objective_updated(world: World, grow: Objective) -> None:
    with recorded() as seen:
        services.update_objective(actor=world.editor, objective=grow, title="Grow more")

    assert names(seen) == ["objective.updated"]
    assert seen[0].payload["objective"]["title"] == "Grow more"


def test_closing_an_objective_with_its_current_score_emits_objective_closed(
    world: World, grow: Objective, leads: KeyResult
) -> None:
    services.record_check_in(actor=world.editor, key_result=leads, value=42)

    with recorded() as seen:
        services.update_objective(actor=world.editor, objective=grow, state="closed")

    assert names(seen) == ["objective.closed"]
    grow.refresh_from_db()
    assert (grow.state, grow.final_score) == ("closed", 0.4)
    assert seen[0].payload["objective"]["final_score"] == 0.4


def test_a_change_and_a_close_in_one_write_emit_both_once(
    world: World, grow: Objective, leads: KeyResult
) -> None:
    with recorded() as seen:
        services.update_objective(
            actor=world.editor, objective=grow, title="Grown", state="closed", final_score=0.3
        )

    assert names(seen) == ["objective.updated", "objective.closed"]


def test_a_new_score_on_a_closed_objective_is_an_update(
    world: World, grow: Objective, leads: KeyResult
) -> None:
    services.update_objective(actor=world.editor, objective=grow, state="closed", final_score=0.3)

    with recorded() as seen:
        services.update_objective(actor=world.editor, objective=grow, final_score=0.5)

    assert names(seen) == ["objective.updated"]
    assert seen[0].payload["objective"]["final_score"] == 0.5


def test_closing_fields_are_refused_unless_closing(world: World, grow: Objective) -> None:
    with recorded() as seen, pytest.raises(ValidationError) as caught:
        services.update_objective(actor=world.editor, objective=grow, final_score=0.5)

    assert caught.value.message_dict == {
        "final_score": ["only when closing the objective: send state 'closed'"]
    }
    assert seen == []


def test_an_objective_without_key_results_needs_a_final_score(
    world: World, grow: Objective
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.update_objective(actor=world.editor, objective=grow, state="closed")

    assert caught.value.message_dict == {
        "final_score": ["required: this objective has no key results to score it by"]
    }


def test_deleting_an_objective_emits_it_as_it_was(world: World, grow: Objective) -> None:
    with recorded() as seen:
        services.delete_objective(actor=world.editor, objective=grow)

    assert names(seen) == ["objective.deleted"]
    assert seen[0].payload["objective"]["title"] == "Grow"


def test_key_result_writes_emit_their_events_once(world: World, grow: Objective) -> None:
    with recorded() as created:
        key_result = factories.key_result(grow, "Leads", start=0, target=100)
    with recorded() as updated:
        services.update_key_result(actor=world.editor, key_result=key_result, title="Good leads")
    with recorded() as deleted:
        services.delete_key_result(actor=world.editor, key_result=key_result)

    assert names(created) == ["key_result.created"]
    assert names(updated) == ["key_result.updated"]
    assert names(deleted) == ["key_result.deleted"]


def test_a_definition_that_moves_the_pace_status_says_so(world: World, leads: KeyResult) -> None:
    services.record_check_in(actor=world.editor, key_result=leads, value=50)

    with recorded() as seen:
        services.update_key_result(actor=world.editor, key_result=leads, target=1000)

    assert names(seen) == ["key_result.updated", "key_result.status_changed"]
    assert (seen[1].payload["before"], seen[1].payload["after"]) == ("on_track", "off_track")


def test_a_check_in_emits_its_event_and_the_status_change(world: World, leads: KeyResult) -> None:
    with recorded() as seen:
        services.record_check_in(actor=world.editor, key_result=leads, value=40)

    assert names(seen) == ["check_in.created", "key_result.status_changed"]


def test_activating_a_cycle_emits_nothing(world: World) -> None:
    with recorded() as seen:
        services.activate_cycle(actor=world.admin, cycle=next_cycle(world))

    assert seen == []


def test_closing_a_cycle_emits_objective_closed_for_each_objective_it_closes(
    world: World, grow: Objective, leads: KeyResult
) -> None:
    keep = factories.objective(world.cycle, world.company, "Keep", owner=world.admin)
    services.close_objective(actor=world.admin, objective=keep, final_score=1.0)
    factories.objective(world.cycle, world.sales, "Draft", owner=world.editor, state="draft")

    with recorded() as seen:
        services.close_cycle(
            actor=world.admin,
            cycle=world.cycle,
            closings=[Closing(grow.pk, 0.6, "Late"), Closing(keep.pk, 1.0, "")],
        )

    # Keep was closed before (and confirmed as it was); the draft stays a draft.
    assert names(seen) == ["objective.closed"]
    assert seen[0].payload["objective"]["id"] == grow.pk


def test_filling_in_a_cycle_close_takes_the_current_score_and_keeps_the_note(
    world: World, grow: Objective, leads: KeyResult
) -> None:
    services.record_check_in(actor=world.editor, key_result=leads, value=63)
    grow.retrospective = "Written during the cycle"
    grow.save()

    services.close_cycle(actor=world.admin, cycle=world.cycle, closings=[], fill_in=True)

    grow.refresh_from_db()
    assert (grow.final_score, grow.retrospective) == (0.6, "Written during the cycle")


def test_a_refused_cycle_close_leaves_no_delivery(
    world: World, grow: Objective, leads: KeyResult
) -> None:
    webhooks.create_subscription(
        actor=None, workspace=world.acme, url="https://a.test/", events=list(webhooks.EVENTS)
    )
    empty = factories.objective(world.cycle, world.sales, "Empty", owner=world.editor)

    with pytest.raises(ValidationError):
        services.close_cycle(actor=world.admin, cycle=world.cycle, closings=[Closing(grow.pk, 0.5)])

    assert Objective.objects.filter(pk__in=[grow.pk, empty.pk], state="closed").count() == 0
    assert not Delivery.objects.filter(event="objective.closed").exists()


def test_carrying_over_emits_each_copy_once(
    world: World, grow: Objective, leads: KeyResult
) -> None:
    services.close_cycle(actor=world.admin, cycle=world.cycle, closings=[Closing(grow.pk, 0.4)])
    target = next_cycle(world)

    with recorded() as seen:
        copies = services.carry_over(actor=world.admin, source=world.cycle, target=target)

    copy = copies[0]
    assert names(seen) == ["objective.created", "key_result.created"]
    assert seen[0].payload["objective"]["id"] == copy.pk
    assert seen[1].payload["key_result"]["objective"] == copy.pk


# --- A KPI link is announced to the apps above okrs -------------------------------------------


@pytest.fixture
def announced() -> Iterator[list[tuple[int, int | None, str]]]:
    """What `key_result_kpi_changed` announces, in order: (key result, KPI, mode)."""
    heard: list[tuple[int, int | None, str]] = []

    def receiver(sender: Any, *, key_result: KeyResult, **_: Any) -> None:
        heard.append((key_result.pk, key_result.kpi_id, key_result.kpi_mode))

    key_result_kpi_changed.connect(receiver, sender=KeyResult)
    yield heard
    key_result_kpi_changed.disconnect(receiver, sender=KeyResult)


@pytest.fixture
def kpi(world: World) -> Kpi:
    made = create_kpi(actor=world.editor, team=world.sales, name="Leads", target=100.0)
    record_measurements(actor=world.editor, kpi=made, points=[(AT, 35.0)])
    made.refresh_from_db()
    return made


def test_a_key_result_created_with_a_kpi_is_announced(
    world: World, grow: Objective, kpi: Kpi, announced: list[tuple[int, int | None, str]]
) -> None:
    factories.key_result(grow, "Without")
    linked = factories.key_result(grow, "With", kpi=kpi)

    assert announced == [(linked.pk, kpi.pk, "latest")]


def test_a_changed_link_is_announced_and_an_unchanged_one_is_not(
    world: World, leads: KeyResult, kpi: Kpi, announced: list[tuple[int, int | None, str]]
) -> None:
    services.update_key_result(actor=world.editor, key_result=leads, kpi=kpi)
    services.update_key_result(actor=world.editor, key_result=leads, kpi=kpi, title="Same link")
    services.update_key_result(actor=world.editor, key_result=leads, kpi_mode="cycle_aggregate")
    services.update_key_result(actor=world.editor, key_result=leads, kpi=None)

    assert announced == [
        (leads.pk, kpi.pk, "latest"),
        (leads.pk, kpi.pk, "cycle_aggregate"),
        (leads.pk, None, "cycle_aggregate"),
    ]


def test_a_linked_key_result_reads_its_kpi_inside_the_write(
    world: World, leads: KeyResult, kpi: Kpi
) -> None:
    with recorded() as seen:
        linked = services.update_key_result(actor=world.editor, key_result=leads, kpi=kpi)

    # The instance the service answers carries the value read from the KPI.
    assert linked.current == 35.0
    assert CheckIn.objects.get(key_result=leads).automatic
    assert names(seen) == ["key_result.updated", "check_in.created", "key_result.status_changed"]


def test_a_refusing_receiver_undoes_the_whole_write(
    world: World, grow: Objective, kpi: Kpi
) -> None:
    def refuse(sender: Any, **_: Any) -> None:
        raise ValidationError({"kpi": "not this one"})

    key_result_kpi_changed.connect(refuse, sender=KeyResult)
    try:
        with pytest.raises(ValidationError):
            factories.key_result(grow, "With", kpi=kpi)
    finally:
        key_result_kpi_changed.disconnect(refuse, sender=KeyResult)

    assert not KeyResult.objects.filter(title="With").exists()
    assert not AuditEntry.objects.filter(action="key_result.created").exists()


# --- Two writers on one key result's value ---------------------------------------------------


def stale_copy(key_result: KeyResult) -> KeyResult:
    """The key result as a page read it before another writer checked in."""
    return KeyResult.objects.select_related("objective__cycle", "workspace").get(pk=key_result.pk)


def test_a_definition_edit_does_not_put_back_a_value_read_before_a_check_in(
    world: World, leads: KeyResult
) -> None:
    page_copy = stale_copy(leads)
    services.record_check_in(actor=world.editor, key_result=leads, value=70)

    services.update_key_result(actor=world.editor, key_result=page_copy, title="Good leads")

    leads.refresh_from_db()
    assert (leads.title, leads.current) == ("Good leads", 70.0)


def test_a_check_in_starts_from_the_stored_value_not_a_stale_copy(
    world: World, leads: KeyResult
) -> None:
    page_copy = stale_copy(leads)
    services.record_check_in(actor=world.editor, key_result=leads, value=70)

    with recorded() as seen:
        services.record_check_in(actor=world.editor, key_result=page_copy, value=75)

    entry = AuditEntry.objects.filter(action="check_in.created").order_by("-id").first()
    assert entry is not None
    assert entry.changes["current"] == [70.0, 75.0]
    # 70 was already on track: the second check-in moves no status.
    assert names(seen) == ["check_in.created"]


WRITES_ON_THE_VALUE: list[tuple[str, Callable[[World, KeyResult], object]]] = [
    (
        "check-in",
        lambda world, kr: services.record_check_in(actor=world.editor, key_result=kr, value=5),
    ),
    (
        "definition",
        lambda world, kr: services.update_key_result(actor=world.editor, key_result=kr, unit="x"),
    ),
]


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="the database has no row locks"
)
@pytest.mark.parametrize(
    ("label", "write"), WRITES_ON_THE_VALUE, ids=[w[0] for w in WRITES_ON_THE_VALUE]
)
def test_writes_on_the_value_lock_the_key_result_row(
    world: World, leads: KeyResult, label: str, write: Callable[[World, KeyResult], object]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        write(world, leads)

    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any('"okrs_keyresult"' in sql for sql in locks), label


def test_a_metric_check_in_has_no_done_flag(world: World, leads: KeyResult) -> None:
    services.record_check_in(actor=world.editor, key_result=leads, value=100, done=True)

    leads.refresh_from_db()
    assert (leads.current, leads.done) == (100.0, False)
    assert CheckIn.objects.get(key_result=leads).done is False

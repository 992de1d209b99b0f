"""Cycle lifecycle in the services: activate, close with final scores, lock, carry over."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs import services
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective, ObjectiveState
from goalkeeper.okrs.services import Closing
from tests.conftest import World
from tests.web import factories


def refusal(call: Any, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


def next_cycle(world: World, state: str = CycleState.PLANNING, name: str = "2027-Q1") -> Cycle:
    return services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name=name,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        state=state,
    )


def close(world: World, scores: dict[Objective, float]) -> Cycle:
    return services.close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[Closing(o.pk, score, f"note {o.title}") for o, score in scores.items()],
    )


# --- Activate ------------------------------------------------------------------------------


def test_activating_a_planning_cycle_makes_it_active_and_audits_it(world: World) -> None:
    cycle = next_cycle(world)

    services.activate_cycle(actor=world.admin, cycle=cycle)

    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE
    entry = AuditEntry.objects.filter(action="cycle.activated", object_id=cycle.pk).get()
    assert entry.changes == {"state": ["planning", "active"]}


def test_only_a_planning_cycle_can_be_activated(world: World) -> None:
    assert refusal(services.activate_cycle, actor=world.admin, cycle=world.cycle) == {
        "state": ["only a cycle in planning can be activated"]
    }


# --- Close ---------------------------------------------------------------------------------


def test_closing_scores_every_objective_and_locks_the_cycle(world: World) -> None:
    grow = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    keep = factories.objective(world.cycle, world.company, "Keep", owner=world.admin)

    close(world, {grow: 0.7, keep: 1.0})

    world.cycle.refresh_from_db()
    assert world.cycle.state == CycleState.CLOSED
    assert world.cycle.closed_at is not None
    rows = {o.title: o for o in Objective.objects.all()}
    assert (rows["Grow"].state, rows["Grow"].final_score, rows["Grow"].retrospective) == (
        "closed",
        0.7,
        "note Grow",
    )
    assert rows["Keep"].final_score == 1.0
    assert AuditEntry.objects.filter(action="objective.closed").count() == 2
    assert AuditEntry.objects.filter(action="cycle.closed").get().changes["objectives"] == [
        None,
        2,
    ]


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (1.5, "Ensure this value is less than or equal to 1.0."),
        (-0.1, "Ensure this value is greater than or equal to 0.0."),
        (0.75, "has one decimal at most: 0.0, 0.1 … 1.0"),
        (float("nan"), "must be a finite number"),
    ],
)
def test_closing_refuses_a_bad_final_score_on_its_objective(
    world: World, score: float, message: str
) -> None:
    good = factories.objective(world.cycle, world.sales, "Good", owner=world.editor)
    bad = factories.objective(world.cycle, world.sales, "Bad", owner=world.editor)

    errors = refusal(close, world=world, scores={good: 0.5, bad: score})

    assert errors == {f"{bad.pk}.final_score": [message]}
    # All or nothing: the good one was not closed either, and the cycle stays open.
    good.refresh_from_db()
    world.cycle.refresh_from_db()
    assert (good.state, world.cycle.state) == ("active", "active")


def test_closing_needs_a_score_for_every_objective(world: World) -> None:
    scored = factories.objective(world.cycle, world.sales, "Scored", owner=world.editor)
    forgotten = factories.objective(world.cycle, world.sales, "Forgotten", owner=world.editor)

    errors = refusal(close, world=world, scores={scored: 0.5})

    assert errors == {f"{forgotten.pk}.final_score": ["give a final score from 0.0 to 1.0"]}


def test_closing_leaves_drafts_as_drafts(world: World) -> None:
    active = factories.objective(world.cycle, world.sales, "Active", owner=world.editor)
    draft = factories.objective(
        world.cycle, world.sales, "Draft", owner=world.editor, state=ObjectiveState.DRAFT
    )

    close(world, {active: 0.4})

    draft.refresh_from_db()
    assert (draft.state, draft.final_score) == ("draft", None)


def test_a_cycle_in_planning_cannot_be_closed(world: World) -> None:
    cycle = next_cycle(world)

    errors = refusal(services.close_cycle, actor=world.admin, cycle=cycle, closings=[])

    assert errors == {"state": ["only an active cycle can be closed: activate it first"]}


def test_a_closed_cycle_cannot_be_closed_again(world: World) -> None:
    close(world, {})

    errors = refusal(services.close_cycle, actor=world.admin, cycle=world.cycle, closings=[])

    assert errors == {"cycle": ["the cycle is closed"]}


def test_closing_refuses_objectives_of_another_cycle(world: World) -> None:
    other = factories.objective(next_cycle(world), world.sales, "Elsewhere", owner=world.editor)

    errors = refusal(close, world=world, scores={other: 0.5})

    assert errors == {"objectives": [f"not objectives of 2026-Q4: [{other.pk}]"]}


# --- Locked once closed ----------------------------------------------------------------------


@pytest.fixture
def closed(world: World) -> tuple[Objective, KeyResult]:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "Leads", target=100)
    close(world, {objective: 0.3})
    objective.refresh_from_db()
    key_result.refresh_from_db()
    return objective, key_result


LOCKED = {"cycle": ["the cycle is closed"]}


def test_a_closed_cycle_refuses_new_objectives(world: World, closed: Any) -> None:
    errors = refusal(
        services.create_objective,
        actor=world.editor,
        cycle=world.cycle,
        team=world.sales,
        title="Late",
    )
    assert errors == LOCKED


def test_a_closed_cycle_refuses_objective_changes(world: World, closed: Any) -> None:
    objective, _ = closed
    assert refusal(
        services.update_objective, actor=world.editor, objective=objective, title="X"
    ) == (LOCKED)
    assert refusal(services.delete_objective, actor=world.editor, objective=objective) == LOCKED
    assert refusal(
        services.close_objective, actor=world.editor, objective=objective, final_score=1.0
    ) == (LOCKED)


def test_a_closed_cycle_refuses_key_result_changes(world: World, closed: Any) -> None:
    objective, key_result = closed
    assert refusal(
        services.create_key_result,
        actor=world.editor,
        objective=objective,
        title="More",
        kind="milestone",
    ) == (LOCKED)
    assert refusal(
        services.update_key_result, actor=world.editor, key_result=key_result, target=50
    ) == (LOCKED)
    assert refusal(services.delete_key_result, actor=world.editor, key_result=key_result) == (
        LOCKED
    )


def test_a_closed_cycle_refuses_check_ins(world: World, closed: Any) -> None:
    _, key_result = closed

    errors = refusal(services.record_check_in, actor=world.editor, key_result=key_result, value=5)

    assert errors == LOCKED
    assert key_result.check_ins.count() == 0


def test_a_closed_cycle_refuses_new_names_and_dates(world: World, closed: Any) -> None:
    assert refusal(services.update_cycle, actor=world.admin, cycle=world.cycle, name="X") == (
        LOCKED
    )


# --- Carry over ------------------------------------------------------------------------------


def carried(world: World, target: Cycle, **kwargs: Any) -> dict[str, Objective]:
    copies = services.carry_over(actor=world.admin, source=world.cycle, target=target, **kwargs)
    return {copy.title: copy for copy in copies}


def test_carry_over_copies_unfinished_objectives_from_the_value_reached(world: World) -> None:
    grow = factories.objective(
        world.cycle, world.sales, "Grow", owner=world.editor, kind="aspirational"
    )
    factories.key_result(
        grow,
        "Leads",
        start=10,
        target=110,
        check_ins=[(60, dt.datetime(2026, 11, 1, tzinfo=dt.UTC))],
        unit="leads",
    )
    factories.key_result(
        grow,
        "Churn",
        kind="decrease",
        start=10,
        target=2,
        check_ins=[(6, dt.datetime(2026, 11, 1, tzinfo=dt.UTC))],
    )
    factories.key_result(grow, "Launch", kind="milestone")
    factories.key_result(grow, "Uptime", kind="maintain", low=99.0, high=None)
    close(world, {grow: 0.4})
    target = next_cycle(world)

    copies = carried(world, target)

    copy = copies["Grow"]
    assert (copy.cycle, copy.team, copy.owner, copy.kind, copy.state, copy.carried_from) == (
        target,
        world.sales,
        world.editor,
        "aspirational",
        "active",
        grow,
    )
    krs = {kr.title: kr for kr in copy.key_results.all()}
    leads, churn = krs["Leads"], krs["Churn"]
    assert (leads.start, leads.target, leads.current, leads.unit) == (60, 110, 60, "leads")
    assert (churn.start, churn.target, churn.current) == (6, 2, 6)
    assert (krs["Launch"].kind, krs["Launch"].done) == ("milestone", False)
    assert (krs["Uptime"].low, krs["Uptime"].high) == (99.0, None)
    assert [kr.check_ins.count() for kr in krs.values()] == [0, 0, 0, 0]
    entry = AuditEntry.objects.filter(action="objective.carried_over").get()
    assert (entry.object_id, entry.changes["from"]) == (
        copy.pk,
        [None, f"2026-Q4: Grow (#{grow.pk})"],
    )


def test_carry_over_skips_objectives_that_scored_one(world: World) -> None:
    done = factories.objective(world.cycle, world.sales, "Done", owner=world.editor)
    short = factories.objective(world.cycle, world.sales, "Short", owner=world.editor)
    close(world, {done: 1.0, short: 0.9})

    assert set(carried(world, next_cycle(world))) == {"Short"}


def test_carry_over_takes_drafts_along_as_drafts(world: World) -> None:
    factories.objective(world.cycle, world.sales, "Idea", owner=world.editor, state="draft")
    close(world, {})

    assert carried(world, next_cycle(world))["Idea"].state == "draft"


def test_zones_are_kept_while_they_still_lie_ahead(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    factories.key_result(
        objective, "Early", start=0, target=70, commit=30, stretch=100, check_ins=[(10, at)]
    )
    factories.key_result(
        objective, "Past commit", start=0, target=70, commit=30, stretch=100, check_ins=[(50, at)]
    )
    close(world, {objective: 0.3})

    krs = {kr.title: kr for kr in carried(world, next_cycle(world))["Grow"].key_results.all()}

    assert (krs["Early"].start, krs["Early"].commit, krs["Early"].stretch) == (10, 30, 100)
    assert (krs["Past commit"].start, krs["Past commit"].commit, krs["Past commit"].stretch) == (
        50,
        None,
        None,
    )


def test_a_met_key_result_keeps_its_start_and_stays_met(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    factories.key_result(objective, "Beaten", start=0, target=100, check_ins=[(120, at)])
    factories.key_result(objective, "Shipped", kind="milestone", check_ins=[(None, at)])
    close(world, {objective: 0.5})

    krs = {kr.title: kr for kr in carried(world, next_cycle(world))["Grow"].key_results.all()}

    assert (krs["Beaten"].start, krs["Beaten"].target, krs["Beaten"].current) == (0, 100, 120)
    assert krs["Shipped"].done is True


def test_alignment_follows_the_carried_parents(world: World) -> None:
    yearly_cycle = services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2026",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        state=CycleState.ACTIVE,
    )
    yearly = factories.objective(yearly_cycle, world.company, "Yearly", owner=world.admin)
    parent = factories.objective(world.cycle, world.company, "Parent", owner=world.admin)
    child = factories.objective(
        world.cycle, world.sales, "Child", owner=world.editor, parent=parent
    )
    outside = factories.objective(
        world.cycle, world.sales, "Outside", owner=world.editor, parent=yearly
    )
    done = factories.objective(world.cycle, world.company, "Done", owner=world.admin)
    orphan = factories.objective(
        world.cycle, world.sales, "Orphan", owner=world.editor, parent=done
    )
    close(world, {parent: 0.5, child: 0.5, outside: 0.5, done: 1.0, orphan: 0.5})

    copies = carried(world, next_cycle(world))

    assert copies["Child"].parent == copies["Parent"]
    assert copies["Outside"].parent == yearly
    assert copies["Orphan"].parent is None


def test_a_child_listed_before_its_parent_still_gets_the_copy(world: World) -> None:
    child = factories.objective(world.cycle, world.sales, "Child", owner=world.editor)
    parent = factories.objective(world.cycle, world.company, "Parent", owner=world.admin)
    services.update_objective(actor=world.admin, objective=child, parent=parent)
    close(world, {child: 0.5, parent: 0.5})

    copies = carried(world, next_cycle(world))

    assert copies["Child"].parent == copies["Parent"]


def test_carry_over_can_take_some_objectives_only(world: World) -> None:
    one = factories.objective(world.cycle, world.sales, "One", owner=world.editor)
    factories.objective(world.cycle, world.sales, "Two", owner=world.editor)
    close(world, dict.fromkeys(Objective.objects.all(), 0.5))

    assert set(carried(world, next_cycle(world), objective_ids=[one.pk])) == {"One"}


def test_carrying_twice_into_the_same_cycle_copies_once(world: World) -> None:
    factories.objective(world.cycle, world.sales, "Once", owner=world.editor)
    close(world, dict.fromkeys(Objective.objects.all(), 0.5))
    target = next_cycle(world)
    carried(world, target)

    assert carried(world, target) == {}
    assert Objective.objects.filter(cycle=target).count() == 1


def test_carry_over_needs_a_closed_source(world: World) -> None:
    errors = refusal(
        services.carry_over, actor=world.admin, source=world.cycle, target=next_cycle(world)
    )

    assert errors == {"cycle": ["close the cycle before carrying its objectives over"]}


def test_carry_over_refuses_a_closed_target_the_same_cycle_or_another_workspace(
    world: World,
) -> None:
    close(world, {})
    globex = services.create_cycle(
        actor=world.outsider,
        workspace=world.globex,
        name="G",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )

    assert refusal(
        services.carry_over, actor=world.admin, source=world.cycle, target=world.cycle
    ) == {"target": ["choose another cycle than the one carried from"]}
    assert refusal(services.carry_over, actor=world.admin, source=world.cycle, target=globex) == {
        "target": ["must belong to the same workspace"]
    }
    old = next_cycle(world, state=CycleState.CLOSED, name="2026-Q3")
    assert refusal(services.carry_over, actor=world.admin, source=world.cycle, target=old) == {
        "target": ["the cycle is closed: choose a cycle in planning or active"]
    }


def test_carry_over_refuses_objectives_that_are_not_unfinished(world: World) -> None:
    done = factories.objective(world.cycle, world.sales, "Done", owner=world.editor)
    close(world, {done: 1.0})

    errors = refusal(
        services.carry_over,
        actor=world.admin,
        source=world.cycle,
        target=next_cycle(world),
        objective_ids=[done.pk],
    )

    assert errors == {"objectives": [f"not unfinished objectives of 2026-Q4: [{done.pk}]"]}

"""Bulk changes from the cycle board: a new owner, a new team or closing, for every
selected objective at once, all or nothing (docs/okrs.md, "Bulk changes")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs.models import CycleState, Objective, ObjectiveState
from goalkeeper.okrs.services import ObjectiveBulkAction, bulk_change_objectives, create_cycle
from tests.conftest import World
from tests.web import factories

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def objectives(world: World, count: int) -> list[Objective]:
    return [
        factories.objective(world.cycle, world.sales, f"Objective {n}", owner=world.editor)
        for n in range(count)
    ]


def test_a_bulk_new_owner_changes_every_selected_objective_with_an_audit_entry_each(
    world: World,
) -> None:
    chosen = objectives(world, 3)
    other = factories.objective(world.cycle, world.sales, "Left alone", owner=world.editor)

    changed = bulk_change_objectives(
        actor=world.editor,
        objective_ids=[o.pk for o in chosen],
        action=ObjectiveBulkAction.OWNER,
        owner=world.admin,
    )

    assert changed == 3
    owners = dict(Objective.objects.values_list("pk", "owner_id"))
    assert {owners[o.pk] for o in chosen} == {world.admin.pk}
    assert owners[other.pk] == world.editor.pk
    audited = AuditEntry.objects.filter(action="objective.updated", changes__has_key="owner")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(o.pk for o in chosen)


def test_a_bulk_new_team_moves_every_selected_objective(world: World) -> None:
    chosen = objectives(world, 2)

    bulk_change_objectives(
        actor=world.editor,
        objective_ids=[o.pk for o in chosen],
        action=ObjectiveBulkAction.TEAM,
        team=world.company,
    )

    assert set(Objective.objects.values_list("team_id", flat=True)) == {world.company.pk}


def test_bulk_closing_refuses_all_when_one_has_nothing_to_score_it_by(world: World) -> None:
    scored = factories.objective(world.cycle, world.sales, "Scored", owner=world.editor)
    factories.key_result(scored, "Half", check_ins=[(50.0, NOW)])
    empty = factories.objective(world.cycle, world.sales, "Empty", owner=world.editor)

    with pytest.raises(ValidationError, match="“Empty”"):
        bulk_change_objectives(
            actor=world.editor,
            objective_ids=[scored.pk, empty.pk],
            action=ObjectiveBulkAction.CLOSE,
        )

    assert Objective.objects.get(pk=scored.pk).state != ObjectiveState.CLOSED

    bulk_change_objectives(
        actor=world.editor, objective_ids=[scored.pk], action=ObjectiveBulkAction.CLOSE
    )
    closed = Objective.objects.get(pk=scored.pk)
    assert (closed.state, closed.final_score) == (ObjectiveState.CLOSED, 0.5)


def test_objectives_of_a_closed_cycle_are_named_and_nothing_changes(world: World) -> None:
    past = create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2026-Q2",
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 6, 30),
    )
    old = factories.objective(past, world.sales, "Old news", owner=world.editor)
    live = objectives(world, 1)[0]
    past.state = CycleState.CLOSED
    past.save()

    with pytest.raises(ValidationError, match="“Old news”"):
        bulk_change_objectives(
            actor=world.editor,
            objective_ids=[live.pk, old.pk],
            action=ObjectiveBulkAction.OWNER,
            owner=world.admin,
        )

    assert Objective.objects.get(pk=live.pk).owner_id == world.editor.pk


def test_a_viewer_is_refused_naming_the_objectives(world: World) -> None:
    chosen = objectives(world, 1)

    with pytest.raises(ValidationError, match="“Objective 0”"):
        bulk_change_objectives(
            actor=world.viewer,
            objective_ids=[chosen[0].pk],
            action=ObjectiveBulkAction.OWNER,
            owner=None,
        )


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picked=st.sets(st.integers(min_value=0, max_value=4), min_size=1))
def test_only_the_selected_objectives_change_owner_and_each_is_audited_once(
    world: World, picked: set[int]
) -> None:
    chosen = Objective.objects.filter(cycle=world.cycle).order_by("id")
    if chosen.count() < 5:
        objectives(world, 5)
    rows = list(Objective.objects.filter(cycle=world.cycle).order_by("id")[:5])
    Objective.objects.filter(pk__in=[o.pk for o in rows]).update(owner=world.editor)
    before = AuditEntry.objects.count()
    ids = [rows[n].pk for n in picked]

    bulk_change_objectives(
        actor=world.editor,
        objective_ids=ids,
        action=ObjectiveBulkAction.OWNER,
        owner=world.admin,
    )

    owners = dict(
        Objective.objects.filter(pk__in=[o.pk for o in rows]).values_list("pk", "owner_id")
    )
    assert {pk for pk, owner in owners.items() if owner == world.admin.pk} == set(ids)
    assert AuditEntry.objects.count() - before == len(ids)


# --- The page -------------------------------------------------------------------------------


def test_the_board_offers_a_checkbox_beside_each_objective_to_editors_only(world: World) -> None:
    objectives(world, 1)
    board = reverse("cycle_board", args=[world.cycle.pk])

    editor_page = world.client_for(world.editor).get(board).content.decode()
    viewer_page = world.client_for(world.viewer).get(board).content.decode()

    assert 'data-testid="select-objective"' in editor_page
    assert 'id="objective-bulk"' in editor_page
    # Beside the folded row, not inside its summary.
    assert '<li><input type="checkbox" class="bulk-check"' in editor_page
    assert 'data-testid="select-objective"' not in viewer_page


def test_the_action_bar_changes_the_selected_objectives_and_says_how_many(world: World) -> None:
    chosen = objectives(world, 2)
    client = world.client_for(world.editor)
    board = reverse("cycle_board", args=[world.cycle.pk])

    response = client.post(
        reverse("objective_bulk"),
        {
            "objectives": [o.pk for o in chosen],
            "action": "owner",
            "owner": world.admin.pk,
            "next": board,
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == board
    assert "2 objectives changed." in response.content.decode()
    assert set(Objective.objects.values_list("owner_id", flat=True)) == {world.admin.pk}


def test_a_refused_bulk_change_says_why_and_changes_nothing(world: World) -> None:
    chosen = objectives(world, 1)
    client = world.client_for(world.editor)

    response = client.post(
        reverse("objective_bulk"),
        {"objectives": [chosen[0].pk, 999_999], "action": "owner", "owner": world.admin.pk},
        follow=True,
    )

    assert "Nothing was changed: no such objective in this workspace: 999999" in (
        response.content.decode()
    )
    assert Objective.objects.get(pk=chosen[0].pk).owner_id == world.editor.pk

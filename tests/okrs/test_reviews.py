"""Reviews of draft objectives: the services that submit, approve and send back a draft."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.accounts.services import add_member
from goalkeeper.audit.models import AuditEntry
from goalkeeper.events import recorded
from goalkeeper.okrs import services
from goalkeeper.okrs.events import objective_payload
from goalkeeper.okrs.models import Objective, ObjectiveState
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def draft(world: World) -> Objective:
    """Owen's draft for Sales (Eddie leads Sales)."""
    return services.create_objective(
        actor=world.owner,
        cycle=world.cycle,
        team=world.sales,
        title="Open a second office",
        owner=world.owner,
        state=ObjectiveState.DRAFT,
    )


def refusal(**call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.request_review(**call)
    return caught.value.message_dict


def test_a_draft_waits_for_its_reviewer_with_an_audit_entry_and_an_event(
    world: World, draft: Objective, now: dt.datetime
) -> None:
    with recorded() as seen:
        services.request_review(actor=world.owner, objective=draft, reviewer=world.editor)

    draft.refresh_from_db()
    assert draft.reviewer == world.editor
    assert draft.review_requested_at == now
    assert draft.state == ObjectiveState.DRAFT
    assert [(e.name, e.payload) for e in seen] == [
        (
            "objective.review_requested",
            {
                "objective": objective_payload(draft),
                "reviewer": world.editor.pk,
                "requested_by": world.owner.pk,
            },
        )
    ]
    entry = AuditEntry.objects.get(action="objective.review_requested")
    assert entry.actor == world.owner
    assert entry.changes == {"reviewer": [None, world.editor.pk]}


def test_the_default_reviewer_is_a_lead_of_the_team_else_an_admin(
    world: World, draft: Objective
) -> None:
    assert services.default_reviewer(draft, world.owner) == world.editor
    # The lead asking for a review of their own team's draft: an admin reviews it.
    assert services.default_reviewer(draft, world.editor) == world.admin
    add_member(actor=None, team=world.sales, person=world.viewer, is_lead=True)
    assert services.default_reviewer(draft, world.editor) == world.viewer


def test_only_a_draft_can_be_submitted(world: World, draft: Objective) -> None:
    Objective.objects.filter(pk=draft.pk).update(state=ObjectiveState.ACTIVE)

    errors = refusal(actor=world.owner, objective=draft, reviewer=world.editor)

    assert errors == {"state": ["only a draft objective can be submitted for review"]}
    assert not AuditEntry.objects.filter(action="objective.review_requested").exists()


def test_the_reviewer_is_someone_else_active_in_the_workspace(
    world: World, draft: Objective
) -> None:
    world.viewer.is_active = False
    world.viewer.save()

    assert refusal(actor=world.owner, objective=draft, reviewer=world.owner) == {
        "reviewer": ["choose someone other than yourself"]
    }
    assert refusal(actor=world.owner, objective=draft, reviewer=world.outsider) == {
        "reviewer": ["no such person active in this workspace"]
    }
    assert refusal(actor=world.owner, objective=draft, reviewer=world.viewer) == {
        "reviewer": ["no such person active in this workspace"]
    }
    assert refusal(actor=world.owner, objective=draft, reviewer=None) == {
        "reviewer": ["choose who reviews this objective"]
    }
    draft.refresh_from_db()
    assert draft.reviewer is None


def test_approving_activates_the_draft_and_clears_the_request(
    world: World, draft: Objective
) -> None:
    services.request_review(actor=world.owner, objective=draft, reviewer=world.editor)

    with recorded() as seen:
        services.approve_review(actor=world.editor, objective=draft)

    draft.refresh_from_db()
    assert draft.state == ObjectiveState.ACTIVE
    assert draft.reviewer is None
    assert draft.review_requested_at is None
    assert [e.name for e in seen] == ["objective.updated"]
    assert seen[0].payload["objective"]["state"] == "active"
    entries = AuditEntry.objects.filter(actor=world.editor).order_by("id")
    actions = list(entries.values_list("action", flat=True))
    assert actions == ["objective.updated", "objective.review_approved"]


def test_sending_back_keeps_the_draft_and_says_why(world: World, draft: Objective) -> None:
    services.request_review(actor=world.owner, objective=draft, reviewer=world.editor)

    with recorded() as seen:
        services.return_for_changes(actor=world.editor, objective=draft, note="Too vague")

    draft.refresh_from_db()
    assert (draft.state, draft.reviewer) == (ObjectiveState.DRAFT, None)
    assert [(e.name, e.payload["note"], e.payload["reviewer"]) for e in seen] == [
        ("objective.review_returned", "Too vague", world.editor.pk)
    ]
    entry = AuditEntry.objects.get(action="objective.review_returned")
    assert entry.changes == {"reviewer": [world.editor.pk, None], "note": [None, "Too vague"]}


def test_sending_back_needs_a_note_and_a_pending_request(world: World, draft: Objective) -> None:
    with pytest.raises(ValidationError) as not_pending:
        services.approve_review(actor=world.editor, objective=draft)
    services.request_review(actor=world.owner, objective=draft, reviewer=world.editor)
    with pytest.raises(ValidationError) as no_note:
        services.return_for_changes(actor=world.editor, objective=draft, note="  ")

    assert not_pending.value.message_dict == {
        "reviewer": ["this objective is not waiting for a review"]
    }
    assert no_note.value.message_dict == {"note": ["say what should change before it is approved"]}
    draft.refresh_from_db()
    assert draft.reviewer == world.editor


def test_activating_a_draft_from_its_form_clears_a_pending_review(
    world: World, draft: Objective
) -> None:
    services.request_review(actor=world.owner, objective=draft, reviewer=world.editor)

    services.update_objective(actor=world.admin, objective=draft, state=ObjectiveState.ACTIVE)

    draft.refresh_from_db()
    assert (draft.reviewer, draft.review_requested_at) == (None, None)

"""The pages of a draft's review: submit it from its page, approve it or send it back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs import services
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


def page(world: World, who, objective: Objective) -> str:
    url = reverse("objective_detail", args=[objective.pk])
    return world.client_for(who).get(url).content.decode()


def test_the_owner_of_a_draft_is_offered_to_submit_it(world: World, draft: Objective) -> None:
    request_url = reverse("objective_review_request", args=[draft.pk])

    assert f'href="{request_url}" data-testid="request-review"' in page(world, world.owner, draft)
    assert 'data-testid="request-review"' not in page(world, world.viewer, draft)


def test_the_request_form_starts_with_the_team_lead(world: World, draft: Objective) -> None:
    url = reverse("objective_review_request", args=[draft.pk])

    html = world.client_for(world.owner).get(url).content.decode()

    assert f'<option value="{world.editor.pk}" selected>Eddie Editor</option>' in html


def test_submitting_shows_whom_the_draft_waits_for(world: World, draft: Objective) -> None:
    url = reverse("objective_review_request", args=[draft.pk])

    response = world.client_for(world.owner).post(url, {"reviewer": world.editor.pk})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.reviewer == world.editor
    assert "Waiting for review by Eddie Editor" in page(world, world.owner, draft)
    # The owner waits; the reviewer decides.
    assert 'data-testid="approve-review"' not in page(world, world.owner, draft)
    reviewer_page = page(world, world.editor, draft)
    assert "Approve (activate)" in reviewer_page
    assert "Send back with a note" in reviewer_page


def test_a_bad_reviewer_is_named_on_the_form(world: World, draft: Objective) -> None:
    url = reverse("objective_review_request", args=[draft.pk])
    client = world.client_for(world.owner)

    myself = client.post(url, {"reviewer": world.owner.pk}).content.decode()
    outsider = client.post(url, {"reviewer": world.outsider.pk}).content.decode()

    assert "no such person in this workspace" in myself
    assert "no such person in this workspace" in outsider
    assert not AuditEntry.objects.filter(action="objective.review_requested").exists()


def test_someone_else_may_not_submit_or_review(world: World, draft: Objective) -> None:
    services.request_review(actor=world.owner, objective=draft, reviewer=world.editor)
    viewer = world.client_for(world.viewer)

    submit = viewer.post(
        reverse("objective_review_request", args=[draft.pk]), {"reviewer": world.admin.pk}
    )
    review = viewer.post(reverse("objective_review", args=[draft.pk]), {"decision": "approve"})
    foreign = world.client_for(world.outsider).get(reverse("objective_review", args=[draft.pk]))

    assert (submit.status_code, review.status_code, foreign.status_code) == (403, 403, 404)
    draft.refresh_from_db()
    assert draft.state == ObjectiveState.DRAFT


def test_the_reviewer_approves_and_the_objective_is_active(world: World, draft: Objective) -> None:
    services.request_review(actor=world.owner, objective=draft, reviewer=world.editor)

    response = world.client_for(world.editor).post(
        reverse("objective_review", args=[draft.pk]), {"decision": "approve", "note": ""}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.reviewer) == (ObjectiveState.ACTIVE, None)


def test_sending_back_without_a_note_says_the_note_is_needed(
    world: World, draft: Objective
) -> None:
    services.request_review(actor=world.owner, objective=draft, reviewer=world.editor)
    client = world.client_for(world.editor)
    url = reverse("objective_review", args=[draft.pk])

    refused = client.post(url, {"decision": "return", "note": ""})
    sent = client.post(url, {"decision": "return", "note": "Say how many customers"})

    assert "Note</a>: say what should change before it is approved" in refused.content.decode()
    assert sent.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.reviewer) == (ObjectiveState.DRAFT, None)
    assert AuditEntry.objects.get(action="objective.review_returned").changes["note"] == [
        None,
        "Say how many customers",
    ]

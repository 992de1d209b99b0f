"""The review of a draft objective over the API: submit, approve, send back."""

from __future__ import annotations

import pytest

from goalkeeper.okrs import services
from goalkeeper.okrs.models import Objective, ObjectiveState
from tests.api.conftest import Api
from tests.conftest import World


@pytest.fixture
def draft(world: World) -> Objective:
    return services.create_objective(
        actor=world.editor,
        cycle=world.cycle,
        team=world.sales,
        title="Open a second office",
        owner=world.editor,
        state=ObjectiveState.DRAFT,
    )


def test_a_draft_is_submitted_for_review(world: World, editor_api: Api, draft: Objective) -> None:
    response = editor_api.post(
        f"/objectives/{draft.pk}/review-request", {"reviewer": world.admin.pk}
    )

    assert response.status_code == 200, response.json
    assert response.json["reviewer"] == world.admin.pk
    assert response.json["review_requested_at"] is not None
    assert response.json["state"] == "draft"


def test_without_a_reviewer_a_lead_or_an_admin_is_asked(
    world: World, editor_api: Api, draft: Objective
) -> None:
    # Eddie leads Sales himself: an admin reviews his draft.
    response = editor_api.post(f"/objectives/{draft.pk}/review-request", {})

    assert response.json["reviewer"] == world.admin.pk


def test_refusals_name_the_field(world: World, editor_api: Api, draft: Objective) -> None:
    myself = editor_api.post(
        f"/objectives/{draft.pk}/review-request", {"reviewer": world.editor.pk}
    )
    foreign = editor_api.post(
        f"/objectives/{draft.pk}/review-request", {"reviewer": world.outsider.pk}
    )
    not_pending = editor_api.post(f"/objectives/{draft.pk}/review", {"decision": "approve"})

    assert myself.status_code == 422
    assert myself.json["errors"] == [
        {"field": "reviewer", "message": "choose someone other than yourself"}
    ]
    assert foreign.json["errors"] == [{"field": "reviewer", "message": "no such person"}]
    assert not_pending.status_code == 403


def test_the_reviewer_approves_or_sends_back(
    world: World, editor_api: Api, admin_api: Api, draft: Objective
) -> None:
    editor_api.post(f"/objectives/{draft.pk}/review-request", {"reviewer": world.admin.pk})

    no_note = admin_api.post(f"/objectives/{draft.pk}/review", {"decision": "return"})
    returned = admin_api.post(
        f"/objectives/{draft.pk}/review", {"decision": "return", "note": "Add a key result"}
    )
    editor_api.post(f"/objectives/{draft.pk}/review-request", {"reviewer": world.admin.pk})
    approved = admin_api.post(f"/objectives/{draft.pk}/review", {"decision": "approve"})

    assert no_note.json["errors"] == [
        {"field": "note", "message": "say what should change before it is approved"}
    ]
    assert (returned.json["state"], returned.json["reviewer"]) == ("draft", None)
    assert (approved.json["state"], approved.json["reviewer"]) == ("active", None)

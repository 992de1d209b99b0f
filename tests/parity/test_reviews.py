"""Parity of the weekly rhythm's writes: a draft's review, and a check-in from the page that
checks in on everything, leave the same rows, audit and events as the REST API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goalkeeper.okrs.models import KeyResult, Objective, ObjectiveState
from goalkeeper.okrs.services import create_key_result, create_objective, request_review
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api
from tests.conftest import World
from tests.parity.harness import compare_paths, expect_status, names

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_event_subscribed(world: World) -> None:
    create_subscription(
        actor=None, workspace=world.acme, url="https://hooks.example.test/in", events=EVENTS
    )


@pytest.fixture
def draft(world: World) -> Objective:
    return create_objective(
        actor=world.editor,
        cycle=world.cycle,
        team=world.sales,
        title="Open a second office",
        owner=world.editor,
        state=ObjectiveState.DRAFT,
    )


def test_submitting_a_draft_for_review(world: World, editor_api: Api, draft: Objective) -> None:
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("objective_review_request", args=[draft.pk]), {"reviewer": world.admin.pk}
            ),
            302,
        ),
        api=lambda: expect_status(
            editor_api.post(f"/objectives/{draft.pk}/review-request", {"reviewer": world.admin.pk}),
            200,
        ),
    )

    assert names(trace) == ["objective.review_requested"]


def test_approving_a_draft(world: World, admin_api: Api, draft: Objective) -> None:
    request_review(actor=world.editor, objective=draft, reviewer=world.admin)
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("objective_review", args=[draft.pk]), {"decision": "approve"}),
            302,
        ),
        api=lambda: expect_status(
            admin_api.post(f"/objectives/{draft.pk}/review", {"decision": "approve"}), 200
        ),
    )

    assert names(trace) == ["objective.updated"]


def test_sending_a_draft_back(world: World, admin_api: Api, draft: Objective) -> None:
    request_review(actor=world.editor, objective=draft, reviewer=world.admin)
    client = world.client_for(world.admin)
    body = {"decision": "return", "note": "Add a key result"}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("objective_review", args=[draft.pk]), body), 302
        ),
        api=lambda: expect_status(admin_api.post(f"/objectives/{draft.pk}/review", body), 200),
    )

    assert names(trace) == ["objective.review_returned"]


def test_checking_in_from_the_page_of_everything(world: World, editor_api: Api) -> None:
    grow = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow", owner=world.editor
    )
    leads: KeyResult = create_key_result(
        actor=world.editor,
        objective=grow,
        title="Leads",
        kind="increase",
        start=0,
        target=100,
        owner=world.editor,
    )
    client = world.client_for(world.editor)
    body = {"value": 40, "confidence": 7, "note": "Trade fair"}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("check_in_all_row", args=[leads.pk]), body), 302
        ),
        api=lambda: expect_status(editor_api.post(f"/key-results/{leads.pk}/check-ins", body), 201),
    )

    assert names(trace)[0] == "check_in.created"

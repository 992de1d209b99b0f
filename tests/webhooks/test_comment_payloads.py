"""Comment and reaction webhooks carry the REST resources, as the OpenAPI document says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from goalkeeper.webhooks.delivery import body_of
from goalkeeper.webhooks.models import Delivery
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")

EVENTS = ["comment.created", "comment.updated", "comment.deleted", "reaction.added"]


@pytest.fixture
def document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


@pytest.fixture
def subscribed(world: World) -> None:
    create_subscription(
        actor=world.admin, workspace=world.acme, url="https://example.com/hook", events=EVENTS
    )


def component(document: dict[str, Any], name: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    )


def event_body(document: dict[str, Any], event: str) -> Draft202012Validator:
    body = document["webhooks"][event]["post"]["requestBody"]["content"]["application/json"]
    return Draft202012Validator({**body["schema"], "components": document["components"]})


def delivered(event: str) -> dict[str, Any]:
    delivery = Delivery.objects.filter(event=event).select_related("subscription").get()
    return dict(json.loads(body_of(delivery)))


def check_in_of(world: World) -> tuple[int, int]:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    key_result = create_key_result(
        actor=world.editor,
        objective=objective,
        title="Leads",
        kind="increase",
        start=0,
        target=100,
    )
    check_in = record_check_in(actor=world.editor, key_result=key_result, value=40)
    return objective.pk, check_in.pk


@pytest.mark.usefixtures("subscribed")
def test_a_comment_webhook_carries_the_comment_the_api_answers(
    world: World, document: dict[str, Any], editor_api: Api
) -> None:
    objective_id, _ = check_in_of(world)
    body = f"Thanks @[Ada Admin](person:{world.admin.pk})"
    posted = editor_api.post(
        "/comments", {"subject_type": "objective", "subject_id": objective_id, "body": body}
    )
    assert posted.status_code == 201, posted.json

    sent = delivered("comment.created")
    shown = editor_api.get(f"/comments/{posted.json['id']}")

    event_body(document, "comment.created").validate(sent)
    component(document, "CommentOut").validate(sent["data"]["comment"])
    assert sent["data"]["comment"] == shown.json == posted.json
    assert sent["data"]["new_mentions"] == [world.admin.pk]
    assert sent["data"]["text"] == "Thanks @Ada Admin"
    assert f"/objectives/{objective_id}/" in sent["data"]["url"]


@pytest.mark.usefixtures("subscribed")
def test_edited_and_deleted_comments_carry_the_comment_as_it_was(
    world: World, document: dict[str, Any], editor_api: Api
) -> None:
    objective_id, _ = check_in_of(world)
    posted = editor_api.post(
        "/comments", {"subject_type": "objective", "subject_id": objective_id, "body": "On it"}
    ).json
    edited = editor_api.patch(f"/comments/{posted['id']}", {"body": "On it, today"}).json
    assert editor_api.delete(f"/comments/{posted['id']}").status_code == 204

    updated, deleted = delivered("comment.updated"), delivered("comment.deleted")

    for event, sent in (("comment.updated", updated), ("comment.deleted", deleted)):
        event_body(document, event).validate(sent)
    assert updated["data"]["comment"] == edited
    assert deleted["data"]["comment"] == edited
    assert deleted["data"]["new_mentions"] == []


@pytest.mark.usefixtures("subscribed")
def test_a_reaction_webhook_carries_the_reaction_and_check_in_the_api_answers(
    world: World, document: dict[str, Any], admin_api: Api
) -> None:
    _, check_in_id = check_in_of(world)
    answer = admin_api.post(f"/check-ins/{check_in_id}/reactions", {"emoji": "tada"})
    assert answer.status_code == 200, answer.json

    sent = delivered("reaction.added")

    event_body(document, "reaction.added").validate(sent)
    component(document, "ReactionOut").validate(sent["data"]["reaction"])
    assert sent["data"]["reaction"] == answer.json["reaction"]
    assert sent["data"]["reaction"]["person"] == world.admin.pk
    check_ins = admin_api.get(f"/key-results/{sent['data']['check_in']['key_result']}/check-ins")
    assert sent["data"]["check_in"] == check_ins.json["items"][0]
    assert sent["data"]["check_in"]["id"] == check_in_id


def test_taking_a_reaction_back_answers_no_reaction(world: World, admin_api: Api) -> None:
    _, check_in_id = check_in_of(world)
    admin_api.post(f"/check-ins/{check_in_id}/reactions", {"emoji": "eyes"})

    taken_back = admin_api.post(f"/check-ins/{check_in_id}/reactions", {"emoji": "eyes"})

    assert taken_back.json["added"] is False
    assert taken_back.json["reaction"] is None


def test_a_comment_is_read_by_id_in_its_workspace_only(
    world: World, editor_api: Api, api_for
) -> None:
    objective_id, _ = check_in_of(world)
    posted = editor_api.post(
        "/comments", {"subject_type": "objective", "subject_id": objective_id, "body": "Hi"}
    )

    assert editor_api.get(f"/comments/{posted.json['id']}").status_code == 200
    assert posted.headers["Location"].endswith(f"/api/v1/comments/{posted.json['id']}")
    assert api_for(world.outsider).get(f"/comments/{posted.json['id']}").status_code == 404

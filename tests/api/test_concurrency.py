"""Safe concurrency and retries: ETag and If-Match/If-None-Match, Idempotency-Key on POST."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from goalkeeper.accounts.models import Team
from goalkeeper.accounts.services import create_team
from goalkeeper.api import idempotency
from goalkeeper.api.models import IdempotencyKey
from goalkeeper.api.tasks import purge_idempotency_keys_and_rate_counts
from goalkeeper.okrs.models import CheckIn
from goalkeeper.okrs.services import create_key_result, create_objective
from tests.api.conftest import Api, fields_of
from tests.api.edges import send
from tests.conftest import World


def _team(world: World, name: str = "Ops") -> Team:
    return create_team(actor=None, workspace=world.acme, name=name, parent=world.company)


# --- ETag ------------------------------------------------------------------------------------


def test_a_resource_answer_carries_an_etag_that_changes_with_it(
    world: World, admin_api: Api
) -> None:
    team = _team(world)

    before = admin_api.get(f"/teams/{team.pk}")
    again = admin_api.get(f"/teams/{team.pk}")
    renamed = admin_api.patch(f"/teams/{team.pk}", {"name": "Operations"})
    after = admin_api.get(f"/teams/{team.pk}")

    assert before.headers["ETag"] == again.headers["ETag"]
    assert renamed.headers["ETag"] == after.headers["ETag"] != before.headers["ETag"]


def test_a_get_with_the_current_tag_is_not_modified(world: World, admin_api: Api) -> None:
    team = _team(world)
    tag = admin_api.get(f"/teams/{team.pk}").headers["ETag"]

    response = send(admin_api, "GET", f"/teams/{team.pk}", headers={"If-None-Match": tag})

    assert response.status_code == 304
    assert response.data == b""


def test_a_write_with_the_current_tag_is_done(world: World, admin_api: Api) -> None:
    team = _team(world)
    tag = admin_api.get(f"/teams/{team.pk}").headers["ETag"]

    response = send(
        admin_api, "PATCH", f"/teams/{team.pk}", {"name": "Operations"}, headers={"If-Match": tag}
    )

    assert response.status_code == 200
    assert response.json["name"] == "Operations"


def test_a_write_with_a_stale_tag_is_refused_and_changes_nothing(
    world: World, admin_api: Api
) -> None:
    team = _team(world)
    stale = admin_api.get(f"/teams/{team.pk}").headers["ETag"]
    admin_api.patch(f"/teams/{team.pk}", {"name": "Operations"})

    response = send(
        admin_api, "PATCH", f"/teams/{team.pk}", {"name": "Lost"}, headers={"If-Match": stale}
    )

    assert response.status_code == 412
    assert response.json["detail"].startswith("If-Match: the resource has changed")
    assert Team.objects.get(pk=team.pk).name == "Operations"


def test_a_bogus_tag_is_refused(world: World, admin_api: Api) -> None:
    team = _team(world)

    response = send(
        admin_api, "PATCH", f"/teams/{team.pk}", {"name": "Lost"}, headers={"If-Match": '"bogus"'}
    )

    assert response.status_code == 412
    assert Team.objects.get(pk=team.pk).name == "Ops"


def test_a_delete_with_a_stale_tag_is_refused(world: World, admin_api: Api) -> None:
    team = _team(world)
    stale = admin_api.get(f"/teams/{team.pk}").headers["ETag"]
    admin_api.patch(f"/teams/{team.pk}", {"name": "Operations"})

    response = send(admin_api, "DELETE", f"/teams/{team.pk}", headers={"If-Match": stale})

    assert response.status_code == 412
    assert Team.objects.filter(pk=team.pk).exists()


def test_a_weakened_tag_still_matches(world: World, admin_api: Api) -> None:
    team = _team(world)
    tag = admin_api.get(f"/teams/{team.pk}").headers["ETag"]

    response = send(admin_api, "DELETE", f"/teams/{team.pk}", headers={"If-Match": "W/" + tag})

    assert response.status_code == 204


# --- Idempotency-Key --------------------------------------------------------------------------


def _post_team(api: Api, world: World, key: str, name: str = "Ops"):
    return send(
        api,
        "POST",
        "/teams",
        {"name": name, "parent": world.company.pk},
        headers={"Idempotency-Key": key},
    )


def test_a_retried_post_replays_the_first_answer(world: World, admin_api: Api) -> None:
    first = _post_team(admin_api, world, "k-1")
    retry = _post_team(admin_api, world, "k-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert Team.objects.filter(name="Ops").count() == 1


def test_the_same_key_with_another_body_is_refused(world: World, admin_api: Api) -> None:
    _post_team(admin_api, world, "k-1")

    other = _post_team(admin_api, world, "k-1", name="Other")

    assert other.status_code == 422
    assert set(fields_of(other)) == {"Idempotency-Key"}
    assert not Team.objects.filter(name="Other").exists()


def test_keys_are_per_person(world: World, admin_api: Api, editor_api: Api, api_for) -> None:
    body = {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}
    key = {"Idempotency-Key": "k-1"}

    by_admin = send(admin_api, "POST", "/objectives", body, headers=key)
    by_editor = send(editor_api, "POST", "/objectives", body, headers=key)
    by_admin_again = send(api_for(world.admin), "POST", "/objectives", body, headers=key)

    assert by_admin.status_code == by_editor.status_code == 201
    assert by_admin.json["id"] != by_editor.json["id"]
    assert by_admin_again.json["id"] == by_admin.json["id"]


def test_a_retried_check_in_does_not_double(world: World, editor_api: Api) -> None:
    objective = create_objective(actor=None, cycle=world.cycle, team=world.sales, title="Grow")
    key_result = create_key_result(
        actor=None, objective=objective, title="Leads", kind="increase", start=0, target=100
    )
    path = f"/key-results/{key_result.pk}/check-ins"
    body = {"value": 40}

    first = send(editor_api, "POST", path, body, headers={"Idempotency-Key": "retry-me"})
    retry = send(editor_api, "POST", path, body, headers={"Idempotency-Key": "retry-me"})

    assert first.status_code == retry.status_code
    assert retry.json == first.json
    assert CheckIn.objects.filter(key_result=key_result).count() == 1


def test_a_refused_post_keeps_no_key(world: World, admin_api: Api) -> None:
    refused = send(admin_api, "POST", "/teams", {"name": ""}, headers={"Idempotency-Key": "k-1"})

    assert refused.status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert _post_team(admin_api, world, "k-1").status_code == 201


def test_a_key_running_with_the_same_request_is_a_409(world: World, admin_api: Api) -> None:
    first = _post_team(admin_api, world, "k-1")
    IdempotencyKey.objects.filter(key="k-1").update(status=None)

    twin = _post_team(admin_api, world, "k-1")

    assert first.status_code == 201
    assert twin.status_code == 409
    assert set(fields_of(twin)) == {"Idempotency-Key"}


def test_a_key_is_kept_24_hours(world: World, admin_api: Api) -> None:
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _post_team(admin_api, world, "k-1")
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        assert _post_team(admin_api, world, "k-1").headers["Idempotent-Replayed"] == "true"
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        again = _post_team(admin_api, world, "k-1", name="Ops 2")

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers


def test_expired_keys_are_purged(world: World, admin_api: Api) -> None:
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _post_team(admin_api, world, "old")
    with time_machine.travel(start + dt.timedelta(hours=20), tick=False):
        _post_team(admin_api, world, "new", name="Ops 2")
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        purge_idempotency_keys_and_rate_counts.call_local()

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_an_unreadable_key_is_refused(world: World, admin_api: Api) -> None:
    response = send(
        admin_api,
        "POST",
        "/teams",
        {"name": "Ops", "parent": world.company.pk},
        headers={"Idempotency-Key": "x" * 256},
    )

    assert response.status_code == 422
    assert fields_of(response) == {"Idempotency-Key": "must be 1 to 255 printable characters"}
    assert idempotency.HEADER == "Idempotency-Key"


def test_the_database_holds_one_row_per_person_and_key(world: World) -> None:
    IdempotencyKey.objects.create(person=world.admin, key="k-1", fingerprint="a" * 64)

    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(person=world.admin, key="k-1", fingerprint="a" * 64)

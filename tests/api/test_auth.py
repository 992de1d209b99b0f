"""Personal access tokens: how they are made, stored, used and revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from goalkeeper.accounts.models import Role
from goalkeeper.api.models import ApiToken
from goalkeeper.api.services import authenticate, create_token, revoke_token
from tests.api.conftest import Api, token_for
from tests.conftest import World

pytestmark = pytest.mark.urls("tests.api.urls")


def test_a_request_without_a_token_is_refused_with_a_bearer_challenge(world: World) -> None:
    response = Api(None).get("/objectives")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json == {
        "detail": "Authentication required: send 'Authorization: Bearer <token>'.",
        "errors": [],
    }


@pytest.mark.parametrize("token", ["gk_unknown", "nonsense", "", "gk_" + "x" * 300])
def test_an_unknown_token_is_refused(world: World, token: str) -> None:
    assert Api(token).get("/objectives").status_code == 401


def test_a_token_acts_as_its_person_in_their_workspace(world: World, editor_api: Api) -> None:
    me = editor_api.get("/me").json

    assert me["id"] == world.editor.pk
    assert me["role"] == "editor"
    assert me["workspace"] == world.acme.pk
    assert me["token_read_only"] is False


def test_only_a_hash_and_a_short_prefix_of_the_token_are_stored(world: World) -> None:
    token, raw = create_token(actor=world.editor, person=world.editor, name="CI")

    assert raw.startswith("gk_")
    assert len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[:11]
    assert raw not in {stored.digest, stored.prefix, stored.name}


def test_a_revoked_token_stops_working_at_once(world: World) -> None:
    token, raw = create_token(actor=world.editor, person=world.editor, name="CI")
    assert Api(raw).get("/me").status_code == 200

    revoke_token(actor=world.editor, token=token)

    assert Api(raw).get("/me").status_code == 401


def test_a_deactivated_persons_token_stops_working(world: World) -> None:
    raw = token_for(world.viewer)
    world.viewer.is_active = False
    world.viewer.save()

    assert Api(raw).get("/me").status_code == 401


def test_a_read_only_token_reads_but_cannot_write(world: World, api_for) -> None:
    api = api_for(world.admin, read_only=True)

    assert api.get("/teams").status_code == 200
    response = api.post("/teams", {"name": "Ops"})
    assert response.status_code == 403
    assert response.json["detail"] == "this token is read-only"
    assert api.delete(f"/teams/{world.sales.pk}").status_code == 403
    assert api.get("/me").json["token_read_only"] is True


def test_last_used_is_written_at_most_once_a_minute(world: World) -> None:
    token, raw = create_token(actor=world.editor, person=world.editor, name="CI")
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        authenticate(raw)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=61)


def test_creating_and_revoking_tokens_is_audited(world: World) -> None:
    token, _ = create_token(actor=world.editor, person=world.editor, name="CI")
    revoke_token(actor=world.editor, token=token)

    actions = list(
        world.acme.audit_entries.filter(object_type="apitoken").values_list("action", flat=True)
    )
    assert sorted(actions) == ["api_token.created", "api_token.revoked"]


# --- The command line -------------------------------------------------------------------------


def run_token(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_command_prints_a_working_token_once(world: World) -> None:
    raw, note = run_token("create", "--user", "eddie@acme.test", "--name", "CI")

    assert raw.startswith("gk_")
    assert "shown once" in note
    assert Api(raw).get("/me").json["id"] == world.editor.pk
    listing, _ = run_token("list", "--user", "eddie@acme.test")
    assert raw[:11] in listing
    assert raw not in listing


def test_the_command_makes_read_only_tokens(world: World) -> None:
    raw, _ = run_token("create", "--user", "EDDIE@acme.test", "--name", "CI", "--read-only")

    assert Api(raw).post("/teams", {"name": "Ops"}).status_code == 403


def test_a_viewers_token_is_always_read_only(world: World) -> None:
    run_token("create", "--user", "vera@acme.test", "--name", "Dashboard")

    assert ApiToken.objects.get(person=world.viewer).read_only


def test_the_command_refuses_an_unknown_user(world: World) -> None:
    with pytest.raises(CommandError, match="no active person"):
        run_token("create", "--user", "nobody@acme.test", "--name", "CI")


def test_the_command_asks_which_workspace_when_the_user_is_in_several(world: World) -> None:
    from goalkeeper.accounts.services import add_person

    add_person(
        actor=None,
        workspace=world.globex,
        email="eddie@acme.test",
        name="Eddie",
        role=Role.EDITOR,
        existing_login=True,
    )
    with pytest.raises(CommandError, match="several workspaces"):
        run_token("create", "--user", "eddie@acme.test", "--name", "CI")

    raw, _ = run_token(
        "create", "--user", "eddie@acme.test", "--name", "CI", "--workspace", world.globex.slug
    )
    assert Api(raw).get("/me").json["workspace"] == world.globex.pk


def test_the_command_revokes_by_id(world: World) -> None:
    token, raw = create_token(actor=world.editor, person=world.editor, name="CI")

    out, _ = run_token("revoke", str(token.pk))

    assert "revoked" in out
    assert Api(raw).get("/me").status_code == 401
    with pytest.raises(CommandError, match="no token"):
        run_token("revoke", "999999")


# --- The web page -----------------------------------------------------------------------------


def test_the_tokens_page_shows_a_new_token_once(world: World) -> None:
    client = world.client_for(world.editor)

    response = client.post("/account/tokens/", {"name": "Sales dashboard"})

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(person=world.editor)
    raw = response.context["created"]["raw"]
    assert raw in response.content.decode()
    assert Api(raw).get("/me").status_code == 200
    again = client.get("/account/tokens/").content.decode()
    assert raw not in again
    assert token.prefix in again
    assert "Sales dashboard" in again


def test_the_tokens_page_lists_only_the_callers_tokens(world: World) -> None:
    create_token(actor=world.admin, person=world.admin, name="Admin's secret tool")

    html = world.client_for(world.editor).get("/account/tokens/").content.decode()

    assert "Admin's secret tool" not in html
    assert "No tokens yet" in html


def test_the_tokens_page_refuses_a_token_without_a_name(world: World) -> None:
    response = world.client_for(world.editor).post("/account/tokens/", {"name": ""})

    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_a_viewer_makes_read_only_tokens_on_the_page(world: World) -> None:
    world.client_for(world.viewer).post("/account/tokens/", {"name": "Mine"})

    assert ApiToken.objects.get(person=world.viewer).read_only


def test_revoking_on_the_page(world: World) -> None:
    token, raw = create_token(actor=world.editor, person=world.editor, name="CI")
    client = world.client_for(world.editor)

    response = client.post(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert Api(raw).get("/me").status_code == 401
    assert "Revoked" in client.get("/account/tokens/").content.decode()


def test_nobody_revokes_someone_elses_token(world: World) -> None:
    token, raw = create_token(actor=world.editor, person=world.editor, name="CI")

    response = world.client_for(world.admin).post(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert Api(raw).get("/me").status_code == 200


def test_the_tokens_page_needs_a_login(world: World) -> None:
    response = Client().get("/account/tokens/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]

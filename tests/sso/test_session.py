"""A session signed in through single sign-on reaches the provider's workspace only: the
provider vouches for its own workspace's people, not for the login's other workspaces."""

from __future__ import annotations

import pytest
from django.test import Client

from goalkeeper.accounts.middleware import SESSION_KEY, SSO_SESSION_KEY, person_of
from goalkeeper.accounts.models import Person, Role
from goalkeeper.accounts.services import add_person
from goalkeeper.sso.backends import PATH as BACKEND
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_globex_too(world: World) -> Person:
    """Eddie, editor of Acme, is an admin of Globex as well."""
    return add_person(
        actor=None,
        workspace=world.globex,
        email="eddie@acme.test",
        name="Eddie",
        role=Role.ADMIN,
        existing_login=True,
    )


def _signed_in_through_acme(world: World, current: int) -> Client:
    """A session as the single sign-on of Acme leaves it, then pointed at `current`."""
    client = Client()
    client.force_login(world.editor.user, backend=BACKEND)
    session = client.session
    session[SSO_SESSION_KEY] = world.acme.pk
    session[SESSION_KEY] = current
    session.save()
    return client


def test_a_single_sign_on_session_resolves_to_its_workspace_only(
    world: World, in_globex_too: Person
) -> None:
    client = _signed_in_through_acme(world, current=world.globex.pk)
    response = client.get("/")
    person = person_of(response.wsgi_request)
    assert person is not None
    assert person.workspace_id == world.acme.pk


def test_a_single_sign_on_session_cannot_switch_to_another_workspace(
    world: World, in_globex_too: Person
) -> None:
    client = _signed_in_through_acme(world, current=world.acme.pk)
    response = client.post("/workspace/switch/", {"workspace": world.globex.pk})
    assert response.status_code == 404
    assert client.session[SESSION_KEY] == world.acme.pk


def test_the_switcher_of_a_single_sign_on_session_shows_its_workspace_and_how_to_reach_others(
    world: World, in_globex_too: Person
) -> None:
    client = _signed_in_through_acme(world, current=world.acme.pk)
    page = client.get("/").content.decode()
    assert 'data-testid="workspace-switcher"' not in page
    assert "Globex" not in page
    assert (
        "Signed in with single sign-on of Acme; sign in with your password to reach your "
        "other workspaces."
    ) in page


def test_the_switcher_still_switches_in_a_password_session(
    world: World, in_globex_too: Person
) -> None:
    client = world.client_for(world.editor)
    response = client.post("/workspace/switch/", {"workspace": world.globex.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == world.globex.pk


def test_a_password_login_lifts_the_single_sign_on_limit(
    world: World, in_globex_too: Person
) -> None:
    client = _signed_in_through_acme(world, current=world.acme.pk)
    client.post("/logout/")
    client.post("/login/", {"username": "eddie@acme.test", "password": PASSWORD})
    assert SSO_SESSION_KEY not in client.session
    response = client.post("/workspace/switch/", {"workspace": world.globex.pk})
    assert response.status_code == 302

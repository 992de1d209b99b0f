"""Workspaces: the tenant boundary, switching between them, their settings."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from goalkeeper.accounts.middleware import SESSION_KEY
from goalkeeper.accounts.models import Person, Role, Workspace
from goalkeeper.accounts.services import add_person, deactivate_person
from goalkeeper.audit.models import AuditEntry
from tests.conftest import PASSWORD, World


def switcher_html(world: World, person: Person) -> str:
    request = RequestFactory().get("/")
    request.user = person.user
    request.session = {SESSION_KEY: person.workspace_id}
    return Template('{% include "accounts/_workspace_switcher.html" %}').render(
        Context({"request": request, "csrf_token": "token"})
    )


def test_the_switcher_shows_only_for_people_in_several_workspaces(world: World):
    assert "workspace-switcher" not in switcher_html(world, world.editor)

    add_person(
        actor=None,
        workspace=world.globex,
        email="eddie@acme.test",
        name="Eddie G.",
        existing_login=True,
    )
    html = switcher_html(world, world.editor)

    assert 'data-testid="workspace-switcher"' in html
    assert ">Acme</option>" in html
    assert ">Globex</option>" in html
    assert f'value="{world.acme.pk}" selected' in html


def test_switching_sets_the_session_after_checking_membership(world: World):
    add_person(
        actor=None,
        workspace=world.globex,
        email="eddie@acme.test",
        name="Eddie G.",
        existing_login=True,
    )
    client = world.client_for(world.editor)
    assert client.get(reverse("home")).context["workspace"] == world.acme

    response = client.post(reverse("workspace_switch"), {"workspace": world.globex.pk})

    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == world.globex.pk
    assert client.get(reverse("home")).context["workspace"] == world.globex


def test_switching_by_htmx_answers_with_a_redirect_header(world: World):
    add_person(
        actor=None,
        workspace=world.globex,
        email="eddie@acme.test",
        name="Eddie G.",
        existing_login=True,
    )

    response = world.client_for(world.editor).post(
        reverse("workspace_switch"), {"workspace": world.globex.pk}, HTTP_HX_REQUEST="true"
    )

    assert response["HX-Redirect"] == reverse("home")


def test_nobody_switches_into_a_workspace_they_are_not_in(world: World):
    client = world.client_for(world.editor)

    response = client.post(reverse("workspace_switch"), {"workspace": world.globex.pk})

    assert response.status_code == 404
    assert client.session[SESSION_KEY] == world.acme.pk


def test_nobody_switches_into_a_workspace_where_they_were_deactivated(world: World):
    globex_eddie = add_person(
        actor=None,
        workspace=world.globex,
        email="eddie@acme.test",
        name="Eddie G.",
        existing_login=True,
    )
    deactivate_person(actor=world.outsider, person=globex_eddie, new_owner=None)

    response = world.client_for(world.editor).post(
        reverse("workspace_switch"), {"workspace": world.globex.pk}
    )

    assert response.status_code == 404


def test_a_session_pointing_at_a_lost_workspace_falls_back_to_another(world: World):
    globex_eddie = add_person(
        actor=None,
        workspace=world.globex,
        email="eddie@acme.test",
        name="Eddie G.",
        existing_login=True,
    )
    client = world.client_for(world.editor)
    client.post(reverse("workspace_switch"), {"workspace": world.globex.pk})

    deactivate_person(actor=world.outsider, person=globex_eddie, new_owner=None)

    assert client.get(reverse("home")).context["workspace"] == world.acme


def test_an_admin_changes_the_workspace_settings_with_an_audit_entry(world: World):
    client = world.client_for(world.admin)

    response = client.post(
        reverse("workspace_settings"),
        {
            "name": "Acme Corp",
            "fiscal_year_start_month": "4",
            "timezone": "Europe/Paris",
            "on_track_gap": "-0.05",
            "at_risk_gap": "-0.2",
            "stale_days": "10",
            "alert_hold_periods": "1",
        },
    )

    assert response["Location"] == reverse("workspace_settings")
    acme = Workspace.objects.get(pk=world.acme.pk)
    assert (acme.name, acme.fiscal_year_start_month, acme.timezone) == (
        "Acme Corp",
        4,
        "Europe/Paris",
    )
    assert (acme.on_track_gap, acme.at_risk_gap, acme.stale_days) == (-0.05, -0.2, 10)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "workspace.settings_changed"
    assert entry.changes["timezone"] == ["UTC", "Europe/Paris"]
    assert entry.changes["fiscal_year_start_month"] == [1, 4]


def test_settings_refuse_an_unknown_zone_and_inverted_thresholds(world: World):
    response = world.client_for(world.admin).post(
        reverse("workspace_settings"),
        {
            "name": "Acme",
            "fiscal_year_start_month": "1",
            "timezone": "Mars/Olympus",
            "on_track_gap": "-0.3",
            "at_risk_gap": "-0.1",
            "stale_days": "14",
            "alert_hold_periods": "1",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "Must not be above the on-track gap" in html
    assert Workspace.objects.get(pk=world.acme.pk).timezone == "UTC"


def test_createadmin_makes_the_first_workspace_and_admin(db):
    out = io.StringIO()

    call_command(
        "createadmin",
        email="first@example.com",
        password=PASSWORD,
        workspace="First Co",
        stdout=out,
    )

    person = Person.objects.get(user__email="first@example.com")
    assert (person.workspace.name, person.role) == ("First Co", Role.ADMIN)
    assert "is an admin of workspace 'First Co'" in out.getvalue()

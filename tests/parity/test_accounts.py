"""Parity of the accounts writes: the admin pages and the REST API leave the same rows,
audit entries and events for teams (add, rename, move, archive, restore) and people (details,
teams, deactivation with a hand-over, reactivation).

Invitations and the workspace settings are offered on the pages only, and adding a person
directly through the API only, so they have no row here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from goalkeeper.accounts.models import Team
from goalkeeper.accounts.services import create_team, deactivate_person
from goalkeeper.okrs.services import create_objective
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import NOW, Api
from tests.conftest import World
from tests.parity.harness import compare_paths, expect_status, only

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_event_subscribed(world: World) -> None:
    """A subscription to every event, so that any event also becomes deliveries."""
    create_subscription(
        actor=None, workspace=world.acme, url="https://hooks.example.test/in", events=EVENTS
    )


@pytest.fixture
def emea(world: World) -> Team:
    return create_team(actor=world.admin, workspace=world.acme, name="EMEA", parent=world.sales)


# --- Teams ----------------------------------------------------------------------------------


def test_adding_a_team(world: World, admin_api: Api) -> None:
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("admin_teams"), {"name": "Support", "parent": world.sales.pk}),
            302,
        ),
        api=lambda: expect_status(
            admin_api.post("/teams", {"name": "Support", "parent": world.sales.pk}), 201
        ),
    )

    assert only(trace.created["accounts.Team"])["name"] == "Support"


def test_renaming_a_team(world: World, admin_api: Api, emea: Team) -> None:
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("admin_team_edit", args=[emea.pk]),
                {"name": "Europe", "parent": world.sales.pk},
            ),
            302,
        ),
        api=lambda: expect_status(admin_api.patch(f"/teams/{emea.pk}", {"name": "Europe"}), 200),
    )

    assert trace.changed["accounts.Team"] == {emea.pk: {"name": "Europe", "updated_at": NOW}}


def test_moving_a_team(world: World, admin_api: Api, emea: Team) -> None:
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("admin_team_edit", args=[emea.pk]),
                {"name": "EMEA", "parent": world.company.pk},
            ),
            302,
        ),
        api=lambda: expect_status(
            admin_api.patch(f"/teams/{emea.pk}", {"parent": world.company.pk}), 200
        ),
    )

    assert trace.changed["accounts.Team"][emea.pk]["parent_id"] == world.company.pk


def test_archiving_a_team(world: World, admin_api: Api, emea: Team) -> None:
    client = world.client_for(world.admin)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("admin_team_archive", args=[emea.pk])), 302),
        api=lambda: expect_status(admin_api.post(f"/teams/{emea.pk}/archive"), 200),
    )

    assert trace.changed["accounts.Team"][emea.pk]["archived_at"] is not None


def test_archiving_a_team_by_its_flag(world: World, admin_api: Api, emea: Team) -> None:
    client = world.client_for(world.admin)

    compare_paths(
        web=lambda: expect_status(client.post(reverse("admin_team_archive", args=[emea.pk])), 302),
        api=lambda: expect_status(admin_api.patch(f"/teams/{emea.pk}", {"archived": True}), 200),
    )


def test_restoring_a_team(world: World, admin_api: Api, emea: Team) -> None:
    client = world.client_for(world.admin)
    expect_status(admin_api.post(f"/teams/{emea.pk}/archive"), 200)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("admin_team_restore", args=[emea.pk])), 302),
        api=lambda: expect_status(admin_api.patch(f"/teams/{emea.pk}", {"archived": False}), 200),
    )

    assert trace.changed["accounts.Team"] == {emea.pk: {"archived_at": None, "updated_at": NOW}}


def test_restoring_a_team_by_its_action(world: World, admin_api: Api, emea: Team) -> None:
    client = world.client_for(world.admin)
    expect_status(admin_api.post(f"/teams/{emea.pk}/archive"), 200)

    compare_paths(
        web=lambda: expect_status(client.post(reverse("admin_team_restore", args=[emea.pk])), 302),
        api=lambda: expect_status(admin_api.post(f"/teams/{emea.pk}/restore"), 200),
    )


# --- People ---------------------------------------------------------------------------------


def test_editing_a_persons_details(world: World, admin_api: Api) -> None:
    client = world.client_for(world.admin)
    vera = world.viewer

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("admin_person_edit", args=[vera.pk]),
                {"form": "details", "name": "Vera Viewer", "title": "Analyst", "role": "editor"},
            ),
            302,
        ),
        api=lambda: expect_status(
            admin_api.patch(f"/people/{vera.pk}", {"title": "Analyst", "role": "editor"}), 200
        ),
    )

    assert trace.changed["accounts.Person"] == {
        vera.pk: {"title": "Analyst", "role": "editor", "updated_at": NOW}
    }


def test_setting_a_persons_teams(world: World, admin_api: Api, emea: Team) -> None:
    client = world.client_for(world.admin)
    vera = world.viewer

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("admin_person_edit", args=[vera.pk]),
                {"form": "teams", "member": [str(world.sales.pk)], "lead": [str(emea.pk)]},
            ),
            302,
        ),
        api=lambda: expect_status(
            admin_api.patch(
                f"/people/{vera.pk}",
                {"teams": [{"team": emea.pk, "lead": True}, {"team": world.sales.pk}]},
            ),
            200,
        ),
    )

    assert len(trace.created["accounts.Membership"]) == 2


def test_deactivating_a_person_with_a_hand_over(world: World, admin_api: Api) -> None:
    create_objective(
        actor=world.admin,
        cycle=world.cycle,
        team=world.sales,
        title="Keep the books",
        owner=world.owner,
    )
    client = world.client_for(world.admin)
    owen = world.owner

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("admin_person_deactivate", args=[owen.pk]),
                {"new_owner": world.editor.pk},
            ),
            302,
        ),
        api=lambda: expect_status(
            admin_api.post(f"/people/{owen.pk}/deactivate?new_owner={world.editor.pk}"), 200
        ),
    )

    assert trace.changed["accounts.Person"][owen.pk]["is_active"] is False
    assert "okrs.Objective" in trace.changed


def test_reactivating_a_person(world: World, admin_api: Api) -> None:
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    client = world.client_for(world.admin)
    vera = world.viewer

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("admin_person_reactivate", args=[vera.pk])), 302
        ),
        api=lambda: expect_status(admin_api.post(f"/people/{vera.pk}/reactivate"), 200),
    )

    assert trace.changed["accounts.Person"][vera.pk]["is_active"] is True

"""The org tree: add, rename, move, archive and restore teams."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goalkeeper.accounts.models import Team
from goalkeeper.accounts.queries import org_tree
from goalkeeper.accounts.services import archive_team, create_team, update_team
from goalkeeper.audit.models import AuditEntry
from tests.conftest import Everything, World


@pytest.fixture
def tree(world: World) -> dict[str, Team]:
    """Acme > Sales > (East, West); Acme > Product."""
    east = create_team(actor=None, workspace=world.acme, name="East", parent=world.sales)
    west = create_team(actor=None, workspace=world.acme, name="West", parent=world.sales)
    product = create_team(actor=None, workspace=world.acme, name="Product", parent=world.company)
    return {"east": east, "west": west, "product": product}


def test_the_org_tree_lists_teams_depth_first_with_counts(world: World, tree):
    nodes = org_tree(world.acme)

    assert [(n.name, n.depth) for n in nodes] == [
        ("Acme", 0),
        ("Product", 1),
        ("Sales", 1),
        ("East", 2),
        ("West", 2),
    ]
    sales = next(n for n in nodes if n.name == "Sales")
    assert (sales.members, sales.leads, sales.children) == (1, ("Eddie Editor",), 2)


def test_the_org_tree_page_runs_a_fixed_number_of_queries(
    world: World, tree, django_assert_max_num_queries
):
    client = world.client_for(world.admin)
    client.get(reverse("admin_teams"))
    for n in range(10):
        create_team(actor=None, workspace=world.acme, name=f"Squad {n}", parent=tree["east"])

    with django_assert_max_num_queries(20):
        html = client.get(reverse("admin_teams")).content.decode()
    assert "Squad 9" in html


def test_an_admin_adds_a_team_under_a_parent(world: World, tree):
    client = world.client_for(world.admin)

    response = client.post(reverse("admin_teams"), {"name": "North", "parent": str(world.sales.pk)})

    assert response["Location"] == reverse("admin_teams")
    north = Team.objects.get(name="North")
    assert north.parent == world.sales
    assert AuditEntry.objects.filter(action="team.created", object_id=north.pk).exists()


def test_renaming_and_moving_are_audited(world: World, tree):
    client = world.client_for(world.admin)

    client.post(
        reverse("admin_team_edit", args=[tree["east"].pk]),
        {"name": "East coast", "parent": str(tree["product"].pk)},
    )

    east = Team.objects.get(pk=tree["east"].pk)
    assert (east.name, east.parent_id) == ("East coast", tree["product"].pk)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "team.moved"
    assert entry.changes == {
        "name": ["East", "East coast"],
        "parent": [world.sales.pk, tree["product"].pk],
    }


def test_a_team_cannot_move_under_itself_or_its_sub_teams(world: World, tree):
    with pytest.raises(ValidationError, match="under itself"):
        update_team(actor=world.admin, team=world.sales, parent=tree["east"])
    response = world.client_for(world.admin).post(
        reverse("admin_team_edit", args=[world.sales.pk]),
        {"name": "Sales", "parent": str(tree["west"].pk)},
    )
    assert response.status_code == 400  # West is not even offered
    assert Team.objects.get(pk=world.sales.pk).parent == world.company


def test_the_company_root_stays_at_the_top(world: World, tree):
    with pytest.raises(ValidationError, match="company root"):
        update_team(actor=world.admin, team=world.company, parent=world.sales)
    with pytest.raises(ValidationError):
        archive_team(actor=world.admin, team=world.company)


def test_a_team_of_another_workspace_cannot_be_a_parent(world: World, things: Everything):
    with pytest.raises(ValidationError, match="same workspace"):
        update_team(actor=world.admin, team=world.sales, parent=things.globex.team)


def test_archiving_needs_sub_teams_archived_first_and_restore_needs_the_parent(world: World, tree):
    client = world.client_for(world.admin)

    client.post(reverse("admin_team_archive", args=[world.sales.pk]))
    assert Team.objects.get(pk=world.sales.pk).archived_at is None
    for name in ("east", "west"):
        client.post(reverse("admin_team_archive", args=[tree[name].pk]))
    client.post(reverse("admin_team_archive", args=[world.sales.pk]))
    assert Team.objects.get(pk=world.sales.pk).archived_at is not None

    page = client.get(reverse("admin_teams")).content.decode()
    assert "Archived" in page
    assert [n.name for n in org_tree(world.acme)] == ["Acme", "Product"]

    client.post(reverse("admin_team_restore", args=[tree["east"].pk]))
    assert Team.objects.get(pk=tree["east"].pk).archived_at is not None  # parent archived
    client.post(reverse("admin_team_restore", args=[world.sales.pk]))
    client.post(reverse("admin_team_restore", args=[tree["east"].pk]))
    assert Team.objects.get(pk=tree["east"].pk).archived_at is None
    actions = list(AuditEntry.objects.filter(object_type="team").values_list("action", flat=True))
    assert actions.count("team.archived") == 3
    assert actions.count("team.restored") == 2


def test_the_team_page_shows_members_and_history(world: World):
    html = (
        world.client_for(world.admin)
        .get(reverse("admin_team_edit", args=[world.sales.pk]))
        .content.decode()
    )

    assert "Eddie Editor" in html
    assert "lead" in html
    assert "created the team" in html

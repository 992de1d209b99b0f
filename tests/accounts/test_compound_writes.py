"""The accounts writes that combine several changes: all of them, or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.accounts import ratelimit
from goalkeeper.accounts.models import Attempt, Membership, Person, Role, Team, User
from goalkeeper.accounts.ratelimit import reset_account_limit, reset_address_limit
from goalkeeper.accounts.services import (
    add_person_with_teams,
    change_password,
    change_person,
    change_team,
    clear_account,
    clear_attempts,
    clear_login,
    count_attempt,
    count_failed_login,
    create_team,
    deactivate_person,
)
from goalkeeper.audit.models import AuditEntry
from tests.conftest import World


def test_change_team_renames_and_archives_in_one_call(world: World):
    team = change_team(actor=world.admin, team=world.sales, name="Revenue", archived=True)

    team.refresh_from_db()
    assert team.name == "Revenue"
    assert team.archived_at is not None
    actions = set(AuditEntry.objects.filter(object_id=team.pk).values_list("action", flat=True))
    assert {"team.renamed", "team.archived"} <= actions


def test_change_team_refused_archive_keeps_the_new_name_unwritten(world: World):
    create_team(actor=None, workspace=world.acme, name="Inside", parent=world.sales)

    with pytest.raises(ValidationError):
        change_team(actor=world.admin, team=world.sales, name="Revenue", archived=True)

    sales = Team.objects.get(pk=world.sales.pk)
    assert (sales.name, sales.archived_at) == ("Sales", None)
    assert not AuditEntry.objects.filter(action="team.renamed").exists()


def test_change_team_restores_an_archived_team(world: World):
    change_team(actor=world.admin, team=world.sales, archived=True)

    team = change_team(actor=world.admin, team=world.sales, archived=False)

    assert Team.objects.get(pk=team.pk).archived_at is None


def test_add_person_with_teams_adds_the_person_and_their_memberships(world: World):
    added = add_person_with_teams(
        actor=world.admin,
        workspace=world.acme,
        email="nina@acme.test",
        name="Nina New",
        teams={world.sales.pk: True},
    )

    assert list(Membership.objects.filter(person=added).values_list("team_id", "is_lead")) == [
        (world.sales.pk, True)
    ]


def test_add_person_with_a_foreign_team_adds_no_one(world: World):
    foreign = Team.objects.filter(workspace=world.globex).first()
    assert foreign is not None

    with pytest.raises(ValidationError):
        add_person_with_teams(
            actor=world.admin,
            workspace=world.acme,
            email="nina@acme.test",
            name="Nina New",
            teams={foreign.pk: False},
        )

    assert not Person.objects.filter(user__email="nina@acme.test").exists()
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_change_person_reactivates_then_changes_role_and_teams(world: World):
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    viewer = Person.objects.get(pk=world.viewer.pk)

    changed = change_person(
        actor=world.admin,
        person=viewer,
        details={"role": Role.EDITOR},
        teams={world.sales.pk: False},
        reactivate=True,
    )

    changed.refresh_from_db()
    assert (changed.is_active, changed.role) == (True, Role.EDITOR)
    assert Membership.objects.filter(person=changed, team=world.sales).exists()


def test_change_person_refused_detail_leaves_reactivation_and_teams_unwritten(world: World):
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    viewer = Person.objects.get(pk=world.viewer.pk)

    with pytest.raises(ValidationError) as refused:
        change_person(
            actor=world.admin,
            person=viewer,
            details={"email": "x@acme.test"},
            teams={world.sales.pk: False},
            reactivate=True,
        )

    assert "email" in refused.value.message_dict
    assert Person.objects.get(pk=viewer.pk).is_active is False
    assert not Membership.objects.filter(person=viewer).exists()
    assert not AuditEntry.objects.filter(action="person.reactivated").exists()


def test_change_password_sets_it_and_notes_it_in_the_trail(world: World):
    user = world.editor.user

    change_password(user=user, new_password="a much longer secret 42", person=world.editor)

    user.refresh_from_db()
    assert user.check_password("a much longer secret 42")
    assert AuditEntry.objects.filter(
        action="person.password_changed", object_id=world.editor.pk
    ).exists()


def test_change_password_refuses_a_weak_one_and_keeps_the_old(world: World):
    user = world.editor.user
    before = user.password

    with pytest.raises(ValidationError) as refused:
        change_password(user=user, new_password="123", person=world.editor)

    assert "new_password" in refused.value.message_dict
    user.refresh_from_db()
    assert user.password == before
    assert not AuditEntry.objects.filter(action="person.password_changed").exists()


def test_counted_attempts_are_cleared_for_one_key_only(db: None):
    checks = [(reset_account_limit(), "ada@acme.test"), (reset_address_limit(), "10.0.0.1")]

    count_attempt(checks)
    clear_attempts(reset_account_limit(), "ada@acme.test")

    assert list(Attempt.objects.values_list("scope", "key")) == [("reset-address", "10.0.0.1")]


def test_a_right_password_clears_its_address_and_a_reset_clears_every_address(db: None):
    count_failed_login("ada@acme.test", "10.0.0.1")
    count_failed_login("ada@acme.test", "10.0.0.2")

    clear_login("ada@acme.test", "10.0.0.1")
    pairs = set(Attempt.objects.filter(scope="login-pair").values_list("key", flat=True))
    assert pairs == {ratelimit.pair_key("ada@acme.test", "10.0.0.2")}
    assert Attempt.objects.filter(scope="login-account").count() == 2  # elsewhere still counts

    clear_account("ada@acme.test")
    assert not Attempt.objects.filter(scope__in=["login-pair", "login-account"]).exists()
    assert Attempt.objects.filter(scope="login-address").count() == 2  # the addresses' own

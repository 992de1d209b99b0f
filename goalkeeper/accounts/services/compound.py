"""Writes that combine several accounts services in one transaction.

A page or an endpoint that changes several things at once (a team's name and its archived
flag, a new person and their teams) calls one of these: each is one transaction, so a
refusal of any part leaves nothing written, and each part keeps its own audit entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from goalkeeper.accounts.models import Invitation, Person, Role, Team, User, Workspace
from goalkeeper.accounts.services import (
    add_person,
    archive_team,
    invite_person,
    reactivate_person,
    restore_team,
    set_memberships,
    update_person,
    update_team,
)
from goalkeeper.audit.services import record


@transaction.atomic
def change_team(
    *,
    actor: Person,
    team: Team,
    name: str | None = None,
    parent: Team | None = None,
    archived: bool | None = None,
) -> Team:
    """Rename and/or move a team, then archive (True) or restore (False) it.

    None leaves a part as it is; asking for the state the team is already in does nothing.
    """
    if name is not None or parent is not None:
        team = update_team(actor=actor, team=team, name=name, parent=parent)
    if archived is True and team.archived_at is None:
        team = archive_team(actor=actor, team=team)
    elif archived is False and team.archived_at is not None:
        team = restore_team(actor=actor, team=team)
    return team


@dataclass(frozen=True)
class Invited:
    """An email that already has a login was invited, not added: it joins when it accepts."""

    invitation: Invitation
    token: str


@transaction.atomic
def add_person_with_teams(
    *,
    actor: Person,
    workspace: Workspace,
    email: str,
    name: str,
    role: str = Role.EDITOR,
    title: str = "",
    teams: Mapping[int, bool] | None = None,
) -> Person | Invited:
    """Add a person to a workspace and make them a member of `teams` ({team id: leads it}).

    A new email gets its login and joins at once. An email that already has a login belongs
    to someone who chose their workspaces: they are invited instead (`Invited`), and nothing
    of this workspace reaches them until they accept.
    """
    # Decided from the row itself, locked for the rest of this transaction; a login created
    # after this read is still refused by `add_person`, which never attaches one unasked.
    known = _login_of(email) is not None
    if known:
        invitation, token = invite_person(
            actor=actor,
            workspace=workspace,
            email=email,
            name=name,
            role=role,
            title=title,
            teams=teams,
        )
        return Invited(invitation=invitation, token=token)
    person = add_person(
        actor=actor, workspace=workspace, email=email, name=name, role=role, title=title
    )
    if teams:
        set_memberships(actor=actor, person=person, teams=dict(teams))
    return person


def _login_of(email: str) -> User | None:
    return User.objects.select_for_update().filter(email=email.strip().lower()).first()


@transaction.atomic
def change_person(
    *,
    actor: Person,
    person: Person,
    details: Mapping[str, Any] | None = None,
    teams: Mapping[int, bool] | None = None,
    reactivate: bool = False,
) -> Person:
    """Reactivate a person, change their name, job title or role, and set their teams.

    `details` holds the fields to change (`update_person`'s), `teams` the complete list
    ({team id: leads it}); None leaves them as they are. Reactivating comes first, so that
    a returning admin counts as one when their role changes; an active person stays active.
    """
    if reactivate and not person.is_active:
        person = reactivate_person(actor=actor, person=person)
    if details:
        person = update_person(actor=actor, person=person, **details)
    if teams is not None:
        set_memberships(actor=actor, person=person, teams=dict(teams))
    return person


@transaction.atomic
def change_password(*, user: User, new_password: str, person: Person | None = None) -> User:
    """Give `user` a new password, noted in `person`'s workspace trail (never the password).

    The caller has checked the old password; the new one must pass the password validators.
    Without a person (a login in no workspace) the change leaves no audit entry.
    """
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from error
    user.set_password(new_password)
    user.save(update_fields=["password"])
    if person is not None:
        record(
            workspace=person.workspace,
            actor=person,
            action="person.password_changed",
            obj=person,
        )
    return user

"""Every object a caller reaches goes through an `access_<thing>_by_id` helper.

One condition a line, so coverage shows each permission branch is tested. An object of
another workspace is reported as missing (404), never as forbidden: that would leak that it
exists. This module holds the roles and the helpers for what accounts owns (people, teams,
invitations, workspaces); each app above keeps its own in its `access.py`
(`goalkeeper.okrs.access`, `goalkeeper.kpis.access`, `goalkeeper.sources.access`...).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Invitation, Person, Team, User


def require_editor(person: Person) -> None:
    """Editors and admins write objectives, key results and KPIs."""
    if not person.can_edit:
        raise PermissionDenied(_("viewers have read-only access"))


def require_admin(person: Person) -> None:
    """Admins manage people, teams, cycles and settings."""
    if not person.is_admin:
        raise PermissionDenied(_("only an admin can do this"))


def access_team_by_id(person: Person, team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id, workspace_id=person.workspace_id).first()
    if team is None:
        raise Http404("no such team")
    return team


def access_person_by_id(person: Person, person_id: int, *, for_write: bool = False) -> Person:
    """A person of the caller's workspace; only admins change people."""
    found = (
        Person.objects.select_related("user", "workspace")
        .filter(pk=person_id, workspace_id=person.workspace_id)
        .first()
    )
    if found is None:
        raise Http404("no such person")
    if for_write:
        require_admin(person)
    return found


def access_team_for_admin(person: Person, team_id: int) -> Team:
    """A team of the caller's workspace, to rename, move or archive: admins only."""
    team = access_team_by_id(person, team_id)
    require_admin(person)
    return team


def access_invitation_by_id(person: Person, invitation_id: int) -> Invitation:
    """An invitation of the caller's workspace: only admins see or revoke invitations."""
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(pk=invitation_id, workspace_id=person.workspace_id)
        .first()
    )
    if invitation is None:
        raise Http404("no such invitation")
    require_admin(person)
    return invitation


def access_workspace_of_user(user: User, workspace_id: int) -> Person:
    """The user's active person in a workspace they belong to (to switch to it)."""
    person = (
        Person.objects.select_related("workspace")
        .filter(user_id=user.pk, workspace_id=workspace_id, is_active=True)
        .first()
    )
    if person is None:
        raise Http404("no such workspace")
    return person

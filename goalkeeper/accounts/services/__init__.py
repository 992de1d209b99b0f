"""Writes for workspaces, people and teams. Each function is one transaction with an audit entry.

The writes that combine several of these (a team's rename and archive in one request, a person
added with their teams...) live in `compound`; login rate-limit bookkeeping in `attempts`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone as django_tz
from django.utils.text import slugify
from django.utils.translation import gettext as _

from goalkeeper.accounts import emails, queries
from goalkeeper.accounts.holdings import Holdings, holdings_of
from goalkeeper.accounts.models import (
    Invitation,
    Membership,
    Person,
    PersonState,
    Role,
    Team,
    User,
    Workspace,
)
from goalkeeper.accounts.signals import person_deactivating, workspace_clock_changed
from goalkeeper.audit.services import diff, record, snapshot


def _unique_slug(base: str, taken: set[str]) -> str:
    slug = slugify(base)[:50] or "item"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@transaction.atomic
def create_workspace(
    *, name: str, fiscal_year_start_month: int = 1, timezone: str = "UTC"
) -> Workspace:
    """Create a workspace with its company root team."""
    taken = set(Workspace.objects.values_list("slug", flat=True))
    workspace = Workspace(
        name=name.strip(),
        slug=_unique_slug(name, taken),
        fiscal_year_start_month=fiscal_year_start_month,
        timezone=timezone,
    )
    workspace.full_clean()
    workspace.save()
    root = Team(workspace=workspace, name=workspace.name, slug=_unique_slug(name, set()))
    root.full_clean()
    root.save()
    record(workspace=workspace, actor=None, action="workspace.created", obj=workspace)
    return workspace


@transaction.atomic
def add_person(
    *,
    actor: Person | None,
    workspace: Workspace,
    email: str,
    name: str,
    role: str = Role.EDITOR,
    password: str | None = None,
    title: str = "",
    existing_login: bool = False,
    invited_at: dt.datetime | None = None,
) -> Person:
    """Add a person to a workspace, creating their login when the email is new.

    A login that exists belongs to someone who chose their workspaces: it is attached only
    when the caller has their consent and says so with `existing_login=True` (they accepted
    an invitation, the operator ran `createadmin`, a provider the workspace trusts vouched
    for the address), or when the person is only invited (`invited_at`: nothing of the
    workspace reaches them until they accept). Otherwise the email is refused; invite it.
    """
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email=email).first()
    if user is not None and not existing_login and invited_at is None:
        raise ValidationError(
            {
                "email": ValidationError(
                    _("a login with this email exists: invite it instead"),
                    code="login_exists",
                )
            }
        )
    if user is None:
        user = User(email=email, full_name=name)
        user.full_clean(exclude=["password"])
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    person = Person(
        workspace=workspace,
        user=user,
        name=name.strip(),
        role=role,
        title=title,
        is_active=invited_at is None,
        invited_at=invited_at,
    )
    person.full_clean()
    person.save()
    changes: dict[str, Any] = {"role": [None, role], "email": [None, email]}
    if invited_at is not None:
        changes["state"] = [None, PersonState.INVITED]
    record(workspace=workspace, actor=actor, action="person.added", obj=person, changes=changes)
    return person


@transaction.atomic
def add_invited_person(
    *,
    actor: Person | None,
    workspace: Workspace,
    email: str,
    name: str,
    role: str = Role.EDITOR,
    title: str = "",
) -> Person:
    """Add someone who has not joined yet (docs/security.md, "Invited people").

    They exist in the workspace (they may own objectives, key results and KPIs and belong
    to teams) but cannot open it, and nothing of it reaches them, until they accept the
    invitation made here. That invitation is not emailed: `send_invitation` does it, with a
    link of its own (only a hash of a link is stored, so each email carries a new one).
    """
    person = add_person(
        actor=actor,
        workspace=workspace,
        email=email,
        name=name,
        role=role,
        title=title,
        invited_at=django_tz.now(),  # their login, if they have one, is not attached yet
    )
    _issue_invitation(
        actor=actor, workspace=workspace, email=person.user.email, name=person.name, role=role
    )
    return person


@transaction.atomic
def create_team(
    *, actor: Person | None, workspace: Workspace, name: str, parent: Team | None
) -> Team:
    """Add a team under `parent` in the org tree."""
    taken = set(Team.objects.filter(workspace=workspace).values_list("slug", flat=True))
    team = Team(
        workspace=workspace, parent=parent, name=name.strip(), slug=_unique_slug(name, taken)
    )
    team.full_clean()
    team.save()
    record(
        workspace=workspace,
        actor=actor,
        action="team.created",
        obj=team,
        changes={"parent": [None, parent.pk if parent else None]},
    )
    return team


@transaction.atomic
def add_member(
    *, actor: Person | None, team: Team, person: Person, is_lead: bool = False
) -> Membership:
    """Put a person in a team."""
    if person.workspace_id != team.workspace_id:
        raise ValueError("person and team belong to different workspaces")
    membership, _ = Membership.objects.get_or_create(
        team=team, person=person, defaults={"is_lead": is_lead}
    )
    record(
        workspace=team.workspace,
        actor=actor,
        action="team.member_added",
        obj=team,
        changes={"member": [None, person.pk]},
    )
    return membership


def company_team(workspace: Workspace) -> Team:
    """The root of the workspace's org tree."""
    return Team.objects.filter(workspace=workspace, parent__isnull=True).order_by(
        "id"
    ).first() or Team(workspace=workspace)


@transaction.atomic
def create_admin(*, email: str, password: str, workspace_name: str, name: str = "") -> Person:
    """Create (or join) a workspace and make `email` its admin: `goalkeeper createadmin`."""
    workspace = Workspace.objects.filter(name=workspace_name).first() or create_workspace(
        name=workspace_name
    )
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    person = Person.objects.filter(workspace=workspace, user=user).first() if user else None
    if person is None:
        person = add_person(
            actor=None,
            workspace=workspace,
            email=email,
            name=name or email.split("@")[0].replace(".", " ").title(),
            role=Role.ADMIN,
            password=password,
            existing_login=True,  # the operator names the login on the command line
        )
    elif person.role != Role.ADMIN:
        record(
            workspace=workspace,
            actor=None,
            action="person.role_changed",
            obj=person,
            changes={"role": [person.role, Role.ADMIN]},
        )
        person.role = Role.ADMIN
        person.save(update_fields=["role"])
    return person


# --- Invitations ----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored of an invitation token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_days() -> int:
    return int(getattr(settings, "INVITATION_DAYS", 7))


@transaction.atomic
def invite_person(
    *,
    actor: Person,
    workspace: Workspace,
    email: str,
    name: str = "",
    role: str = Role.EDITOR,
    team: Team | None = None,
    title: str = "",
    teams: Mapping[int, bool] | None = None,
) -> tuple[Invitation, str]:
    """Create a one-time invitation; returns it with the token to put in the link.

    `team` is the one team of the invite page; `teams` ({team id: leads it}) and `title`
    what `POST /people` asked for someone already known. Both are applied on acceptance.
    Inviting an email again replaces its pending invitation (the old link stops working).
    """
    email = email.strip().lower()
    existing = Person.objects.filter(workspace=workspace, user__email=email).first()
    if existing is not None and existing.is_active:
        raise ValidationError(
            {"email": _("%(email)s is already a member of this workspace") % {"email": email}}
        )
    if existing is not None and existing.invited_at is not None:
        raise ValidationError(
            {
                "email": _(
                    "%(email)s is invited already: send their invitation from the people page"
                )
                % {"email": email}
            }
        )
    if existing is not None:
        raise ValidationError(
            {
                "email": _("%(email)s was deactivated: reactivate them from their page instead")
                % {"email": email}
            }
        )
    if role not in Role.values:
        raise ValidationError({"role": _("choose admin, editor or viewer")})
    if team is not None and team.workspace_id != workspace.pk:
        raise ValidationError({"team": _("must belong to the same workspace")})
    chosen = dict(teams or {})
    if Team.objects.filter(workspace=workspace, pk__in=list(chosen)).count() != len(chosen):
        raise ValidationError({"teams": _("every team must belong to the same workspace")})
    return _issue_invitation(
        actor=actor,
        workspace=workspace,
        email=email,
        name=name,
        role=role,
        team=team,
        title=title,
        teams=chosen,
    )


def _issue_invitation(
    *,
    actor: Person | None,
    workspace: Workspace,
    email: str,
    name: str,
    role: str,
    team: Team | None = None,
    title: str = "",
    teams: Mapping[int, bool] | None = None,
) -> tuple[Invitation, str]:
    """A new pending invitation for `email` (its pending one stops working), and its token."""
    chosen = dict(teams or {})
    now = django_tz.now()
    Invitation.objects.filter(
        workspace=workspace,
        email=email,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        workspace=workspace,
        email=email,
        name=name.strip(),
        role=role,
        team=team,
        title=title.strip(),
        teams=[{"team": team_id, "lead": lead} for team_id, lead in sorted(chosen.items())],
        invited_by=actor,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=_invitation_days()),
    )
    invitation.full_clean()
    invitation.save()
    record(
        workspace=workspace,
        actor=actor,
        action="invitation.created",
        obj=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    return invitation, token


def pending_invitation(token: str) -> Invitation | None:
    """The pending invitation a link's token opens, or None (unknown, used, revoked, expired)."""
    invitation = (
        Invitation.objects.select_related("workspace", "team", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_pending():
        return None
    return invitation


@transaction.atomic
def send_invitation(*, actor: Person, person: Person) -> Invitation:
    """Email an invited person their invitation once this transaction commits.

    The email carries a new link; the one sent before, if any, stops working. A person who
    joined or was deactivated has nothing to accept (refused, naming them).
    """
    person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
    if person.workspace_id != actor.workspace_id:
        raise ValidationError({"id": _("must belong to the same workspace")})
    if person.state != PersonState.INVITED:
        raise ValidationError(
            {
                "id": _("%(name)s is not invited: they joined or were deactivated")
                % {"name": person.name}
            }
        )
    invitation, token = _issue_invitation(
        actor=actor,
        workspace=actor.workspace,
        email=person.user.email,
        name=person.name,
        role=person.role,
    )
    link = emails.invitation_link(token)
    # A rolled-back write sends nothing: the email goes once the rows it names exist.
    transaction.on_commit(lambda: emails.send_invitation(invitation, link))
    return invitation


@transaction.atomic
def send_invitations(*, actor: Person, people: list[Person]) -> int:
    """Email each of `people` (invited) their invitation once this transaction commits."""
    for person in people:
        send_invitation(actor=actor, person=person)
    return len(people)


@transaction.atomic
def accept_invitation(
    *, token: str, user: User | None = None, name: str = "", password: str = ""
) -> Person:
    """Join the invitation's workspace: as `user` (already known) or as a new login.

    The row is locked so that two clicks on the same link create one person.
    """
    invitation = (
        # Lock the invitation row only: PostgreSQL refuses FOR UPDATE on the nullable side
        # of the outer join that brings the (optional) team.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("workspace", "team")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_pending():
        raise ValidationError(_("this invitation is no longer valid"))
    invited = (
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(
            workspace=invitation.workspace,
            user__email=invitation.email,
            is_active=False,
            invited_at__isnull=False,
        )
        .first()
    )
    if invited is not None:
        person = _join(invited, user=user, name=name, password=password)
    elif user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError(_("an account with this email exists: log in to accept"))
        person = add_person(
            actor=None,
            workspace=invitation.workspace,
            email=invitation.email,
            name=name or invitation.name or invitation.email.split("@")[0],
            role=invitation.role,
            password=password,
        )
    else:
        assert user is not None
        if user.email != invitation.email:
            raise ValidationError(_("this invitation is for another email address"))
        if Person.objects.filter(workspace=invitation.workspace, user=user).exists():
            raise ValidationError(_("you are already in this workspace"))
        person = add_person(
            actor=None,
            workspace=invitation.workspace,
            email=user.email,
            name=name or invitation.name or user.full_name or user.email.split("@")[0],
            role=invitation.role,
            existing_login=True,  # its owner accepted the invitation
        )
    if invitation.title and not person.title:
        person.title = invitation.title
        person.save(update_fields=["title"])
    if invitation.team is not None and invitation.team.archived_at is None:
        Membership.objects.create(team=invitation.team, person=person)
    asked = {int(item["team"]): bool(item.get("lead")) for item in invitation.teams or []}
    if asked:
        # Teams archived or deleted since the invitation was sent are left out.
        alive = Team.objects.filter(
            workspace=invitation.workspace, pk__in=list(asked), archived_at__isnull=True
        ).values_list("pk", flat=True)
        set_memberships(actor=person, person=person, teams={pk: asked[pk] for pk in alive})
    invitation.accepted_at = django_tz.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        workspace=invitation.workspace,
        actor=person,
        action="invitation.accepted",
        obj=invitation,
        changes={"person": [None, person.pk]},
    )
    return person


def _join(person: Person, *, user: User | None, name: str, password: str) -> Person:
    """An invited person accepts: they become an active member, keeping what they own.

    Without a signed-in `user`, the login made for them is theirs to claim with a password
    only while it never joined any workspace (`queries.unclaimed_login`); a login in use
    elsewhere signs in to accept, as any existing login does.
    """
    login = person.user
    if user is None:
        if queries.unclaimed_login(login.email) is None:
            raise ValidationError(_("an account with this email exists: log in to accept"))
        if password:
            login.set_password(password)
        if name and not login.full_name:
            login.full_name = name.strip()
        login.save(update_fields=["password", "full_name"])
    elif user.pk != login.pk:
        raise ValidationError(_("this invitation is for another email address"))
    # The acceptance's audit entry (`invitation.accepted`) names the person who joined.
    person.is_active = True
    person.invited_at = None
    person.save(update_fields=["is_active", "invited_at"])
    return person


@transaction.atomic
def decline_invitation(*, token: str, user: User | None = None) -> Invitation:
    """Say no to an invitation: its link stops working and nothing of the workspace is made.

    Whoever holds the link read the invited mailbox; a signed-in `user` must be its login.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("workspace")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_pending():
        raise ValidationError(_("this invitation is no longer valid"))
    if user is not None and user.email != invitation.email:
        raise ValidationError(_("this invitation is for another email address"))
    invitation.declined_at = django_tz.now()
    invitation.save(update_fields=["declined_at"])
    record(
        workspace=invitation.workspace,
        actor=None,
        action="invitation.declined",
        obj=invitation,
    )
    return invitation


@transaction.atomic
def revoke_invitation(*, actor: Person, invitation: Invitation) -> Invitation:
    """Make a pending invitation's link stop working."""
    if not invitation.is_pending():
        raise ValidationError(_("this invitation is no longer pending"))
    invitation.revoked_at = django_tz.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        workspace=invitation.workspace,
        actor=actor,
        action="invitation.revoked",
        obj=invitation,
    )
    return invitation


# --- People ---------------------------------------------------------------------------------

PERSON_FIELDS = ("name", "title", "role")


@transaction.atomic
def update_person(*, actor: Person, person: Person, **changes: Any) -> Person:
    """Change a person's name, job title or role; a workspace always keeps one admin."""
    before = snapshot(person, PERSON_FIELDS)
    for name, value in changes.items():
        if name not in PERSON_FIELDS:
            raise ValidationError({name: _("cannot be changed here")})
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    if before["role"] == Role.ADMIN and person.role != Role.ADMIN and _was_last_admin(person):
        raise ValidationError({"role": _("the workspace needs at least one admin")})
    person.full_clean()
    person.save()
    changed = diff(before, person)
    if changed:
        action = "person.role_changed" if "role" in changed else "person.updated"
        record(workspace=person.workspace, actor=actor, action=action, obj=person, changes=changed)
    return person


def _was_last_admin(person: Person) -> bool:
    return (
        person.is_active
        and not Person.objects.filter(
            workspace_id=person.workspace_id, role=Role.ADMIN, is_active=True
        )
        .exclude(pk=person.pk)
        .exists()
    )


@transaction.atomic
def set_memberships(*, actor: Person, person: Person, teams: dict[int, bool]) -> None:
    """Make `person` a member of exactly `teams` ({team id: leads it}), audited as one change."""
    valid = {
        team.pk: team
        for team in Team.objects.filter(workspace_id=person.workspace_id, pk__in=list(teams))
    }
    if len(valid) != len(teams):
        raise ValidationError({"teams": _("every team must belong to the same workspace")})
    current = {
        membership.team_id: membership
        for membership in Membership.objects.select_related("team").filter(person=person)
    }

    def label(team_id: int, lead: bool, names: dict[int, str]) -> str:
        return f"{names.get(team_id, team_id)} (lead)" if lead else str(names.get(team_id, team_id))

    names = {team_id: membership.team.name for team_id, membership in current.items()}
    names.update({team_id: team.name for team_id, team in valid.items()})
    before = sorted(label(tid, m.is_lead, names) for tid, m in current.items())
    after = sorted(label(tid, lead, names) for tid, lead in teams.items())
    if before == after:
        return
    Membership.objects.filter(person=person).exclude(team_id__in=list(teams)).delete()
    # In team order, not the caller's: a page's checkboxes and an API list name the same
    # memberships in different orders, and the rows they make must not depend on it.
    for team_id, lead in sorted(teams.items()):
        membership = current.get(team_id)
        if membership is None:
            Membership.objects.create(team_id=team_id, person=person, is_lead=lead)
        elif membership.is_lead != lead:
            membership.is_lead = lead
            membership.save(update_fields=["is_lead"])
    # The person's teams are part of the person (the API lists them with it).
    person.updated_at = django_tz.now()
    Person.objects.filter(pk=person.pk).update(updated_at=person.updated_at)
    record(
        workspace=person.workspace,
        actor=actor,
        action="person.teams_changed",
        obj=person,
        changes={"teams": [before, after]},
    )


@transaction.atomic
def deactivate_person(*, actor: Person, person: Person, new_owner: Person | None) -> Holdings:
    """Take `person` out of the workspace and hand what they own to `new_owner`.

    What they own (objectives, key results, KPIs...: see `goalkeeper.accounts.holdings`)
    keeps its history and gets the new owner: each app does it on `person_deactivating`,
    in this transaction, with an audit entry and an event per object. Their check-ins keep
    their author. They can no longer open this workspace. Returns what was handed over.
    """
    person = Person.objects.select_for_update().select_related("workspace").get(pk=person.pk)
    was = person.state
    if was == PersonState.DEACTIVATED:
        raise ValidationError(_("this person is already deactivated"))
    if person.pk == actor.pk:
        raise ValidationError(_("you cannot deactivate yourself: ask another admin"))
    if person.is_admin and _was_last_admin(person):
        raise ValidationError(_("the workspace needs at least one active admin"))
    holdings = holdings_of(person)
    new_owner = _taker_over(person, new_owner, holdings)
    person_deactivating.send(sender=Person, person=person, new_owner=new_owner, actor=actor)
    if was == PersonState.INVITED:
        # Their invitation is withdrawn with them: its link stops working.
        Invitation.objects.filter(
            workspace=person.workspace,
            email=person.user.email,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=django_tz.now())
    person.is_active = False
    person.invited_at = None
    person.save(update_fields=["is_active", "invited_at"])
    record(
        workspace=person.workspace,
        actor=actor,
        action="person.deactivated",
        obj=person,
        changes={
            **(
                {"is_active": [True, False]}
                if was == PersonState.ACTIVE
                else {"state": [was, PersonState.DEACTIVATED]}
            ),
            "new_owner": [None, new_owner.pk if new_owner else None],
        },
    )
    return holdings


def _taker_over(person: Person, new_owner: Person | None, holdings: Holdings) -> Person | None:
    """`new_owner`, read again under a lock (the caller's copy may predate a deactivation),
    once it may take over what `person` owns; required when they own anything."""
    if new_owner is None:
        if holdings.total:
            raise ValidationError({"new_owner": _("choose who takes over what they own")})
        return None
    new_owner = Person.objects.select_for_update().get(pk=new_owner.pk)
    if new_owner.workspace_id != person.workspace_id:
        raise ValidationError({"new_owner": _("must belong to the same workspace")})
    if not new_owner.is_active:
        raise ValidationError({"new_owner": _("must be an active person")})
    if new_owner.pk == person.pk:
        raise ValidationError({"new_owner": _("choose someone else")})
    return new_owner


@transaction.atomic
def remove_person(*, actor: Person, person: Person, new_owner: Person | None) -> Holdings:
    """Take `person` out of the workspace for good: their person row and team memberships
    in it go; their login and their other workspaces stay.

    What they own is handed to `new_owner` as a deactivation hands it over (each app, on
    `person_deactivating`, in this transaction), so nothing they owned goes with them; a
    deactivated person has handed it over already. Their check-ins and comments stay
    (without their person id). The deletion leaves a tombstone in the changes feed.
    """
    person = Person.objects.select_for_update().select_related("workspace").get(pk=person.pk)
    if person.pk == actor.pk:
        raise ValidationError({"id": _("you cannot remove yourself: ask another admin")})
    if person.is_admin and _was_last_admin(person):
        raise ValidationError({"id": _("the workspace needs at least one active admin")})
    holdings = holdings_of(person)
    new_owner = _taker_over(person, new_owner, holdings)
    if holdings.total:
        person_deactivating.send(sender=Person, person=person, new_owner=new_owner, actor=actor)
    record(
        workspace=person.workspace,
        actor=actor,
        action="person.removed",
        obj=person,
        changes={
            "name": [person.name, None],
            "role": [person.role, None],
            "new_owner": [None, new_owner.pk if new_owner else None],
        },
    )
    person.delete()
    return holdings


@transaction.atomic
def reactivate_person(*, actor: Person, person: Person) -> Person:
    """Let a deactivated person back into the workspace (what they owned stays handed over)."""
    if person.is_active:
        raise ValidationError(_("this person is already active"))
    if person.invited_at is not None:
        raise ValidationError(
            _("this person is invited: they join when they accept their invitation")
        )
    person.is_active = True
    person.save(update_fields=["is_active"])
    record(
        workspace=person.workspace,
        actor=actor,
        action="person.reactivated",
        obj=person,
        changes={"is_active": [False, True]},
    )
    return person


# --- Teams ----------------------------------------------------------------------------------


def descendant_ids(team: Team) -> set[int]:
    """The ids of every team below `team` in the org tree (one query)."""
    children: dict[int, list[int]] = {}
    for team_id, parent_id in Team.objects.filter(workspace_id=team.workspace_id).values_list(
        "id", "parent_id"
    ):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(team_id)
    found: set[int] = set()
    stack = [team.pk]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


@transaction.atomic
def update_team(
    *, actor: Person, team: Team, name: str | None = None, parent: Team | None = None
) -> Team:
    """Rename a team and/or move it under another parent in the org tree."""
    before = snapshot(team, ["name", "parent"])
    if name is not None:
        team.name = name.strip()
    if parent is not None and parent.pk != team.parent_id:
        if team.parent_id is None:
            raise ValidationError({"parent": _("the company root stays at the top of the tree")})
        if parent.workspace_id != team.workspace_id:
            raise ValidationError({"parent": _("must belong to the same workspace")})
        if parent.pk == team.pk or parent.pk in descendant_ids(team):
            raise ValidationError({"parent": "a team cannot move under itself or its sub-teams"})
        if parent.archived_at is not None:
            raise ValidationError({"parent": _("cannot move under an archived team")})
        team.parent = parent
    team.full_clean()
    team.save()
    changed = diff(before, team)
    if changed:
        action = "team.moved" if "parent" in changed else "team.renamed"
        record(workspace=team.workspace, actor=actor, action=action, obj=team, changes=changed)
    return team


@transaction.atomic
def archive_team(*, actor: Person, team: Team) -> Team:
    """Archive a team: it leaves the tree and pickers; its objectives and KPIs stay."""
    if team.parent_id is None:
        raise ValidationError(_("the company root cannot be archived"))
    if team.archived_at is not None:
        raise ValidationError(_("this team is already archived"))
    if Team.objects.filter(parent=team, archived_at__isnull=True).exists():
        raise ValidationError(_("archive or move its sub-teams first"))
    team.archived_at = django_tz.now()
    team.save(update_fields=["archived_at"])
    record(
        workspace=team.workspace,
        actor=actor,
        action="team.archived",
        obj=team,
        changes={"archived": [False, True]},
    )
    return team


@transaction.atomic
def restore_team(*, actor: Person, team: Team) -> Team:
    """Bring an archived team back into the tree."""
    if team.archived_at is None:
        raise ValidationError(_("this team is not archived"))
    if team.parent is not None and team.parent.archived_at is not None:
        raise ValidationError(_("restore its parent team first"))
    team.archived_at = None
    team.save(update_fields=["archived_at"])
    record(
        workspace=team.workspace,
        actor=actor,
        action="team.restored",
        obj=team,
        changes={"archived": [True, False]},
    )
    return team


@transaction.atomic
def delete_team(*, actor: Person, team: Team) -> None:
    """Delete a team for good; one still owning objectives or KPIs is refused
    (ProtectedError: archive it instead). Its memberships go with it."""
    if team.parent_id is None:
        raise ValidationError(_("the company root cannot be deleted"))
    if Team.objects.filter(parent=team).exists():
        raise ValidationError(_("delete or move its sub-teams first"))
    record(
        workspace=team.workspace,
        actor=actor,
        action="team.deleted",
        obj=team,
        changes={"name": [team.name, None]},
    )
    team.delete()


# --- Workspace settings ---------------------------------------------------------------------


@functools.cache
def known_time_zones() -> tuple[str, ...]:
    """The IANA time zone names this system knows, sorted (read from disk once)."""
    return tuple(sorted(zoneinfo.available_timezones()))


WORKSPACE_FIELDS = (
    "name",
    "fiscal_year_start_month",
    "timezone",
    "on_track_gap",
    "at_risk_gap",
    "stale_days",
    "alert_hold_periods",
)


@transaction.atomic
def update_workspace(*, actor: Person, workspace: Workspace, **changes: Any) -> Workspace:
    """Change the workspace's name, fiscal year, time zone, pace thresholds, stale days or
    how long a KPI's new health must hold before it is told (`alert_hold_periods`)."""
    before = snapshot(workspace, WORKSPACE_FIELDS)
    for name, value in changes.items():
        if name not in WORKSPACE_FIELDS:
            raise ValidationError({name: _("cannot be changed here")})
        setattr(workspace, name, value.strip() if isinstance(value, str) else value)
    if workspace.timezone not in known_time_zones():
        raise ValidationError(
            {"timezone": _("“%(zone)s” is not a known time zone") % {"zone": workspace.timezone}}
        )
    workspace.full_clean()
    workspace.save()
    changed = diff(before, workspace)
    if changed:
        record(
            workspace=workspace,
            actor=actor,
            action="workspace.settings_changed",
            obj=workspace,
            changes=changed,
        )
    if {"timezone", "fiscal_year_start_month"} & set(changed):
        workspace_clock_changed.send(sender=Workspace, workspace=workspace)
    return workspace


# Imported last: they compose the functions above (docs/architecture.md, "Writes").
from goalkeeper.accounts.services.attempts import (  # noqa: E402
    begin_login,
    clear_account,
    clear_attempts,
    clear_login,
    count_attempt,
    count_failed_login,
    end_login,
)
from goalkeeper.accounts.services.compound import (  # noqa: E402
    Invited,
    add_person_with_teams,
    change_password,
    change_person,
    change_team,
)
from goalkeeper.accounts.services.profile import update_profile  # noqa: E402

__all__ = [
    "Invited",
    "add_person_with_teams",
    "begin_login",
    "change_password",
    "change_person",
    "change_team",
    "clear_account",
    "clear_attempts",
    "clear_login",
    "count_attempt",
    "count_failed_login",
    "end_login",
    "update_profile",
]

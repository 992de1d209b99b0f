"""The writes an identity provider asks for, each made by the accounts services.

A SCIM request is one transaction: a PATCH of several operations is made whole or not at
all. Every change is made by the accounts service that the pages and the API use (so the
audit trail and the events follow), in the name of the admin who created the token.
The identity provider's `externalId` is kept on the SCIM side (`ExternalPerson`,
`ExternalTeam`), audited too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from goalkeeper.accounts import emails
from goalkeeper.accounts import services as accounts
from goalkeeper.accounts.holdings import holdings_of
from goalkeeper.accounts.models import Invitation, Membership, Person, Team
from goalkeeper.audit.services import record
from goalkeeper.scim.errors import ScimError, invalid_value
from goalkeeper.scim.models import ExternalPerson, ExternalTeam, ScimToken
from goalkeeper.scim.payloads import GroupState, UserState
from goalkeeper.scim.resources import pending_invitations_of


def _refusal(exc: ValidationError, attribute: str) -> ScimError:
    """A service's refusal, naming the SCIM attribute it is about."""
    if hasattr(exc, "error_dict"):
        field_name, problems = next(iter(exc.message_dict.items()))
        return invalid_value(attribute, f"{field_name}: {problems[0]}")
    return invalid_value(attribute, exc.messages[0])


def _set_external_id(token: ScimToken, obj: Person | Team, external_id: str | None) -> None:
    model = ExternalPerson if isinstance(obj, Person) else ExternalTeam
    key = "person" if isinstance(obj, Person) else "team"
    current = model.objects.filter(**{key: obj}).first()
    before = current.external_id if current is not None else None
    if before == external_id:
        return
    if external_id is None:
        model.objects.filter(**{key: obj}).delete()
    elif current is None:
        model.objects.create(**{key: obj, "external_id": external_id})
    else:
        current.external_id = external_id
        current.save(update_fields=["external_id"])
    record(
        workspace=token.workspace,
        actor=token.created_by,
        action="scim.external_id_changed",
        obj=obj,
        changes={"external_id": [before, external_id]},
    )


def _ensure_unique(token: ScimToken, email: str, person: Person | None = None) -> None:
    taken = Person.objects.filter(workspace=token.workspace, user__email__iexact=email)
    if person is not None:
        taken = taken.exclude(pk=person.pk)
    if taken.exists():
        raise ScimError(
            409, f"userName: {email!r} is already a person of this workspace", "uniqueness"
        )


def _deactivate(token: ScimToken, person: Person) -> None:
    # An identity provider cannot say who takes over what the person owns: the admin who
    # made the token does (docs/scim.md).
    admin = token.created_by
    new_owner = admin if holdings_of(person).total and person.pk != admin.pk else None
    try:
        accounts.deactivate_person(actor=admin, person=person, new_owner=new_owner)
    except ValidationError as exc:
        raise _refusal(exc, "active") from exc


@transaction.atomic
def apply_user(token: ScimToken, person: Person, state: UserState) -> Person:
    """Make `person` as `state` says, each change by its accounts service."""
    if state.email.lower() != person.user.email.lower():
        _ensure_unique(token, state.email)
        raise ScimError(
            400,
            "userName: a person's email is their login, shared by every workspace they "
            "belong to; change it in Goalkeeper, not by provisioning",
            "mutability",
        )
    admin = token.created_by
    name = state.final_name()
    if not name:
        raise invalid_value("name", "a person needs a name")
    changes = {
        key: value
        for key, value in (("name", name), ("title", state.title))
        if getattr(person, key) != value
    }
    if changes:
        try:
            person = accounts.update_person(actor=admin, person=person, **changes)
        except ValidationError as exc:
            raise _refusal(exc, "name") from exc
    if state.active and not person.is_active:
        person = accounts.reactivate_person(actor=admin, person=person)
    elif not state.active and person.is_active:
        _deactivate(token, person)
        person.refresh_from_db(fields=["is_active"])
    _set_external_id(token, person, state.external_id)
    return person


@transaction.atomic
def create_user(token: ScimToken, state: UserState) -> Person | Invitation:
    """Add a person to the token's workspace, by `accounts.add_person_with_teams`.

    A login that already exists belongs to someone who chose their workspaces: the accounts
    service invites them rather than adding them (consent, docs/security.md), and the
    invitation email leaves once the invitation is stored. An identity provider gets no way
    around that rule. An email with a pending invitation is refused as taken (409), as an
    email that is a person of the workspace is.
    """
    _ensure_unique(token, state.email)
    invited = pending_invitations_of(token.workspace).filter(email__iexact=state.email).first()
    if invited is not None:
        # Asking again must not send another email and end the link of the first: the
        # identity provider finds the invitation by `GET /Users?filter=userName eq ...`.
        raise ScimError(
            409,
            f"userName: {state.email!r} is invited to this workspace already "
            f"(invitation-{invited.pk}); they become a person when they accept",
            "uniqueness",
        )
    try:
        added = accounts.add_person_with_teams(
            actor=token.created_by,
            workspace=token.workspace,
            email=state.email,
            name=state.name,
            title=state.title,
        )
    except ValidationError as exc:
        raise _refusal(exc, "userName") from exc
    if isinstance(added, accounts.Invited):
        invitation, link = added.invitation, emails.invitation_link(added.token)
        transaction.on_commit(lambda: emails.send_invitation(invitation, link))
        return invitation
    if not state.active:
        _deactivate(token, added)
        added.refresh_from_db(fields=["is_active"])
    _set_external_id(token, added, state.external_id)
    return added


@transaction.atomic
def deactivate_user(token: ScimToken, person: Person) -> None:
    """DELETE /Users/<id>: the person is deactivated, never deleted (their history stays)."""
    if person.is_active:
        _deactivate(token, person)


@transaction.atomic
def withdraw_invitation(token: ScimToken, invitation: Invitation) -> None:
    """DELETE of someone invited: the invitation is revoked."""
    if invitation.is_pending():
        accounts.revoke_invitation(actor=token.created_by, invitation=invitation)


def _ensure_unique_team(token: ScimToken, name: str, team: Team | None = None) -> None:
    taken = Team.objects.filter(
        workspace=token.workspace, name__iexact=name, archived_at__isnull=True
    )
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise ScimError(409, f"displayName: a team {name!r} exists already", "uniqueness")


def _set_members(token: ScimToken, team: Team, wanted: set[int]) -> None:
    """Each person who joins or leaves the team: one `set_memberships` of theirs."""
    current = set(Membership.objects.filter(team=team).values_list("person_id", flat=True))
    changed = (wanted - current) | (current - wanted)
    if not changed:
        return
    teams_of: dict[int, dict[int, bool]] = {pk: {} for pk in changed}
    for membership in Membership.objects.filter(person_id__in=changed):
        teams_of[membership.person_id][membership.team_id] = membership.is_lead
    people = Person.objects.filter(pk__in=changed, workspace=token.workspace).select_related(
        "workspace"
    )
    for person in sorted(people, key=lambda p: p.pk):
        teams = teams_of[person.pk]
        if person.pk in wanted:
            teams[team.pk] = False
        else:
            teams.pop(team.pk, None)
        try:
            accounts.set_memberships(actor=token.created_by, person=person, teams=teams)
        except ValidationError as exc:
            raise _refusal(exc, "members") from exc


@transaction.atomic
def create_group(token: ScimToken, state: GroupState) -> Team:
    """A team under the company root, with its members."""
    _ensure_unique_team(token, state.name)
    workspace = token.workspace
    try:
        team = accounts.create_team(
            actor=token.created_by,
            workspace=workspace,
            name=state.name,
            parent=accounts.company_team(workspace),
        )
    except ValidationError as exc:
        raise _refusal(exc, "displayName") from exc
    _set_members(token, team, state.members or set())
    _set_external_id(token, team, state.external_id)
    return team


@transaction.atomic
def apply_group(token: ScimToken, team: Team, state: GroupState) -> Team:
    """Rename the team and set its members, as `state` says."""
    if state.name != team.name:
        _ensure_unique_team(token, state.name, team)
        try:
            team = accounts.update_team(actor=token.created_by, team=team, name=state.name)
        except ValidationError as exc:
            raise _refusal(exc, "displayName") from exc
    if state.members is not None:
        _set_members(token, team, state.members)
    _set_external_id(token, team, state.external_id)
    return team


@transaction.atomic
def archive_group(token: ScimToken, team: Team) -> None:
    """DELETE /Groups/<id>: the team is archived (its objectives and KPIs stay)."""
    try:
        accounts.archive_team(actor=token.created_by, team=team)
    except ValidationError as exc:
        raise ScimError(409, f"id: {exc.messages[0]}", "mutability") from exc

"""REST endpoints for teams and people, and `me`: who the token acts as."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import Annotated, Any, Literal, cast

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from goalkeeper.accounts import emails, queries, services
from goalkeeper.accounts.access import (
    access_person_by_id,
    access_team_by_id,
    require_admin,
)
from goalkeeper.accounts.models import Membership, Person, Team
from goalkeeper.api.auth import caller, token_of
from goalkeeper.api.common import listing, referenced
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import (
    MAX_QUERY,
    SORT_HELP,
    AnyOf,
    Email,
    Flag,
    Id,
    Input,
    JobTitle,
    Page,
    Patch,
    PersonName,
    Ref,
    SyncParams,
    TeamName,
)

router = Router()

RoleName = Literal["admin", "editor", "viewer"]
StateName = Literal["active", "invited", "deactivated"]


# --- Teams ----------------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    parent: int | None = Field(description="null for the company, the root of the org tree")
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class TeamPage(Page):
    items: list[TeamOut]


NameSort = Literal[
    "id", "-id", "name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"
]
NAME_SORTS = {"name": "name", "created_at": "created_at", "updated_at": "updated_at"}


class TeamIn(Input):
    name: TeamName
    parent: Patch[Ref] = Field(None, description="the parent team; omitted: the company root")


class TeamUpdate(Input):
    name: Patch[TeamName] = Field(None)
    parent: Patch[Ref] = Field(None, description="move the team under another one")
    archived: Patch[Flag] = Field(None, description="archive (true) or restore (false) the team")


class TeamFilters(SyncParams):
    parent: AnyOf[Id] = None
    archived: bool | None = None
    q: str | None = Field(None, max_length=MAX_QUERY, description="words of the name")
    sort: NameSort = Field("id", description=SORT_HELP)


def team_out(team: Team) -> TeamOut:
    return TeamOut(
        id=team.pk,
        name=team.name,
        slug=team.slug,
        parent=team.parent_id,
        archived=team.archived_at is not None,
        archived_at=team.archived_at,
        created_at=team.created_at,
        updated_at=team.updated_at,
    )


@router.get("/teams", response=responses({200: TeamPage}, READ_MANY), tags=["teams"])
def list_teams(request: HttpRequest, filters: Query[TeamFilters]) -> TeamPage:
    """Teams of the org tree; filter by parent or archived."""
    person = caller(request)
    teams = Team.objects.filter(workspace_id=person.workspace_id)
    if filters.parent is not None:
        teams = teams.filter(parent_id__in=filters.parent)
    if filters.archived is not None:
        teams = teams.filter(archived_at__isnull=not filters.archived)
    if filters.q:
        teams = teams.filter(name__icontains=filters.q)
    found = listing(request, teams, filters, sort=filters.sort, keys=NAME_SORTS)
    return TeamPage(
        count=found.count, next=found.next, items=[team_out(team) for team in found.items]
    )


@router.get("/teams/{id}", response=responses({200: TeamOut}, READ_ONE), tags=["teams"])
def get_team(request: HttpRequest, id: Id) -> TeamOut:
    """One team."""
    return team_out(access_team_by_id(caller(request), id))


@router.post("/teams", response=responses({201: TeamOut}, CREATE), tags=["teams"])
def create_team(request: HttpRequest, payload: TeamIn) -> Status[TeamOut]:
    """Add a team to the org tree (admins)."""
    person = caller(request)
    require_admin(person)
    parent_id = payload.parent
    if parent_id is None:
        parent = services.company_team(person.workspace)
    else:
        parent = referenced("parent", lambda: access_team_by_id(person, parent_id))
    if parent.archived_at is not None:
        raise ValidationError({"parent": "cannot add a team under an archived team"})
    team = services.create_team(
        actor=person, workspace=person.workspace, name=payload.name, parent=parent
    )
    return Status(201, team_out(team))


@router.patch("/teams/{id}", response=responses({200: TeamOut}, UPDATE), tags=["teams"])
def update_team(request: HttpRequest, id: Id, payload: TeamUpdate) -> TeamOut:
    """Rename, move, archive or restore a team (admins)."""
    person = caller(request)
    team = access_team_by_id(person, id)
    require_admin(person)
    changes = payload.model_dump(exclude_unset=True)
    parent = (
        referenced("parent", lambda: access_team_by_id(person, changes["parent"]))
        if "parent" in changes
        else None
    )
    team = services.change_team(
        actor=person,
        team=team,
        name=changes.get("name"),
        parent=parent,
        archived=changes.get("archived"),
    )
    return team_out(team)


@router.delete("/teams/{id}", response=responses({204: None}, DELETE), tags=["teams"])
def delete_team(request: HttpRequest, id: Id) -> Status[None]:
    """Delete a team for good (admins); 409 while objectives or KPIs belong to it (archive
    it instead: `POST /teams/{id}/archive`)."""
    person = caller(request)
    team = access_team_by_id(person, id)
    require_admin(person)
    services.delete_team(actor=person, team=team)
    return Status(204, None)


@router.post("/teams/{id}/archive", response=responses({200: TeamOut}, UPDATE), tags=["teams"])
def archive_team(request: HttpRequest, id: Id) -> TeamOut:
    """Archive a team (admins): it leaves the org tree; its objectives and KPIs stay."""
    person = caller(request)
    team = access_team_by_id(person, id)
    require_admin(person)
    return team_out(services.archive_team(actor=person, team=team))


@router.post("/teams/{id}/restore", response=responses({200: TeamOut}, UPDATE), tags=["teams"])
def restore_team(request: HttpRequest, id: Id) -> TeamOut:
    """Bring an archived team back into the org tree (admins)."""
    person = caller(request)
    team = access_team_by_id(person, id)
    require_admin(person)
    return team_out(services.restore_team(actor=person, team=team))


# --- People ---------------------------------------------------------------------------------


class MembershipOut(Schema):
    team: int
    lead: bool


class MembershipIn(Input):
    team: Ref
    lead: Flag = False


class PersonOut(Schema):
    id: int
    name: str
    email: str
    title: str
    role: RoleName
    active: bool
    state: StateName = Field(
        description="active; invited: added (by an import) and not joined yet, they own what "
        "they were given but nothing of the workspace reaches them until they accept; "
        "deactivated"
    )
    teams: list[MembershipOut]
    created_at: dt.datetime
    updated_at: dt.datetime = Field(description="moves with every change, its teams included")


class PersonPage(Page):
    items: list[PersonOut]


class PersonIn(Input):
    email: Email
    name: PersonName
    role: RoleName = "editor"
    title: JobTitle = ""
    teams: list[MembershipIn] = Field(default_factory=list, max_length=500)


class InvitationOut(Schema):
    status: Literal["invited"] = Field(
        description="the email already has a login: it was invited and joins when it accepts"
    )
    invitation: int
    email: str
    name: str
    role: RoleName
    title: str
    teams: list[MembershipOut]
    expires_at: dt.datetime
    email_sent: bool = Field(description="false when the mail server could not be reached")


class PersonUpdate(Input):
    name: Patch[PersonName] = Field(None)
    title: Patch[JobTitle] = Field(None)
    role: Patch[RoleName] = Field(None)
    teams: Patch[Annotated[list[MembershipIn], Field(max_length=500)]] = Field(
        None, description="the complete list"
    )
    active: Patch[Flag] = Field(None, description="true reactivates a deactivated person")


class PersonFilters(SyncParams):
    team: AnyOf[Id] = None
    role: AnyOf[RoleName] = None
    active: bool | None = None
    state: AnyOf[StateName] = None
    q: str | None = Field(
        None, max_length=MAX_QUERY, description="words of the name, job title or email"
    )
    sort: NameSort = Field("id", description=SORT_HELP)


class HandOverParams(Schema):
    new_owner: Id | None = Field(
        None, description="who takes over what they own (required when they own anything)"
    )


class MeOut(PersonOut):
    workspace: int
    token_read_only: bool


def _people(person: Person) -> QuerySet[Person]:
    return (
        Person.objects.filter(workspace_id=person.workspace_id)
        .select_related("user")
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.order_by("team_id")))
        .order_by("id")
    )


def _person_fields(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "email": person.user.email,
        "title": person.title,
        "role": person.role,
        "active": person.is_active,
        "state": person.state,
        "teams": [MembershipOut(team=m.team_id, lead=m.is_lead) for m in person.memberships.all()],
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


def person_out(person: Person) -> PersonOut:
    return PersonOut(**_person_fields(person))


def people_by_id(person: Person, ids: Iterable[int | None]) -> dict[int, PersonOut]:
    """The people of `ids` in the caller's workspace, as the API shows them: two queries,
    for `expand=owner` on the lists that name people."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return {found.pk: person_out(found) for found in _people(person).filter(pk__in=wanted)}


@router.get("/me", response=responses({200: MeOut}, READ_MANY), tags=["people"])
def me(request: HttpRequest) -> MeOut:
    """The person the token acts as, in its workspace."""
    person = caller(request)
    loaded = _people(person).get(pk=person.pk)
    return MeOut(
        **_person_fields(loaded),
        workspace=person.workspace_id,
        token_read_only=token_of(request).read_only,
    )


@router.get("/people", response=responses({200: PersonPage}, READ_MANY), tags=["people"])
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> PersonPage:
    """People of the workspace; filter by team, role, active or state."""
    person = caller(request)
    people = _people(person)
    if filters.team is not None:
        people = people.filter(
            pk__in=Membership.objects.filter(team_id__in=filters.team).values("person_id")
        )
    if filters.role is not None:
        people = people.filter(role__in=filters.role)
    if filters.active is not None:
        people = people.filter(is_active=filters.active)
    if filters.state is not None:
        # Any of the states; none named (`state=`) matches nobody, as `role=` does.
        states = (queries.in_state(state) for state in filters.state)
        people = people.filter(reduce(or_, states, Q(pk__in=[])))
    if filters.q:
        people = people.filter(
            Q(name__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(user__email__icontains=filters.q)
        )
    found = listing(request, people, filters, sort=filters.sort, keys=NAME_SORTS)
    return PersonPage(
        count=found.count, next=found.next, items=[person_out(p) for p in found.items]
    )


@router.get("/people/{id}", response=responses({200: PersonOut}, READ_ONE), tags=["people"])
def get_person(request: HttpRequest, id: Id) -> PersonOut:
    """One person."""
    person = caller(request)
    found = access_person_by_id(person, id)
    return person_out(_people(person).get(pk=found.pk))


def _team_ref(person: Person, field: str, team_id: int) -> Team:
    return referenced(field, lambda: access_team_by_id(person, team_id))


def _memberships(person: Person, teams: list[MembershipIn]) -> dict[int, bool]:
    chosen: dict[int, bool] = {}
    for index, item in enumerate(teams):
        chosen[_team_ref(person, f"teams.{index}.team", item.team).pk] = item.lead
    return chosen


@router.post(
    "/people", response=responses({201: PersonOut, 202: InvitationOut}, CREATE), tags=["people"]
)
def create_person(
    request: HttpRequest, payload: PersonIn
) -> Status[PersonOut] | Status[InvitationOut]:
    """Add a person to the workspace (admins).

    A new email gets a login without password and joins at once (201, the person). An email
    that already has a login is invited instead (202, the invitation): they get an email,
    and join when they accept it signed in; until then nothing of this workspace is theirs.
    """
    person = caller(request)
    require_admin(person)
    teams = _memberships(person, payload.teams)
    added = services.add_person_with_teams(
        actor=person,
        workspace=person.workspace,
        email=payload.email,
        name=payload.name,
        role=payload.role,
        title=payload.title,
        teams=teams,
    )
    if isinstance(added, services.Invited):
        invitation = added.invitation
        sent = emails.send_invitation(invitation, emails.invitation_link(added.token))
        return Status(
            202,
            InvitationOut(
                status="invited",
                invitation=invitation.pk,
                email=invitation.email,
                name=invitation.name,
                role=cast(RoleName, invitation.role),
                title=invitation.title,
                teams=[MembershipOut(team=t["team"], lead=t["lead"]) for t in invitation.teams],
                expires_at=invitation.expires_at,
                email_sent=sent,
            ),
        )
    return Status(201, person_out(_people(person).get(pk=added.pk)))


@router.patch("/people/{id}", response=responses({200: PersonOut}, UPDATE), tags=["people"])
def update_person(request: HttpRequest, id: Id, payload: PersonUpdate) -> PersonOut:
    """Change a person's name, job title, role or teams, or reactivate them (admins)."""
    person = caller(request)
    found = access_person_by_id(person, id, for_write=True)
    changes = payload.model_dump(exclude_unset=True)
    changes.pop("teams", None)
    teams = _memberships(person, payload.teams) if payload.teams is not None else None
    active = changes.pop("active", None)
    if active is False:
        raise ValidationError({"active": "deactivate with POST /api/v1/people/{id}/deactivate"})
    found = services.change_person(
        actor=person, person=found, details=changes, teams=teams, reactivate=active is True
    )
    return person_out(_people(person).get(pk=found.pk))


def _new_owner(person: Person, owner_id: int | None) -> Person | None:
    if owner_id is None:
        return None
    return referenced("new_owner", lambda: access_person_by_id(person, owner_id))


@router.delete("/people/{id}", response=responses({204: None}, DELETE), tags=["people"])
def remove_person(request: HttpRequest, id: Id, params: Query[HandOverParams]) -> Status[None]:
    """Remove a person from the workspace for good (admins): their person and team
    memberships here go, their login and other workspaces stay. What they own goes to
    `new_owner` (required when they own anything); their check-ins and comments stay.
    To keep them, deactivate them instead: `POST /people/{id}/deactivate`."""
    person = caller(request)
    found = access_person_by_id(person, id, for_write=True)
    services.remove_person(
        actor=person, person=found, new_owner=_new_owner(person, params.new_owner)
    )
    return Status(204, None)


@router.post(
    "/people/{id}/deactivate", response=responses({200: PersonOut}, UPDATE), tags=["people"]
)
def deactivate_person(request: HttpRequest, id: Id, params: Query[HandOverParams]) -> PersonOut:
    """Deactivate a person (admins): they can no longer sign in to this workspace, what
    they own goes to `new_owner`; they stay listed with `active: false`. History stays."""
    person = caller(request)
    found = access_person_by_id(person, id, for_write=True)
    services.deactivate_person(
        actor=person, person=found, new_owner=_new_owner(person, params.new_owner)
    )
    return person_out(_people(person).get(pk=found.pk))


@router.post(
    "/people/{id}/reactivate", response=responses({200: PersonOut}, UPDATE), tags=["people"]
)
def reactivate_person(request: HttpRequest, id: Id) -> PersonOut:
    """Let a deactivated person back in (admins); what they owned stays handed over."""
    person = caller(request)
    found = access_person_by_id(person, id, for_write=True)
    services.reactivate_person(actor=person, person=found)
    return person_out(_people(person).get(pk=found.pk))

"""REST endpoints for teams and people, and `me`: who the token acts as."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from goalkeeper.accounts import services
from goalkeeper.accounts.access import (
    access_person_by_id,
    access_team_by_id,
    require_admin,
)
from goalkeeper.accounts.models import Membership, Person, Team
from goalkeeper.api.auth import caller, token_of
from goalkeeper.api.common import page, referenced
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import (
    Email,
    Flag,
    Id,
    Input,
    JobTitle,
    PageParams,
    Patch,
    PersonName,
    Ref,
    TeamName,
)

router = Router()

RoleName = Literal["admin", "editor", "viewer"]


# --- Teams ----------------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    parent: int | None = Field(description="null for the company, the root of the org tree")
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime


class TeamPage(Schema):
    count: int
    items: list[TeamOut]


class TeamIn(Input):
    name: TeamName
    parent: Patch[Ref] = Field(None, description="the parent team; omitted: the company root")


class TeamUpdate(Input):
    name: Patch[TeamName] = Field(None)
    parent: Patch[Ref] = Field(None, description="move the team under another one")
    archived: Patch[Flag] = Field(None, description="archive (true) or restore (false) the team")


class TeamFilters(PageParams):
    parent: Id | None = None
    archived: bool | None = None


def team_out(team: Team) -> TeamOut:
    return TeamOut(
        id=team.pk,
        name=team.name,
        slug=team.slug,
        parent=team.parent_id,
        archived=team.archived_at is not None,
        archived_at=team.archived_at,
        created_at=team.created_at,
    )


@router.get("/teams", response=responses({200: TeamPage}, READ_MANY), tags=["teams"])
def list_teams(request: HttpRequest, filters: Query[TeamFilters]) -> TeamPage:
    """Teams of the org tree; filter by parent or archived."""
    person = caller(request)
    teams = Team.objects.filter(workspace_id=person.workspace_id).order_by("id")
    if filters.parent is not None:
        teams = teams.filter(parent_id=filters.parent)
    if filters.archived is not None:
        teams = teams.filter(archived_at__isnull=not filters.archived)
    count, items = page(teams, filters)
    return TeamPage(count=count, items=[team_out(team) for team in items])


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
    """Archive a team (admins): it leaves the org tree; its objectives and KPIs stay."""
    person = caller(request)
    team = access_team_by_id(person, id)
    require_admin(person)
    services.archive_team(actor=person, team=team)
    return Status(204, None)


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
    teams: list[MembershipOut]
    created_at: dt.datetime


class PersonPage(Schema):
    count: int
    items: list[PersonOut]


class PersonIn(Input):
    email: Email
    name: PersonName
    role: RoleName = "editor"
    title: JobTitle = ""
    teams: list[MembershipIn] = Field(default_factory=list, max_length=500)


class PersonUpdate(Input):
    name: Patch[PersonName] = Field(None)
    title: Patch[JobTitle] = Field(None)
    role: Patch[RoleName] = Field(None)
    teams: Patch[Annotated[list[MembershipIn], Field(max_length=500)]] = Field(
        None, description="the complete list"
    )
    active: Patch[Flag] = Field(None, description="true reactivates a deactivated person")


class PersonFilters(PageParams):
    team: Id | None = None
    role: RoleName | None = None
    active: bool | None = None


class DeactivateParams(Schema):
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
        "teams": [MembershipOut(team=m.team_id, lead=m.is_lead) for m in person.memberships.all()],
        "created_at": person.created_at,
    }


def person_out(person: Person) -> PersonOut:
    return PersonOut(**_person_fields(person))


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
    """People of the workspace; filter by team, role or active."""
    person = caller(request)
    people = _people(person)
    if filters.team is not None:
        people = people.filter(memberships__team_id=filters.team)
    if filters.role is not None:
        people = people.filter(role=filters.role)
    if filters.active is not None:
        people = people.filter(is_active=filters.active)
    count, items = page(people, filters)
    return PersonPage(count=count, items=[person_out(p) for p in items])


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


@router.post("/people", response=responses({201: PersonOut}, CREATE), tags=["people"])
def create_person(request: HttpRequest, payload: PersonIn) -> Status[PersonOut]:
    """Add a person to the workspace (admins); a new email gets a login without password."""
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
        raise ValidationError({"active": "deactivate with DELETE /api/v1/people/{id}"})
    found = services.change_person(
        actor=person, person=found, details=changes, teams=teams, reactivate=active is True
    )
    return person_out(_people(person).get(pk=found.pk))


@router.delete("/people/{id}", response=responses({204: None}, DELETE), tags=["people"])
def deactivate_person(
    request: HttpRequest, id: Id, params: Query[DeactivateParams]
) -> Status[None]:
    """Deactivate a person (admins); what they own goes to `new_owner`. History stays."""
    person = caller(request)
    found = access_person_by_id(person, id, for_write=True)
    owner_id = params.new_owner
    new_owner = (
        referenced("new_owner", lambda: access_person_by_id(person, owner_id))
        if owner_id is not None
        else None
    )
    services.deactivate_person(actor=person, person=found, new_owner=new_owner)
    return Status(204, None)

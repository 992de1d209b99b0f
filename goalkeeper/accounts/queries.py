"""Reads for the admin pages: people, invitations and the org tree, a fixed number of queries.

Everything is scoped to the workspace passed in; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from goalkeeper.accounts import holdings
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


@dataclass(frozen=True)
class TeamNode:
    """A team in the org tree, with its depth and a few counts."""

    id: int
    name: str
    parent_id: int | None
    depth: int
    archived: bool
    members: int
    leads: tuple[str, ...]
    # What the team holds in the apps above (objectives, KPIs...: `accounts.holdings`).
    holdings: tuple[holdings.Count, ...]
    children: int
    # Depths at which a vertical guide line runs through this row: each ancestor level
    # with siblings still to come, and this row's own level when it is not the last child.
    guides: tuple[int, ...] = ()

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


def _tree_order(teams: list[Team]) -> list[tuple[Team, int]]:
    """Depth-first order, children by name; orphans (parent archived away) follow."""
    return [(team, depth) for team, depth, _ in _tree_walk(teams)]


def _tree_walk(teams: list[Team]) -> list[tuple[Team, int, tuple[int, ...]]]:
    """(team, depth, guide levels) in depth-first order."""
    by_parent: dict[int | None, list[Team]] = {}
    ids = {team.pk for team in teams}
    for team in teams:
        parent = team.parent_id if team.parent_id in ids else None
        by_parent.setdefault(parent, []).append(team)
    for siblings in by_parent.values():
        siblings.sort(key=lambda t: (t.parent_id is not None, t.name.lower(), t.pk))
    ordered: list[tuple[Team, int, tuple[int, ...]]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int, open_levels: tuple[int, ...]) -> None:
        children = [team for team in by_parent.get(parent, []) if team.pk not in seen]
        for index, team in enumerate(children):
            seen.add(team.pk)
            more = index < len(children) - 1 and depth > 0
            ordered.append((team, depth, open_levels + ((depth,) if more else ())))
            walk(team.pk, depth + 1, open_levels + ((depth,) if more else ()))

    walk(None, 0, ())
    return ordered


def org_tree(workspace: Workspace, *, archived: bool = False) -> list[TeamNode]:
    """The workspace's teams in tree order (active ones, or only the archived ones).

    A fixed number of queries whatever the size: teams, member counts, leads, and one
    count per kind of holding (objectives, KPIs).
    """
    teams = _teams(workspace, archived)
    return _nodes(_ordered(teams, archived), teams)


# Teams shown per page of the admin tree: a page weighs the same whatever the org's size.
TEAMS_PER_PAGE = 50


@dataclass(frozen=True)
class TreePage:
    """One page of the org tree (or of the teams matching a search)."""

    nodes: list[TeamNode]
    number: int
    pages: int
    total: int


def org_tree_page(
    workspace: Workspace, *, q: str = "", page: int = 1, archived: bool = False
) -> TreePage:
    """One page of the org tree in tree order, or of the teams whose name holds `q`; the
    counts are read for the page's teams only. A fixed number of queries."""
    teams = _teams(workspace, archived)
    ordered = _ordered(teams, archived)
    term = q.strip().lower()
    if term:
        ordered = [(team, 0, ()) for team, _, _ in ordered if term in team.name.lower()]
    total = len(ordered)
    pages = max(1, -(-total // TEAMS_PER_PAGE))
    number = min(max(page, 1), pages)
    start = (number - 1) * TEAMS_PER_PAGE
    return TreePage(
        nodes=_nodes(ordered[start : start + TEAMS_PER_PAGE], teams),
        number=number,
        pages=pages,
        total=total,
    )


def tree_shape(workspace: Workspace) -> tuple[int, int]:
    """How many active teams the org tree has and how many levels deep it goes: one query."""
    ordered = _ordered(_teams(workspace, False), False)
    return len(ordered), max((depth for _, depth, _ in ordered), default=-1) + 1


def _teams(workspace: Workspace, archived: bool) -> list[Team]:
    return list(
        Team.objects.filter(workspace=workspace, archived_at__isnull=not archived).only(
            "id", "parent_id", "name", "archived_at"
        )
    )


def _ordered(teams: list[Team], archived: bool) -> list[tuple[Team, int, tuple[int, ...]]]:
    return _tree_walk(teams) if not archived else [(t, 0, ()) for t in teams]


def _nodes(ordered: list[tuple[Team, int, tuple[int, ...]]], teams: list[Team]) -> list[TeamNode]:
    """The nodes of `ordered`, with counts read for those teams only."""
    team_ids = [team.pk for team, _, _ in ordered]
    # Invited people are members (they own things there); deactivated ones are not.
    counted = Q(person__is_active=True) | Q(person__invited_at__isnull=False)
    members = dict(
        Membership.objects.filter(counted, team_id__in=team_ids)
        .values_list("team_id")
        .annotate(n=Count("id"))
        .values_list("team_id", "n")
    )
    leads: dict[int, list[str]] = {}
    for team_id, name in (
        Membership.objects.filter(counted, team_id__in=team_ids, is_lead=True)
        .order_by("person__name")
        .values_list("team_id", "person__name")
    ):
        leads.setdefault(team_id, []).append(name)
    held = holdings.team_holdings(team_ids)
    children = Counter(team.parent_id for team in teams if team.parent_id is not None)
    return [
        TeamNode(
            id=team.pk,
            name=team.name,
            parent_id=team.parent_id,
            depth=depth,
            archived=team.archived_at is not None,
            members=members.get(team.pk, 0),
            leads=tuple(leads.get(team.pk, [])),
            holdings=held[team.pk],
            children=children[team.pk],
            guides=guides,
        )
        for team, depth, guides in ordered
    ]


def team_choices(workspace: Workspace, *, exclude: set[int] | None = None) -> list[tuple[int, str]]:
    """(id, indented name) of the active teams in tree order, for a parent picker."""
    teams = list(Team.objects.filter(workspace=workspace, archived_at__isnull=True))
    skip = exclude or set()
    return [
        (team.pk, "\u2003" * depth + team.name)
        for team, depth in _tree_order(teams)
        if team.pk not in skip
    ]


@dataclass(frozen=True)
class PersonRow:
    """A person as the people page lists them."""

    id: int
    name: str
    initials: str
    email: str
    title: str
    role: str
    role_label: str
    is_active: bool
    teams: tuple[str, ...]
    leads: tuple[str, ...]
    state: str = PersonState.ACTIVE  # "active", "invited" or "deactivated"
    declined: bool = False  # invited, and said no to their newest invitation


@dataclass(frozen=True)
class PeopleFilters:
    """What the people page is narrowed to."""

    q: str = ""
    role: str = ""
    status: str = "active"  # "active", "invited", "deactivated" or "all"


# People shown per page of the admin list: a page weighs the same whatever the workspace.
PEOPLE_PER_PAGE = 50


@dataclass(frozen=True)
class PeoplePage:
    """One page of the people list, and where it stands among all the matches."""

    rows: list[PersonRow]
    number: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        """The position of the page's first row among the matches (1-based)."""
        return (self.number - 1) * PEOPLE_PER_PAGE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def people(workspace: Workspace, filters: PeopleFilters, page: int = 1) -> PeoplePage:
    """One page of the workspace's people with their teams, in three queries (the count,
    the rows, their memberships) whatever the number of people."""
    rows = Person.objects.filter(workspace=workspace)
    if filters.status in PersonState.values:
        rows = rows.filter(in_state(filters.status))
    if filters.role in Role.values:
        rows = rows.filter(role=filters.role)
    term = filters.q.strip()
    if term:
        in_team = Membership.objects.filter(
            person=OuterRef("pk"), team__name__icontains=term, team__archived_at__isnull=True
        )
        rows = rows.filter(
            Q(name__icontains=term)
            | Q(user__email__icontains=term)
            | Q(title__icontains=term)
            | Exists(in_team)
        )
    total = rows.count()
    pages = max(1, -(-total // PEOPLE_PER_PAGE))
    number = min(max(page, 1), pages)
    start = (number - 1) * PEOPLE_PER_PAGE
    memberships = Membership.objects.select_related("team").order_by("team__name")
    chosen = (
        rows.select_related("user")
        .annotate(declined=_last_invitation_declined())
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("name", "id")[start : start + PEOPLE_PER_PAGE]
    )
    result = []
    for person in chosen:
        teams = [m for m in person.memberships.all() if m.team.archived_at is None]
        result.append(
            PersonRow(
                id=person.pk,
                name=person.name,
                initials=person.initials,
                email=person.user.email,
                title=person.title,
                role=person.role,
                role_label=person.get_role_display(),
                is_active=person.is_active,
                teams=tuple(m.team.name for m in teams),
                leads=tuple(m.team.name for m in teams if m.is_lead),
                state=person.state,
                declined=person.state == PersonState.INVITED and person.declined is not None,
            )
        )
    return PeoplePage(rows=result, number=number, pages=pages, total=total)


def in_state(state: str) -> Q:
    """The people in `state` ("active", "invited" or "deactivated"), as a filter."""
    if state == PersonState.ACTIVE:
        return Q(is_active=True)
    return Q(is_active=False, invited_at__isnull=state != PersonState.INVITED)


def people_counts(workspace: Workspace) -> dict[str, int]:
    """Active people per role, the invited and the deactivated, in one query."""
    counts = {"admin": 0, "editor": 0, "viewer": 0, "active": 0, "invited": 0, "deactivated": 0}
    for role, active, n, invited in (
        Person.objects.filter(workspace=workspace)
        .values_list("role", "is_active")
        .annotate(n=Count("id"), invited=Count("id", filter=Q(invited_at__isnull=False)))
        .values_list("role", "is_active", "n", "invited")
    ):
        if active:
            counts[role] = counts.get(role, 0) + n
            counts["active"] += n
        else:
            counts["invited"] += invited
            counts["deactivated"] += n - invited
    return counts


def pending_invitations(workspace: Workspace, now: dt.datetime | None = None) -> list[Invitation]:
    """Invitations not yet accepted, declined, revoked or expired, newest first."""
    moment = now or timezone.now()
    return list(
        Invitation.objects.filter(
            workspace=workspace,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=moment,
        )
        .select_related("invited_by", "team")
        .order_by("-created_at", "-id")
    )


def _last_invitation_declined() -> Subquery:
    """When a person's newest invitation was declined (null when it was not)."""
    return Subquery(
        Invitation.objects.filter(
            workspace_id=OuterRef("workspace_id"), email=OuterRef("user__email")
        )
        .order_by("-created_at", "-id")
        .values("declined_at")[:1]
    )


# Invitations one click sends at most: a request's work stays bounded (a bigger crowd of
# invited people takes a few clicks, each naming how many it sends).
INVITATIONS_PER_SEND = 200


def invited_to_send(workspace: Workspace) -> QuerySet[Person]:
    """The invited people an invitation goes to all at once, by name: those who have not
    declined their newest one (one who declined is asked again one by one)."""
    return (
        Person.objects.filter(workspace=workspace, is_active=False, invited_at__isnull=False)
        .annotate(declined=_last_invitation_declined())
        .filter(declined__isnull=True)
        .select_related("user")
        .order_by("name", "id")
    )


def unclaimed_login(email: str) -> User | None:
    """The login of `email` when it was made for someone invited and has never been used:
    no password and no workspace joined. Whoever reads the invitation sent to that address
    claims it by choosing a password; any other login signs in to accept."""
    login = User.objects.filter(email=email.strip().lower()).first()
    if login is None or login.has_usable_password():
        return None
    if Person.objects.filter(user=login, invited_at__isnull=True).exists():
        return None
    return login


def active_people(workspace: Workspace, *, exclude: Person | None = None) -> list[Person]:
    """Active people of the workspace by name, e.g. to choose a new owner."""
    rows = Person.objects.filter(workspace=workspace, is_active=True).order_by("name", "id")
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return list(rows)


@dataclass(frozen=True)
class MembershipRow:
    """A team a person belongs to, as their page lists it."""

    team_id: int
    name: str
    lead: bool
    archived: bool


def teams_of(person: Person) -> list[MembershipRow]:
    """The person's teams by name (archived ones too, so that saving keeps them): one query."""
    return [
        MembershipRow(m.team_id, m.team.name, m.is_lead, m.team.archived_at is not None)
        for m in Membership.objects.filter(person=person)
        .select_related("team")
        .order_by("team__name", "team_id")
    ]


def memberships_of(person: Person) -> dict[int, bool]:
    """{team id: leads it} for a person."""
    return dict(Membership.objects.filter(person=person).values_list("team_id", "is_lead"))


def workspaces_of(person: Person) -> list[Person]:
    """The user's active people across workspaces (one per workspace), by workspace name."""
    return list(
        Person.objects.filter(user_id=person.user_id, is_active=True)
        .select_related("workspace")
        .order_by("workspace__name", "workspace_id")
    )

"""People and teams for the search-as-you-type pickers (goalkeeper.pickers, docs/pickers.md).

Each kind has a source (the scoped lookup a form field checks a posted id with) and a
search (what its endpoint answers): both read only the caller's workspace.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from goalkeeper.accounts.models import Membership, Person, Team, Workspace
from goalkeeper.pickers import Option, Source, ranked


def team_ids_of(person: Person) -> list[int]:
    """The teams the person belongs to: their rows come first in a search."""
    return list(Membership.objects.filter(person=person).values_list("team_id", flat=True))


def teams_above(workspace_id: int, team_id: int) -> list[int]:
    """The teams above `team_id` in the org tree, its parent first, up to the company: one
    query of the tree's (id, parent) pairs."""
    parents = dict(Team.objects.filter(workspace_id=workspace_id).values_list("id", "parent_id"))
    found: list[int] = []
    current = parents.get(team_id)
    while current is not None and current not in found:
        found.append(current)
        current = parents.get(current)
    return found


def people_source(workspace: Workspace, *, exclude: Person | None = None) -> Source:
    """Active people of the workspace (an owner, a new owner), `exclude` left out."""

    def find(person_id: int) -> Person | None:
        rows = Person.objects.filter(pk=person_id, workspace=workspace, is_active=True)
        if exclude is not None:
            rows = rows.exclude(pk=exclude.pk)
        return rows.first()

    return Source(url_name="pick_people", noun="person", find=find, label=lambda p: p.name)


def teams_source(workspace: Workspace, *, keep: Team | None = None) -> Source:
    """Teams of the workspace not archived (`keep`, the team an object has now, also)."""

    def find(team_id: int) -> Team | None:
        rows = Team.objects.filter(pk=team_id, workspace=workspace)
        if keep is None or keep.pk != team_id:
            rows = rows.filter(archived_at__isnull=True)
        return rows.first()

    return Source(url_name="pick_teams", noun="team", find=find, label=lambda t: t.name)


def search_people(viewer: Person, q: str, *, exclude: int | None = None) -> list[Option]:
    """Active people matching `q` by name (and, for admins, by email), the viewer's
    teammates first. Two queries."""
    rows = Person.objects.filter(workspace_id=viewer.workspace_id, is_active=True)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    mine = team_ids_of(viewer)
    teammate = Exists(Membership.objects.filter(person=OuterRef("pk"), team_id__in=mine))
    found = ranked(
        rows.select_related("user"),
        q,
        name="name",
        also=("user__email",) if viewer.is_admin else (),
        preferred=Q(teammate) if mine else None,
        then=("name",),
    )
    return [
        Option(
            p.pk,
            p.name,
            " · ".join(filter(None, [p.title, p.user.email if viewer.is_admin else ""])),
        )
        for p in found
    ]


def search_teams(viewer: Person, q: str) -> list[Option]:
    """Teams not archived matching `q`, the viewer's own first, each with its parent's
    name as a hint. Two queries."""
    rows = Team.objects.filter(workspace_id=viewer.workspace_id, archived_at__isnull=True)
    mine = team_ids_of(viewer)
    found = ranked(
        rows.select_related("parent"),
        q,
        name="name",
        preferred=Q(pk__in=mine) if mine else None,
        then=("name",),
    )
    return [Option(t.pk, t.name, f"in {t.parent.name}" if t.parent else "") for t in found]

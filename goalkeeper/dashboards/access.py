"""Who reaches a dashboard (docs/dashboards.md, "Who sees what").

One condition a line, as in `goalkeeper.accounts.access`. Seeing: its owner; every member of
its team when it is shared with a team; everyone in the workspace when shared with the
workspace; admins, always. Changing (tiles, layout, sharing, share links): its owner and
admins. A dashboard the caller may not see is reported as missing (404), like another
workspace's.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from goalkeeper.accounts.models import Membership, Person
from goalkeeper.dashboards.models import Dashboard, Sharing, Tile


def team_ids_of(person: Person) -> list[int]:
    """The teams the person is a member of."""
    return list(Membership.objects.filter(person=person).values_list("team_id", flat=True))


def visible_dashboards(person: Person) -> QuerySet[Dashboard]:
    """Every dashboard of the workspace the person may see."""
    rows = Dashboard.objects.filter(workspace_id=person.workspace_id)
    if person.is_admin:
        return rows
    return rows.filter(
        Q(owner_id=person.pk)
        | Q(sharing=Sharing.WORKSPACE)
        | Q(
            sharing=Sharing.TEAM,
            team_id__in=Membership.objects.filter(person=person).values("team_id"),
        )
    )


def can_see(person: Person, dashboard: Dashboard) -> bool:
    """Whether the person may see the dashboard (one query for a team-shared one)."""
    if dashboard.workspace_id != person.workspace_id:
        return False
    if person.is_admin or dashboard.owner_id == person.pk:
        return True
    if dashboard.sharing == Sharing.WORKSPACE:
        return True
    if dashboard.sharing == Sharing.TEAM and dashboard.team_id is not None:
        return Membership.objects.filter(person=person, team_id=dashboard.team_id).exists()
    return False


def can_edit(person: Person, dashboard: Dashboard) -> bool:
    """Whether the person may change the dashboard: its owner or an admin."""
    if dashboard.workspace_id != person.workspace_id:
        return False
    return person.is_admin or dashboard.owner_id == person.pk


def access_dashboard_by_id(
    person: Person, dashboard_id: int, *, for_write: bool = False
) -> Dashboard:
    dashboard = (
        Dashboard.objects.select_related("owner", "team")
        .filter(pk=dashboard_id, workspace_id=person.workspace_id)
        .first()
    )
    if dashboard is None:
        raise Http404("no such dashboard")
    if not can_see(person, dashboard):
        raise Http404("no such dashboard")
    if for_write and not can_edit(person, dashboard):
        raise PermissionDenied("only its owner or an admin can change this dashboard")
    return dashboard


def access_tile_by_id(person: Person, dashboard: Dashboard, tile_id: int) -> Tile:
    """A tile of a dashboard the caller may change (checked with `access_dashboard_by_id`)."""
    tile = Tile.objects.filter(pk=tile_id, dashboard=dashboard).first()
    if tile is None:
        raise Http404("no such tile")
    return tile

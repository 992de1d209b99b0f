"""REST endpoints for dashboards and their tiles (docs/api.md, "Dashboards").

Share links are made and revoked on the web only: a link is a credential shown once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from goalkeeper.accounts.access import access_team_by_id
from goalkeeper.accounts.models import Person, Team
from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing, referenced
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import Id, Input, Page, PageParams, Ref
from goalkeeper.dashboards import services
from goalkeeper.dashboards.access import (
    access_dashboard_by_id,
    access_tile_by_id,
    visible_dashboards,
)
from goalkeeper.dashboards.models import Dashboard, Tile

router = Router(tags=["dashboards"])

SharingName = Literal["private", "team", "workspace"]
KindName = Literal[
    "kpi_chart", "kpi_group", "objective", "team_summary", "health_counts", "insight_chart", "text"
]
Title = Annotated[str, StringConstraints(min_length=1, max_length=120)]
TileTitle = Annotated[str, StringConstraints(max_length=120)]
Description = Annotated[str, StringConstraints(max_length=500)]


class TileOut(Schema):
    id: int
    kind: KindName
    title: str
    config: dict[str, Any] = Field(description="what the tile shows; see docs/dashboards.md")
    x: int
    y: int
    w: int
    h: int


class DashboardOut(Schema):
    id: int
    title: str
    description: str
    owner: int | None = Field(description="the owner's person id")
    sharing: SharingName
    team: int | None = Field(description="the team it is shared with (sharing `team`)")
    created_at: dt.datetime
    updated_at: dt.datetime
    tiles: list[TileOut]


class DashboardPage(Page):
    items: list[DashboardOut]


class DashboardIn(Input):
    title: Title
    description: Description = ""
    sharing: SharingName = "private"
    team: Ref | None = None


class DashboardUpdate(Input):
    title: Title | None = None
    description: Description | None = None
    sharing: SharingName | None = None
    team: Ref | None = None


class TileIn(Input):
    kind: KindName
    title: TileTitle = ""
    config: dict[str, Any]
    w: int | None = Field(None, ge=1, le=12)
    h: int | None = Field(None, ge=1, le=12)


class TileUpdate(Input):
    title: TileTitle | None = None
    config: dict[str, Any] | None = None


# Bounded so that the document states what can be read; the grid's own rules say the rest.
GridNumber = Annotated[int, Field(ge=0, le=1_000_000)]


class PlacementIn(Input):
    id: Ref
    x: GridNumber
    y: GridNumber
    w: GridNumber
    h: GridNumber


class LayoutIn(Input):
    layout: list[PlacementIn] = Field(max_length=services.MAX_TILES)


def tile_out(tile: Tile) -> TileOut:
    return TileOut(
        id=tile.pk,
        kind=tile.kind,  # type: ignore[arg-type]
        title=tile.title,
        config=tile.config,
        x=tile.x,
        y=tile.y,
        w=tile.w,
        h=tile.h,
    )


def dashboard_out(dashboard: Dashboard, tiles: list[Tile] | None = None) -> DashboardOut:
    found = tiles if tiles is not None else list(dashboard.tiles.order_by("y", "x", "id"))
    return DashboardOut(
        id=dashboard.pk,
        title=dashboard.title,
        description=dashboard.description,
        owner=dashboard.owner_id,
        sharing=dashboard.sharing,  # type: ignore[arg-type]
        team=dashboard.team_id,
        created_at=dashboard.created_at,
        updated_at=dashboard.updated_at,
        tiles=[tile_out(t) for t in found],
    )


def _team(person: Person, team_id: int | None) -> Team | None:
    """The team a body names, within the caller's workspace (422 naming `team` if not)."""
    if team_id is None:
        return None
    return referenced("team", lambda: access_team_by_id(person, team_id))


@router.get("/dashboards", response=responses({200: DashboardPage}, READ_MANY))
def list_dashboards(request: HttpRequest, params: Query[PageParams]) -> DashboardPage:
    """The dashboards the caller may see (theirs, their teams', the workspace's), with
    their tiles, by title."""
    person = caller(request)
    found = listing(
        request,
        visible_dashboards(person).prefetch_related("tiles"),
        params,
        sort="title",
        keys={"title": "title"},
    )
    return DashboardPage(
        count=found.count,
        next=found.next,
        items=[
            dashboard_out(d, sorted(d.tiles.all(), key=lambda t: (t.y, t.x, t.pk)))
            for d in found.items
        ],
    )


@router.get("/dashboards/{id}", response=responses({200: DashboardOut}, READ_ONE))
def get_dashboard(request: HttpRequest, id: Id) -> DashboardOut:
    """One dashboard with its tiles in grid order."""
    return dashboard_out(access_dashboard_by_id(caller(request), id))


@router.post("/dashboards", response=responses({201: DashboardOut}, CREATE))
def create_dashboard(request: HttpRequest, payload: DashboardIn) -> Status[DashboardOut]:
    """A new dashboard owned by the caller (any member may build one)."""
    person = caller(request)
    team = _team(person, payload.team)
    dashboard = services.create_dashboard(
        actor=person,
        title=payload.title,
        description=payload.description,
        sharing=payload.sharing,
        team=team,
    )
    return Status(201, dashboard_out(dashboard, []))


@router.patch("/dashboards/{id}", response=responses({200: DashboardOut}, UPDATE))
def update_dashboard(request: HttpRequest, id: Id, payload: DashboardUpdate) -> DashboardOut:
    """Rename, describe or share a dashboard: its owner or an admin."""
    person = caller(request)
    dashboard = access_dashboard_by_id(person, id, for_write=True)
    if payload.title is not None or payload.description is not None:
        dashboard = services.update_dashboard(
            actor=person,
            dashboard=dashboard,
            title=payload.title,
            description=payload.description,
        )
    if payload.sharing is not None:
        team = _team(person, payload.team)
        dashboard = services.share_dashboard(
            actor=person, dashboard=dashboard, sharing=payload.sharing, team=team
        )
    return dashboard_out(dashboard)


@router.delete("/dashboards/{id}", response=responses({204: None}, DELETE))
def delete_dashboard(request: HttpRequest, id: Id) -> Status[None]:
    """Delete a dashboard with its tiles; its share links stop working."""
    person = caller(request)
    services.delete_dashboard(
        actor=person, dashboard=access_dashboard_by_id(person, id, for_write=True)
    )
    return Status(204, None)


@router.post("/dashboards/{id}/tiles", response=responses({201: TileOut}, CREATE))
def add_tile(request: HttpRequest, id: Id, payload: TileIn) -> Status[TileOut]:
    """Add a tile; it takes the first free place of the grid."""
    person = caller(request)
    dashboard = access_dashboard_by_id(person, id, for_write=True)
    tile = services.add_tile(
        actor=person,
        dashboard=dashboard,
        kind=payload.kind,
        config=payload.config,
        title=payload.title,
        w=payload.w,
        h=payload.h,
    )
    return Status(201, tile_out(tile))


@router.patch("/dashboards/{id}/tiles/{tile_id}", response=responses({200: TileOut}, UPDATE))
def update_tile(request: HttpRequest, id: Id, tile_id: Id, payload: TileUpdate) -> TileOut:
    """Change what a tile shows, or its title."""
    person = caller(request)
    dashboard = access_dashboard_by_id(person, id, for_write=True)
    tile = access_tile_by_id(person, dashboard, tile_id)
    tile.dashboard = dashboard
    return tile_out(
        services.update_tile(actor=person, tile=tile, config=payload.config, title=payload.title)
    )


@router.delete("/dashboards/{id}/tiles/{tile_id}", response=responses({204: None}, DELETE))
def remove_tile(request: HttpRequest, id: Id, tile_id: Id) -> Status[None]:
    """Take a tile off its dashboard."""
    person = caller(request)
    dashboard = access_dashboard_by_id(person, id, for_write=True)
    tile = access_tile_by_id(person, dashboard, tile_id)
    tile.dashboard = dashboard
    services.remove_tile(actor=person, tile=tile)
    return Status(204, None)


@router.put("/dashboards/{id}/layout", response=responses({200: DashboardOut}, UPDATE))
def arrange(request: HttpRequest, id: Id, payload: LayoutIn) -> DashboardOut:
    """Save the whole layout at once: every tile of the dashboard once, inside the 12
    columns, none overlapping another."""
    person = caller(request)
    dashboard = access_dashboard_by_id(person, id, for_write=True)
    tiles = services.arrange(
        actor=person,
        dashboard=dashboard,
        layout=[services.Placement(p.id, p.x, p.y, p.w, p.h) for p in payload.layout],
    )
    dashboard.refresh_from_db()
    return dashboard_out(dashboard, tiles)

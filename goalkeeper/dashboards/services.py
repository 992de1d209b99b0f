"""Writes for dashboards, tiles and share links.

Each public function validates, writes in one transaction and records an audit entry.
Errors name the field (`title`, `team`, `config.kpi`, `tile 12.x`...) and the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person, Team
from goalkeeper.audit.services import record
from goalkeeper.dashboards.configs import DEFAULT_SIZES, MAX_TITLE, clean_config
from goalkeeper.dashboards.models import Dashboard, ShareLink, Sharing, Tile
from goalkeeper.domain.grid import Cell, cell_errors, free_spot, layout_errors
from goalkeeper.validation import raise_field_errors

MAX_TILES = 24
MAX_DESCRIPTION = 500
# The lifetimes a share link may have, in days (docs/dashboards.md, "Share links").
LINK_DAYS = (1, 7, 30, 90)
# A visit through a share link updates `last_seen_at` at most this often (links poll).
SEEN_EVERY = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Placement:
    """Where a tile goes in an arrangement."""

    id: int
    x: int
    y: int
    w: int
    h: int


def _title(value: Any) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise ValidationError({"title": gettext_noop("give the dashboard a title")})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"at most {MAX_TITLE} characters"})
    return title


def _description(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError({"description": f"at most {MAX_DESCRIPTION} characters"})
    return text


def _sharing(dashboard_workspace_id: int, sharing: Any, team: Team | None) -> Team | None:
    if sharing not in Sharing.values:
        raise ValidationError({"sharing": f"one of: {', '.join(Sharing.values)}"})
    if sharing != Sharing.TEAM:
        return None
    if team is None:
        raise ValidationError({"team": gettext_noop("choose the team to share the dashboard with")})
    if team.workspace_id != dashboard_workspace_id:
        raise ValidationError({"team": gettext_noop("no such team in this workspace")})
    return team


def _touch(dashboard: Dashboard) -> None:
    dashboard.updated_at = timezone.now()
    dashboard.save(update_fields=["updated_at"])


# --- Dashboards ----------------------------------------------------------------------------------


@transaction.atomic
def create_dashboard(
    *,
    actor: Person,
    title: str,
    description: str = "",
    sharing: str = Sharing.PRIVATE,
    team: Team | None = None,
) -> Dashboard:
    """A new dashboard owned by `actor`, private unless shared with a team or everyone."""
    dashboard = Dashboard(
        workspace_id=actor.workspace_id,
        owner=actor,
        title=_title(title),
        description=_description(description),
        sharing=sharing,
    )
    dashboard.team = _sharing(actor.workspace_id, sharing, team)
    dashboard.save()
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.created",
        obj=dashboard,
        changes={"title": [None, dashboard.title], "sharing": [None, dashboard.sharing]},
    )
    return dashboard


@transaction.atomic
def update_dashboard(
    *, actor: Person, dashboard: Dashboard, title: str | None = None, description: str | None = None
) -> Dashboard:
    """Rename a dashboard or change its description."""
    changes: dict[str, list[Any]] = {}
    if title is not None and _title(title) != dashboard.title:
        changes["title"] = [dashboard.title, _title(title)]
        dashboard.title = _title(title)
    if description is not None and _description(description) != dashboard.description:
        changes["description"] = [dashboard.description, _description(description)]
        dashboard.description = _description(description)
    dashboard.updated_at = timezone.now()
    dashboard.save()
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.updated",
        obj=dashboard,
        changes=changes,
    )
    return dashboard


@transaction.atomic
def share_dashboard(
    *, actor: Person, dashboard: Dashboard, sharing: str, team: Team | None = None
) -> Dashboard:
    """Keep a dashboard private, or share it with one team or the whole workspace."""
    before = [dashboard.sharing, dashboard.team_id]
    dashboard.team = _sharing(dashboard.workspace_id, sharing, team)
    dashboard.sharing = sharing
    dashboard.updated_at = timezone.now()
    dashboard.save()
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.shared",
        obj=dashboard,
        changes={
            "sharing": [before[0], dashboard.sharing],
            "team": [before[1], dashboard.team_id],
        },
    )
    return dashboard


@transaction.atomic
def delete_dashboard(*, actor: Person, dashboard: Dashboard) -> None:
    """Delete a dashboard with its tiles and share links (which stop working)."""
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.deleted",
        obj=dashboard,
        changes={"title": [dashboard.title, None]},
    )
    dashboard.delete()


# --- Tiles ---------------------------------------------------------------------------------------


def _tile_title(value: Any) -> str:
    title = " ".join(str(value or "").split())
    if len(title) > MAX_TITLE:
        raise ValidationError({"tile_title": f"at most {MAX_TITLE} characters"})
    return title


@transaction.atomic
def add_tile(
    *,
    actor: Person,
    dashboard: Dashboard,
    kind: str,
    config: Mapping[str, Any],
    title: str = "",
    w: int | None = None,
    h: int | None = None,
) -> Tile:
    """Add a tile of `kind` in the first free place of the grid (its kind's size unless
    `w` and `h` are given)."""
    locked = Dashboard.objects.select_for_update().get(pk=dashboard.pk)
    placed = list(Tile.objects.filter(dashboard=locked).values_list("id", "x", "y", "w", "h"))
    if len(placed) >= MAX_TILES:
        raise ValidationError({"kind": f"a dashboard holds at most {MAX_TILES} tiles"})
    cleaned = clean_config(locked.workspace, kind, config)
    default_w, default_h = DEFAULT_SIZES[kind]
    width, height = w or default_w, h or default_h
    raise_field_errors(cell_errors(Cell(0, 0, 0, width, height), "size"))
    x, y = free_spot((Cell(*row) for row in placed), width, height)
    tile = Tile.objects.create(
        dashboard=locked,
        kind=kind,
        title=_tile_title(title),
        config=cleaned,
        x=x,
        y=y,
        w=width,
        h=height,
    )
    _touch(locked)
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.tile_added",
        obj=locked,
        changes={"tile": [None, {"id": tile.pk, "kind": kind, "config": cleaned}]},
    )
    return tile


@transaction.atomic
def update_tile(
    *,
    actor: Person,
    tile: Tile,
    config: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> Tile:
    """Change what a tile shows or its title."""
    dashboard = tile.dashboard
    before = {"config": tile.config, "title": tile.title}
    if config is not None:
        tile.config = clean_config(dashboard.workspace, tile.kind, config)
    if title is not None:
        tile.title = _tile_title(title)
    tile.save()
    _touch(dashboard)
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.tile_updated",
        obj=dashboard,
        changes={"tile": [before, {"id": tile.pk, "config": tile.config, "title": tile.title}]},
    )
    return tile


@transaction.atomic
def remove_tile(*, actor: Person, tile: Tile) -> None:
    """Take a tile off its dashboard."""
    dashboard = tile.dashboard
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.tile_removed",
        obj=dashboard,
        changes={"tile": [{"id": tile.pk, "kind": tile.kind}, None]},
    )
    tile.delete()
    _touch(dashboard)


def _placements(layout: Iterable[Mapping[str, Any] | Placement]) -> list[Placement]:
    found: list[Placement] = []
    for index, item in enumerate(layout):
        if isinstance(item, Placement):
            found.append(item)
            continue
        if not isinstance(item, Mapping):
            raise ValidationError({f"layout.{index}": "must be {id, x, y, w, h}"})
        values: dict[str, int] = {}
        for name in ("id", "x", "y", "w", "h"):
            value = item.get(name)
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValidationError({f"layout.{index}.{name}": "must be a whole number"})
            text = str(value).strip()
            if not text.lstrip("-").isdigit():
                raise ValidationError({f"layout.{index}.{name}": "must be a whole number"})
            values[name] = int(text)
        found.append(Placement(**values))
    return found


@transaction.atomic
def arrange(
    *, actor: Person, dashboard: Dashboard, layout: Iterable[Mapping[str, Any] | Placement]
) -> list[Tile]:
    """Save a whole layout at once: every tile of the dashboard exactly once, inside the
    grid's 12 columns, none overlapping another."""
    locked = Dashboard.objects.select_for_update().get(pk=dashboard.pk)
    placements = _placements(layout)
    tiles = {tile.pk: tile for tile in Tile.objects.filter(dashboard=locked)}
    strangers = [p.id for p in placements if p.id not in tiles]
    if strangers:
        raise ValidationError({"layout": f"tile {strangers[0]} is not on this dashboard"})
    missing = sorted(set(tiles) - {p.id for p in placements})
    if missing:
        raise ValidationError({"layout": f"tile {missing[0]} is missing from the layout"})
    raise_field_errors(layout_errors([Cell(p.id, p.x, p.y, p.w, p.h) for p in placements]))
    moved: list[Tile] = []
    before: dict[int, list[int]] = {}
    for p in placements:
        tile = tiles[p.id]
        if (tile.x, tile.y, tile.w, tile.h) != (p.x, p.y, p.w, p.h):
            before[tile.pk] = [tile.x, tile.y, tile.w, tile.h]
            tile.x, tile.y, tile.w, tile.h = p.x, p.y, p.w, p.h
            moved.append(tile)
    if moved:
        Tile.objects.bulk_update(moved, ["x", "y", "w", "h"])
        _touch(locked)
        record(
            workspace=actor.workspace,
            actor=actor,
            action="dashboard.arranged",
            obj=locked,
            changes={str(t.pk): [before[t.pk], [t.x, t.y, t.w, t.h]] for t in moved},
        )
    return sorted(tiles.values(), key=lambda t: (t.y, t.x, t.pk))


# --- Share links ---------------------------------------------------------------------------------


def token_hash(raw: str) -> str:
    """The stored form of a share link's token: HMAC-SHA256 keyed with the site's secret,
    so that neither a copy of the database nor a guess without the key yields a link."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, raw.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


@transaction.atomic
def create_share_link(*, actor: Person, dashboard: Dashboard, days: int) -> tuple[ShareLink, str]:
    """A new read-only link to the dashboard, working for `days` days; returns the link
    and its token (shown once: only its hash is kept)."""
    if days not in LINK_DAYS:
        raise ValidationError({"days": f"one of {', '.join(str(d) for d in LINK_DAYS)}"})
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    link = ShareLink.objects.create(
        dashboard=dashboard,
        token_hash=token_hash(raw),
        created_by=actor,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.link_created",
        obj=dashboard,
        changes={"link": [None, {"id": link.pk, "expires_at": link.expires_at.isoformat()}]},
    )
    return link, raw


@transaction.atomic
def revoke_share_link(*, actor: Person, link: ShareLink) -> ShareLink:
    """Stop a share link working, at once and for good."""
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record(
        workspace=actor.workspace,
        actor=actor,
        action="dashboard.link_revoked",
        obj=link.dashboard,
        changes={"link": [{"id": link.pk}, None]},
    )
    return link


def note_visit(link: ShareLink, now: dt.datetime | None = None) -> None:
    """Remember when a share link was last used (at most every SEEN_EVERY: a wall screen
    polls). A visit changes nothing anyone sees, so it leaves no audit entry."""
    moment = now or timezone.now()
    if link.last_seen_at is not None and moment - link.last_seen_at < SEEN_EVERY:
        return
    ShareLink.objects.filter(pk=link.pk).update(last_seen_at=moment)
    link.last_seen_at = moment

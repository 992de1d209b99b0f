"""Page builders of the dashboards app: lists, one dashboard, TV mode, a share link."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Membership, Person
from goalkeeper.dashboards.access import can_see, visible_dashboards
from goalkeeper.dashboards.models import Dashboard, ShareLink, Sharing
from goalkeeper.dashboards.services import token_hash
from goalkeeper.dashboards.tiles import tile_views

# Dashboards listed per section of the index (a person keeps a handful; the rest is paged
# away by its size: more means a search, which no one has asked for yet).
LIST_MAX = 100
# TV mode: seconds per dashboard (and between refreshes), the default and its bounds.
TV_EVERY = 60
TV_MIN = 10
TV_MAX = 3600
TV_MAX_DASHBOARDS = 12


@dataclass(frozen=True)
class DashboardList:
    key: str
    title: str
    empty: str
    dashboards: tuple[Dashboard, ...]


def dashboard_lists(person: Person) -> tuple[DashboardList, ...]:
    """Mine, shared with my teams, shared with the workspace (two queries)."""
    teams = list(Membership.objects.filter(person=person).values_list("team_id", flat=True))
    rows = list(
        visible_dashboards(person)
        .filter(
            Q(owner_id=person.pk)
            | Q(sharing=Sharing.WORKSPACE)
            | Q(sharing=Sharing.TEAM, team_id__in=teams)
        )
        .select_related("owner", "team")
        .annotate(tile_count=Count("tiles"))
        .order_by("title", "id")[: 3 * LIST_MAX]
    )
    mine = tuple(d for d in rows if d.owner_id == person.pk)[:LIST_MAX]
    team = tuple(d for d in rows if d.owner_id != person.pk and d.sharing == Sharing.TEAM)[
        :LIST_MAX
    ]
    everyone = tuple(d for d in rows if d.owner_id != person.pk and d.sharing == Sharing.WORKSPACE)[
        :LIST_MAX
    ]
    return (
        DashboardList("mine", _("My dashboards"), _("You have no dashboard yet."), mine),
        DashboardList(
            "team", _("Shared with my teams"), _("No dashboard is shared with your teams."), team
        ),
        DashboardList(
            "workspace",
            _("Shared with everyone"),
            _("No dashboard is shared with the whole workspace yet."),
            everyone,
        ),
    )


def dashboard_page(dashboard: Dashboard, viewer: Person, now: dt.datetime) -> dict[str, Any]:
    """What a dashboard's page (and its refresh) shows."""
    return {
        "dashboard": dashboard,
        "tiles": tile_views(dashboard, viewer, now),
        "refreshed_at": now,
        "tiles_url": reverse("dashboard_tiles", args=[dashboard.pk]),
    }


def _every(raw: str) -> int:
    return min(max(int(raw), TV_MIN), TV_MAX) if raw.isdigit() else TV_EVERY


def tv_page(person: Person, params: Any) -> dict[str, Any]:
    """The dashboards chosen for TV mode (those the person may see, in the order given),
    or, with none chosen, every dashboard they may see to choose from."""
    chosen: list[int] = []
    for raw in params.getlist("d")[:TV_MAX_DASHBOARDS]:
        if str(raw).isdigit() and int(raw) not in chosen:
            chosen.append(int(raw))
    every = _every(str(params.get("every", "")))
    found = {d.pk: d for d in visible_dashboards(person).filter(pk__in=chosen)}
    shows = [found[pk] for pk in chosen if pk in found]
    return {
        "every": every,
        "shows": shows,
        "slides": [
            {
                "id": d.pk,
                "title": d.title,
                "url": reverse("dashboard_tiles", args=[d.pk]) + "?tv=1",
            }
            for d in shows
        ],
        "choices": []
        if shows
        else list(visible_dashboards(person).order_by("title", "id")[:LIST_MAX]),
        "every_choices": (30, 60, 120, 300),
    }


def find_link(raw: str, now: dt.datetime) -> tuple[ShareLink | None, bool]:
    """The share link a token names, and whether it works (not revoked, not expired, its
    maker still active and still allowed to see the dashboard). The stored hash is compared
    in constant time."""
    wanted = token_hash(raw)
    link = (
        ShareLink.objects.select_related(
            "dashboard", "dashboard__workspace", "created_by", "created_by__workspace"
        )
        .filter(token_hash=wanted)
        .first()
    )
    if link is None or not hmac.compare_digest(link.token_hash, wanted):
        return None, False
    maker = link.created_by
    working = (
        link.working(now)
        and maker is not None
        and maker.is_active
        and can_see(maker, link.dashboard)
    )
    return link, working


def shared_page(link: ShareLink, now: dt.datetime) -> dict[str, Any]:
    """A dashboard through a share link: its tiles as the link's maker may see them."""
    maker = link.created_by
    assert maker is not None
    return {
        "dashboard": link.dashboard,
        "tiles": tile_views(link.dashboard, maker, now),
        "refreshed_at": now,
        "public": True,
    }

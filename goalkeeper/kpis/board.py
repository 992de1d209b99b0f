"""The KPI board: one page of KPIs, searched, filtered and sorted in SQL.

Bounded whatever the number of KPIs: the health counts are one grouped query over the
stored figures (`goalkeeper.kpis.figures.health_now`), the page is at most `page_size`
rows, and only those rows get their sparkline and trend (`queries.kpi_statuses`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.domain.coach import MAX_TEAM_KPIS, MIN_TEAM_KPIS, Remark, coach_team
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.periods import Frequency
from goalkeeper.kpis.figures import change_now, health_now, movement_now
from goalkeeper.kpis.labels import FREQUENCY_LABELS
from goalkeeper.kpis.limits import signal_now
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.queries import (
    HEALTH_ORDER,
    KPI_COACH_CODES,
    Choice,
    HealthCount,
    KpiTile,
    TeamRemark,
    kpi_statuses,
    tile_of,
)

# Cards fill rows of 1 to 4 columns; the compact table shows more at once.
CARDS_PAGE_SIZE = 48
TABLE_PAGE_SIZE = 100
# Past this many teams the team filter is a chip (set from a KPI's team), not a select.
MAX_TEAM_CHOICES = 60
# Teams the coach speaks of on the board; the rest are counted.
MAX_REMARKS = 8
MAX_SEARCH = 100
# The annotation `matching_kpis` adds (the stored health read at the clock's instant).
HEALTH_NOW = "health_now"
# The annotation of the stored signal read at the clock's instant ("" for none).
SIGNAL_NOW = "signal_now"


class Sort(StrEnum):
    """How the board orders its KPIs."""

    HEALTH = "health"
    NAME = "name"
    TEAM = "team"
    CHANGE = "change"


SORT_LABELS: dict[Sort, StrOrPromise] = {
    Sort.HEALTH: _("Health, worst first"),
    Sort.NAME: _("Name"),
    Sort.TEAM: _("Team"),
    Sort.CHANGE: _("Biggest change"),
}


class View(StrEnum):
    """Cards (with sparklines) or a compact table."""

    CARDS = "cards"
    TABLE = "table"


@dataclass(frozen=True)
class BoardFilters:
    """What the board shows; empty strings mean "all". Every field is a URL parameter."""

    team: str = ""
    owner: str = ""
    health: str = ""
    frequency: str = ""
    q: str = ""
    archived: bool = False
    # Only KPIs whose latest complete period shows a process signal (docs/signals.md).
    signal: bool = False
    sort: Sort = Sort.HEALTH
    view: View = View.CARDS
    page: int = 1

    @property
    def active(self) -> bool:
        """Whether anything narrows the board."""
        return any(
            (self.team, self.owner, self.health, self.frequency, self.q, self.archived, self.signal)
        )

    def query(self, **changes: Any) -> str:
        """These parameters as a query string, with `changes` applied; defaults dropped.

        Any change but the page's goes back to the first page.
        """
        values: dict[str, Any] = {
            "q": self.q,
            "team": self.team,
            "owner": self.owner,
            "health": self.health,
            "frequency": self.frequency,
            "archived": "1" if self.archived else "",
            "signal": "1" if self.signal else "",
            "sort": "" if self.sort is Sort.HEALTH else self.sort.value,
            "view": "" if self.view is View.CARDS else self.view.value,
            "page": "",
        }
        if "page" in changes:
            page = int(changes.pop("page"))
            values["page"] = str(page) if page > 1 else ""
        values.update(changes)
        return urlencode({name: value for name, value in values.items() if value})

    @property
    def without_q(self) -> str:
        """The query string with the search cleared."""
        return self.query(q="")

    @property
    def without_team(self) -> str:
        """The query string with the team filter cleared."""
        return self.query(team="")

    @property
    def without_owner(self) -> str:
        """The query string with the owner filter cleared."""
        return self.query(owner="")


@dataclass(frozen=True)
class BoardPage:
    """Where a board page sits among all its matching KPIs."""

    number: int
    pages: int
    size: int
    first: int
    last: int
    previous_query: str | None
    next_query: str | None


@dataclass(frozen=True)
class BoardRow:
    """One KPI on the page: its tile, and its stored relative change (None: no move)."""

    tile: KpiTile
    change: float | None


@dataclass(frozen=True)
class KpiBoard:
    """One page of the KPI board of a workspace or of one team."""

    rows: tuple[BoardRow, ...]
    counts: tuple[HealthCount, ...]
    filters: BoardFilters
    team: Team | None
    owner: Person | None
    mine: bool
    teams: tuple[Choice, ...]
    frequencies: tuple[Choice, ...]
    sorts: tuple[Choice, ...]
    remarks: tuple[TeamRemark, ...]
    more_remarks: int
    # KPIs matching every filter but health (what the counts add up to), and with it.
    total: int
    matching: int
    page: BoardPage
    # KPIs matching every filter but health that show a process signal.
    signalling: int = 0

    @property
    def tiles(self) -> tuple[KpiTile, ...]:
        """The page's tiles, in board order."""
        return tuple(row.tile for row in self.rows)


def parse_filters(params: Any) -> BoardFilters:
    """Board parameters from a query string; unknown values are ignored, not errors."""

    def text(name: str) -> str:
        return str(params.get(name, "") or "").strip()

    def number(name: str) -> str:
        value = text(name)
        return value if value.isdigit() else ""

    def choice(name: str, allowed: set[str]) -> str:
        value = text(name)
        return value if value in allowed else ""

    owner = text("owner")
    page = text("page")
    return BoardFilters(
        team=number("team"),
        owner=owner if owner == "mine" or owner.isdigit() else "",
        health=choice("health", {h.value for h in Health}),
        frequency=choice("frequency", {f.value for f in Frequency}),
        q=" ".join(text("q").split())[:MAX_SEARCH],
        archived=text("archived") in {"1", "true", "on"},
        signal=text("signal") in {"1", "true", "on"},
        sort=Sort(choice("sort", {s.value for s in Sort}) or Sort.HEALTH.value),
        view=View(choice("view", {v.value for v in View}) or View.CARDS.value),
        page=min(int(page), 1_000_000) if page.isdigit() and int(page) > 0 else 1,
    )


def matching_kpis(
    workspace: Workspace,
    now: dt.datetime,
    filters: BoardFilters,
    person: Person | None,
    *,
    with_archived: bool = False,
) -> QuerySet[Kpi]:
    """The workspace's KPIs narrowed by every filter but health, with `health_now`,
    `change_now` and `signal_now` annotated from the stored figures; archived ones as
    `filters.archived` says, or besides the others `with_archived` (the API's default)."""
    kpis = Kpi.objects.filter(workspace=workspace)
    if not with_archived:
        kpis = kpis.filter(archived_at__isnull=not filters.archived)
    if filters.team:
        kpis = kpis.filter(team_id=int(filters.team))
    if filters.owner == "mine":
        kpis = kpis.filter(owner_id=person.pk if person is not None else None)
    elif filters.owner:
        kpis = kpis.filter(owner_id=int(filters.owner))
    if filters.frequency:
        kpis = kpis.filter(frequency=filters.frequency)
    if filters.q:
        for word in filters.q.split():
            kpis = kpis.filter(Q(name__icontains=word) | Q(team__name__icontains=word))
    kpis = kpis.annotate(
        health_now=health_now(now), change_now=change_now(now), signal_now=signal_now(now)
    )
    if filters.signal:
        kpis = kpis.exclude(**{SIGNAL_NOW: ""})
    return kpis


def ordered(kpis: QuerySet[Kpi], sort: Sort, now: dt.datetime) -> QuerySet[Kpi]:
    """`kpis` (from `matching_kpis`) in the order `sort` names, ties by name then id."""
    if sort is Sort.NAME:
        return kpis.order_by(Lower("name"), "id")
    if sort is Sort.TEAM:
        return kpis.order_by(Lower("team__name"), Lower("name"), "id")
    if sort is Sort.CHANGE:
        return kpis.annotate(movement=movement_now(now)).order_by(
            F("movement").desc(nulls_last=True), Lower("name"), "id"
        )
    rank = health_now(now, rank=HEALTH_ORDER)
    return kpis.annotate(rank=rank).order_by("rank", "team__name", "name", "id")


def kpi_board(
    workspace: Workspace,
    now: dt.datetime,
    filters: BoardFilters,
    person: Person | None = None,
) -> KpiBoard:
    """One page of the board, with the health counts of every KPI matching the filters.

    A fixed number of queries whatever the number of KPIs: the counts (grouped in SQL),
    the page's KPIs (with team, owner and their source's status), one aggregate per
    frequency on the page, the teams, the per-team KPI counts and the chips' rows.
    """
    matching = matching_kpis(workspace, now, filters, person)
    grouped = list(
        matching.order_by()
        .values(*[HEALTH_NOW])
        .annotate(n=Count("id"), signalling=Count("id", filter=~Q(**{SIGNAL_NOW: ""})))
        .values_list("health_now", "n", "signalling")
    )
    counted = {health: n for health, n, _ in grouped}
    signalling = sum(s for _, _, s in grouped)
    total = sum(counted.values())
    shown = counted.get(filters.health, 0) if filters.health else total
    size = TABLE_PAGE_SIZE if filters.view is View.TABLE else CARDS_PAGE_SIZE
    pages = max(math.ceil(shown / size), 1)
    number = min(filters.page, pages)
    filters = replace(filters, page=number)
    kpis_qs = matching.filter(**{HEALTH_NOW: filters.health}) if filters.health else matching
    offset = (number - 1) * size
    # The page's ids first: the sort then carries one narrow column per KPI, not rows
    # joined with their team, owner and source.
    ids = list(
        ordered(kpis_qs, filters.sort, now).values_list("id", flat=True)[offset : offset + size]
    )
    found = {
        kpi.pk: kpi
        for kpi in Kpi.objects.filter(pk__in=ids)
        .select_related("team", "owner")
        # The source's status rides along in the same query (a LEFT JOIN), for the tiles.
        .annotate(source_status=F("source__status"), change_now=change_now(now))
    }
    kpis = [found[pk] for pk in ids if pk in found]
    statuses = kpi_statuses(kpis, workspace, now)
    rows = tuple(
        BoardRow(tile_of(kpi, statuses[kpi.pk], now), getattr(kpi, "change_now", None))
        for kpi in kpis
    )
    team = (
        Team.objects.filter(workspace=workspace, pk=int(filters.team)).first()
        if filters.team
        else None
    )
    owner = (
        Person.objects.filter(workspace=workspace, pk=int(filters.owner)).first()
        if filters.owner.isdigit()
        else None
    )
    teams = list(
        Team.objects.filter(workspace=workspace, archived_at__isnull=True).order_by("name", "id")[
            : MAX_TEAM_CHOICES + 1
        ]
    )
    remarks, flagged_teams = _team_remarks(workspace, team)
    return KpiBoard(
        rows=rows,
        counts=tuple(
            HealthCount(
                health,
                counted.get(health.value, 0),
                filters.query(health="" if filters.health == health else health.value),
            )
            for health in HEALTH_ORDER
        ),
        filters=filters,
        team=team,
        owner=owner,
        mine=filters.owner == "mine",
        teams=tuple(Choice(str(t.pk), t.name) for t in teams)
        if len(teams) <= MAX_TEAM_CHOICES
        else (),
        frequencies=tuple(Choice(f.value, str(label)) for f, label in FREQUENCY_LABELS.items()),
        sorts=tuple(Choice(s.value, str(label)) for s, label in SORT_LABELS.items()),
        remarks=tuple(remarks),
        more_remarks=max(flagged_teams - len(remarks), 0),
        total=total,
        signalling=signalling,
        matching=shown,
        page=BoardPage(
            number=number,
            pages=pages,
            size=size,
            first=offset + 1 if kpis else 0,
            last=offset + len(kpis),
            previous_query=filters.query(page=number - 1) if number > 1 else None,
            next_query=filters.query(page=number + 1) if number < pages else None,
        ),
    )


def _in_words(remark: Remark, count: int) -> Remark:
    """The domain's remark on a team's KPI count in the reader's language."""
    if remark.code == "too_many_kpis":
        message = gettext("This team tracks %(count)s KPIs; %(most)s or fewer keep them readable.")
        why = gettext("When everything is a key indicator, nothing is watched closely.")
        return replace(remark, message=message % {"count": count, "most": MAX_TEAM_KPIS}, why=why)
    if remark.code == "too_few_kpis":
        message = ngettext(
            "This team tracks %(count)s KPI; at least %(least)s give a view of its health.",
            "This team tracks %(count)s KPIs; at least %(least)s give a view of its health.",
            count,
        )
        why = gettext("A team that measures too little notices problems only when they are large.")
        return replace(remark, message=message % {"count": count, "least": MIN_TEAM_KPIS}, why=why)
    return remark


def _team_remarks(workspace: Workspace, only: Team | None) -> tuple[list[TeamRemark], int]:
    """The coach on the teams' KPI counts (more than 12 or fewer than 3): the first
    MAX_REMARKS teams it speaks of, and how many it speaks of in all. The database
    groups and picks the teams, so the rows read stay bounded however many teams there are.
    """
    teams = Team.objects.filter(workspace=workspace, archived_at__isnull=True)
    if only is not None:
        teams = teams.filter(pk=only.pk)
    flagged = (
        teams.annotate(n=Count("kpis", filter=Q(kpis__archived_at__isnull=True)))
        .filter(Q(n__gt=MAX_TEAM_KPIS) | Q(n__lt=MIN_TEAM_KPIS))
        .order_by("name", "id")
    )
    remarks = []
    for team_id, name, count in flagged.values_list("pk", "name", "n")[:MAX_REMARKS]:
        for remark in coach_team(count, 0):
            if remark.code in KPI_COACH_CODES:
                remarks.append(TeamRemark(team_id, name, count, _in_words(remark, count)))
    return remarks, flagged.count()

"""The search's reads: one query per kind, a bounded number of rows whatever the data size.

Everything a member of the workspace may open is searched: objectives (of every cycle),
key results, KPIs not archived, active people and teams not archived. Nothing of another
workspace is ever read. Hits are ranked in SQL: titles that start with the query before
those that only contain it; objectives and key results of active cycles before planning
ones, then closed ones, newest first. Each kind fetches one row more than it shows, to know
whether to offer "more" without counting. See docs/navigation.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Person, Team
from goalkeeper.kpis.figures import health_now
from goalkeeper.kpis.models import Kpi
from goalkeeper.links import url_maker
from goalkeeper.okrs.models import CycleState, KeyResult, Objective

# Hits shown per kind on the search page and in the palette.
LIMIT = 8
# Hits shown when one kind is asked for ("more").
KIND_LIMIT = 50
# Longer queries are cut: no title is this long, and LIKE patterns stay cheap.
QUERY_MAX = 100
# A query of more words than this matches on its first ones only.
WORDS_MAX = 6

KINDS = ("objective", "key_result", "kpi", "person", "team")


@dataclass(frozen=True)
class Hit:
    """One thing found: what to show, where it leads, and its context (team, cycle...)."""

    kind: str
    id: int
    title: str
    url: str
    context: tuple[str, ...] = ()
    # A KPI's health, or an objective's cycle's state, for the badge beside the hit.
    tone: str = ""


@dataclass(frozen=True)
class Group:
    """The hits of one kind, best first; `more_url` is "" when all of them are shown."""

    kind: str
    label: str | Promise
    hits: tuple[Hit, ...]
    more_url: str


@dataclass(frozen=True)
class Results:
    q: str
    groups: tuple[Group, ...]

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def clean_query(raw: str) -> str:
    """The typed text, its spaces folded and its length bounded."""
    return " ".join(str(raw).split())[:QUERY_MAX]


def _matching(rows: QuerySet[Any], q: str, field: str) -> QuerySet[Any]:
    """`rows` whose `field` holds every word of `q`, those starting with `q` first."""
    for word in q.split()[:WORDS_MAX]:
        rows = rows.filter(**{f"{field}__icontains": word})
    prefix = Case(
        When(**{f"{field}__istartswith": q}, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    annotated: QuerySet[Any] = rows.annotate(_prefix=prefix)
    return annotated


def _cycle_rank(path: str) -> Case:
    """Active cycles first, then cycles in planning, then closed ones."""
    return Case(
        When(**{path: CycleState.ACTIVE}, then=Value(0)),
        When(**{path: CycleState.PLANNING}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _with_query(url: str, **params: Any) -> str:
    return f"{url}?{urlencode(params)}"


def _objectives(viewer: Person, q: str, limit: int) -> list[dict[str, Any]]:
    rows = Objective.objects.filter(workspace_id=viewer.workspace_id)
    return list(
        _matching(rows, q, "title")
        .annotate(_cycle=_cycle_rank("cycle__state"))
        .order_by("_prefix", "_cycle", "-cycle__start_date", "title", "pk")
        .values("pk", "title", "cycle__name", "cycle__state", "team__name")[: limit + 1]
    )


def _key_results(viewer: Person, q: str, limit: int) -> list[dict[str, Any]]:
    rows = KeyResult.objects.filter(workspace_id=viewer.workspace_id)
    return list(
        _matching(rows, q, "title")
        .annotate(_cycle=_cycle_rank("objective__cycle__state"))
        .order_by("_prefix", "_cycle", "-objective__cycle__start_date", "title", "pk")
        .values("pk", "title", "objective_id", "objective__title", "objective__cycle__name")[
            : limit + 1
        ]
    )


def _kpis(viewer: Person, q: str, limit: int) -> list[dict[str, Any]]:
    rows = Kpi.objects.filter(workspace_id=viewer.workspace_id, archived_at__isnull=True)
    return list(
        _matching(rows, q, "name")
        .annotate(_health=health_now(timezone.now()))
        .order_by("_prefix", "name", "pk")
        .values("pk", "name", "team__name", "_health")[: limit + 1]
    )


def _people(viewer: Person, q: str, limit: int) -> list[dict[str, Any]]:
    rows = Person.objects.filter(workspace_id=viewer.workspace_id, is_active=True)
    return list(
        _matching(rows, q, "name")
        .order_by("_prefix", "name", "pk")
        .values("pk", "name", "title")[: limit + 1]
    )


def _teams(viewer: Person, q: str, limit: int) -> list[dict[str, Any]]:
    rows = Team.objects.filter(workspace_id=viewer.workspace_id, archived_at__isnull=True)
    return list(
        _matching(rows, q, "name")
        .order_by("_prefix", "name", "pk")
        .values("pk", "name", "parent__name")[: limit + 1]
    )


def _search_url(q: str, kind: str) -> str:
    return _with_query(reverse("search"), q=q, kind=kind)


def _objective_group(viewer: Person, q: str, limit: int) -> Group:
    rows = _objectives(viewer, q, limit)
    url = url_maker("objective_detail")
    hits = tuple(
        Hit(
            "objective",
            row["pk"],
            row["title"],
            url(row["pk"]),
            (row["cycle__name"], row["team__name"]),
            row["cycle__state"],
        )
        for row in rows[:limit]
    )
    # The board of the working cycle, filtered by the same words.
    more = _with_query(reverse("cycles"), q=q) if len(rows) > limit else ""
    return Group("objective", _("Objectives"), hits, more)


def _key_result_group(viewer: Person, q: str, limit: int) -> Group:
    rows = _key_results(viewer, q, limit)
    url = url_maker("objective_detail")
    hits = tuple(
        Hit(
            "key_result",
            row["pk"],
            row["title"],
            f"{url(row['objective_id'])}#kr-{row['pk']}",
            (row["objective__title"], row["objective__cycle__name"]),
        )
        for row in rows[:limit]
    )
    more = _search_url(q, "key_result") if len(rows) > limit else ""
    return Group("key_result", _("Key results"), hits, more)


def _kpi_group(viewer: Person, q: str, limit: int) -> Group:
    rows = _kpis(viewer, q, limit)
    url = url_maker("kpi_detail")
    hits = tuple(
        Hit(
            "kpi",
            row["pk"],
            row["name"],
            url(row["pk"]),
            (row["team__name"],),
            row["_health"],
        )
        for row in rows[:limit]
    )
    more = _with_query(reverse("kpis"), q=q) if len(rows) > limit else ""
    return Group("kpi", _("KPIs"), hits, more)


def _person_group(viewer: Person, q: str, limit: int) -> Group:
    rows = _people(viewer, q, limit)
    board = reverse("cycles")
    hits = tuple(
        Hit(
            "person",
            row["pk"],
            row["name"],
            _with_query(board, owner=row["pk"]),
            (row["title"],) if row["title"] else (),
        )
        for row in rows[:limit]
    )
    more = ""
    if len(rows) > limit:
        people = _with_query(reverse("admin_people"), q=q)
        more = people if viewer.is_admin else _search_url(q, "person")
    return Group("person", _("People"), hits, more)


def _team_group(viewer: Person, q: str, limit: int) -> Group:
    rows = _teams(viewer, q, limit)
    board = reverse("cycles")
    hits = tuple(
        Hit(
            "team",
            row["pk"],
            row["name"],
            _with_query(board, team=row["pk"]),
            (row["parent__name"],) if row["parent__name"] else (),
        )
        for row in rows[:limit]
    )
    more = ""
    if len(rows) > limit:
        teams = _with_query(reverse("admin_teams"), q=q)
        more = teams if viewer.is_admin else _search_url(q, "team")
    return Group("team", _("Teams"), hits, more)


def search(
    viewer: Person,
    q: str,
    *,
    kinds: Sequence[str] = KINDS,
    limit: int = LIMIT,
) -> Results:
    """What `viewer` may open matching `q`, grouped by kind in the order of `kinds`; one
    query per kind, at most `limit` hits each. An empty query finds nothing (no query)."""
    q = clean_query(q)
    if not q:
        return Results(q, ())
    builders: dict[str, Callable[[], Group]] = {
        "objective": lambda: _objective_group(viewer, q, limit),
        "key_result": lambda: _key_result_group(viewer, q, limit),
        "kpi": lambda: _kpi_group(viewer, q, limit),
        "person": lambda: _person_group(viewer, q, limit),
        "team": lambda: _team_group(viewer, q, limit),
    }
    groups = (builders[kind]() for kind in kinds if kind in builders)
    return Results(q, tuple(group for group in groups if group.hits))

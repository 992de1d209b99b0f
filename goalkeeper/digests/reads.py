"""One workspace's week, read in a fixed number of set-based queries (docs/digests.md).

`load_week` reads everything every reminder and digest of a workspace needs at once: the
people, the teams and who leads them, the live key results and objectives of the active
cycles (through the OKR read model, `okrs.rows.load_rows`), the KPIs with their stored
health (`kpis.figures.health_now`), the week's check-ins and closed objectives, and the
open mention items. `digests.content` then cuts it per person without another query.
Nothing here recomputes a figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from goalkeeper.accounts.models import Membership, Person, Team, Workspace
from goalkeeper.domain.kpis import Health
from goalkeeper.kpis.figures import health_now
from goalkeeper.kpis.models import Kpi
from goalkeeper.notifications.models import Notification
from goalkeeper.okrs.models import CheckIn, Cycle, CycleState, Objective, ObjectiveState
from goalkeeper.okrs.rows import load_rows
from goalkeeper.okrs.view_models import KeyResultRow, ObjectiveRow

T = TypeVar("T")
K = TypeVar("K")
# How far back "this week" reaches in a digest: the seven days before it is built.
WINDOW = dt.timedelta(days=7)
# Each list in one digest stops at this many lines ("and 4 more").
LIST_MAX = 10
# At most this many of the week's check-ins are read per workspace (newest first).
CHECK_INS_MAX = 2000


@dataclass(frozen=True)
class PersonInfo:
    """A person who may receive mail: active, with an active login."""

    id: int
    name: str
    email: str
    role: str
    # Their own choice of language ("" for none: English in what is sent to them).
    language: str = ""


@dataclass(frozen=True)
class KpiInfo:
    """A KPI with its stored figures as they read now."""

    id: int
    name: str
    unit: str
    team_id: int
    owner_id: int | None
    health: str
    value: float | None


@dataclass(frozen=True)
class CheckInInfo:
    """One of the week's check-ins, with where it belongs."""

    id: int
    key_result_id: int
    key_result_title: str
    objective_id: int
    team_id: int
    author_name: str
    value: float | None
    done: bool
    confidence: int | None
    created_at: dt.datetime


@dataclass(frozen=True)
class ClosedInfo:
    """An objective closed during the week, with its final score."""

    id: int
    title: str
    team_id: int
    final_score: float | None


@dataclass(frozen=True)
class InboxInfo:
    """An open inbox item (a mention, a KPI health change) to point at."""

    person_id: int
    title: str
    url: str
    subject_id: int | None = None


@dataclass
class WorkspaceWeek:
    """Everything the week's mail of one workspace is made of."""

    workspace: Workspace
    now: dt.datetime
    since: dt.datetime
    people: dict[int, PersonInfo]
    teams: dict[int, str]
    company_team_ids: set[int]
    members: dict[int, set[int]]  # person id -> team ids
    leads: dict[int, set[int]]  # person id -> team ids they lead
    objectives: tuple[ObjectiveRow, ...]
    kpis: tuple[KpiInfo, ...]
    check_ins: tuple[CheckInInfo, ...]
    closed: tuple[ClosedInfo, ...]
    mentions: dict[int, list[InboxInfo]] = field(default_factory=dict)
    health_changes: tuple[InboxInfo, ...] = ()
    kpi_teams: dict[int, int] = field(default_factory=dict)  # changed KPI id -> team id

    # Indexes, built once per workspace: every digest looks things up by person or team,
    # so that building all of them stays linear in the size of the workspace.

    @cached_property
    def live_objectives(self) -> tuple[ObjectiveRow, ...]:
        """Objectives still judged by pace (neither they nor their cycle closed)."""
        return tuple(row for row in self.objectives if row.live)

    @cached_property
    def objectives_by_team(self) -> dict[int, list[ObjectiveRow]]:
        """Live objectives by team."""
        return _group(self.live_objectives, lambda row: row.team_id)

    @cached_property
    def key_results_by_owner(self) -> dict[int, list[KeyResultRow]]:
        """Key results of live objectives by owner."""
        rows = [kr for o in self.live_objectives for kr in o.key_results if kr.owner is not None]
        return _group(rows, lambda kr: kr.owner.id if kr.owner else 0)

    @cached_property
    def kpis_by_owner(self) -> dict[int | None, list[KpiInfo]]:
        """Red and stale KPIs by owner."""
        return _group(self.kpis, lambda kpi: kpi.owner_id)

    @cached_property
    def kpis_by_team(self) -> dict[int, list[KpiInfo]]:
        """Red and stale KPIs by team."""
        return _group(self.kpis, lambda kpi: kpi.team_id)

    @cached_property
    def check_ins_by_team(self) -> dict[int, list[CheckInInfo]]:
        """The week's check-ins by team, newest first."""
        return _group(self.check_ins, lambda check_in: check_in.team_id)

    @cached_property
    def closed_by_team(self) -> dict[int, list[ClosedInfo]]:
        """The week's closed objectives by team."""
        return _group(self.closed, lambda closed: closed.team_id)

    @cached_property
    def health_changes_by_team(self) -> dict[int | None, list[InboxInfo]]:
        """The week's KPI health changes by the KPI's team."""
        return _group(self.health_changes, lambda i: self.kpi_teams.get(i.subject_id or 0))


def _group(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    grouped: dict[K, list[T]] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return dict(grouped)


def load_week(workspace: Workspace, now: dt.datetime) -> WorkspaceWeek:
    """Read a workspace's week in a fixed number of queries, whatever its number of people.

    Five queries, plus two per active cycle (a workspace runs a handful at most).
    """
    clock = workspace.clock(now)
    since = now - WINDOW
    people = {
        row["id"]: PersonInfo(
            row["id"], row["name"], row["user__email"], row["role"], row["user__language"]
        )
        for row in Person.objects.filter(
            workspace=workspace, is_active=True, user__is_active=True
        ).values("id", "name", "role", "user__email", "user__language")
    }
    teams: dict[int, str] = {}
    company: set[int] = set()
    for row in Team.objects.filter(workspace=workspace, archived_at__isnull=True).values(
        "id", "name", "parent_id"
    ):
        teams[row["id"]] = row["name"]
        if row["parent_id"] is None:
            company.add(row["id"])
    members: dict[int, set[int]] = defaultdict(set)
    leads: dict[int, set[int]] = defaultdict(set)
    for member in Membership.objects.filter(
        team__workspace=workspace, team__archived_at__isnull=True
    ).values("person_id", "team_id", "is_lead"):
        members[member["person_id"]].add(member["team_id"])
        if member["is_lead"]:
            leads[member["person_id"]].add(member["team_id"])
    cycles = list(Cycle.objects.filter(workspace=workspace, state=CycleState.ACTIVE))
    objectives: list[ObjectiveRow] = []
    for cycle in cycles:
        objectives.extend(load_rows(workspace, cycle, clock))
    kpis = tuple(
        KpiInfo(
            id=row["id"],
            name=row["name"],
            unit=row["unit"],
            team_id=row["team_id"],
            owner_id=row["owner_id"],
            health=row["health_now"],
            value=row["period_value"],
        )
        for row in Kpi.objects.filter(workspace=workspace, archived_at__isnull=True)
        .annotate(health_now=health_now(now))
        .filter(health_now__in=[Health.RED, Health.STALE])
        .order_by("name", "id")
        .values("id", "name", "unit", "team_id", "owner_id", "health_now", "period_value")
    )
    check_ins = tuple(
        CheckInInfo(
            id=row["id"],
            key_result_id=row["key_result_id"],
            key_result_title=row["key_result__title"],
            objective_id=row["key_result__objective_id"],
            team_id=row["key_result__objective__team_id"],
            author_name=row["author__name"] or "Goalkeeper",
            value=row["value"],
            done=row["done"],
            confidence=row["confidence"],
            created_at=row["created_at"],
        )
        for row in CheckIn.objects.filter(
            key_result__objective__cycle__in=[cycle.pk for cycle in cycles],
            created_at__gte=since,
            created_at__lte=now,
        )
        .order_by("-created_at", "-id")
        .values(
            "id",
            "key_result_id",
            "key_result__title",
            "key_result__objective_id",
            "key_result__objective__team_id",
            "author__name",
            "value",
            "done",
            "confidence",
            "created_at",
        )[:CHECK_INS_MAX]
    )
    closed = tuple(
        ClosedInfo(row["id"], row["title"], row["team_id"], row["final_score"])
        for row in Objective.objects.filter(
            workspace=workspace,
            state=ObjectiveState.CLOSED,
            closed_at__gte=since,
            closed_at__lte=now,
        )
        .order_by("-closed_at", "id")
        .values("id", "title", "team_id", "final_score")[: LIST_MAX * 20]
    )
    mentions: dict[int, list[InboxInfo]] = defaultdict(list)
    for item in (
        Notification.objects.filter(
            workspace=workspace, kind="mention", done_at__isnull=True, person_id__in=list(people)
        )
        .order_by("-created_at", "-id")
        .values("person_id", "title", "url")[:CHECK_INS_MAX]
    ):
        mentions[item["person_id"]].append(InboxInfo(item["person_id"], item["title"], item["url"]))
    # A KPI's health change notifies its owner and watchers: one item per KPI is enough to
    # tell its teams; the KPI's team comes from the KPIs read below.
    changed: dict[int, InboxInfo] = {}
    for item in (
        Notification.objects.filter(
            workspace=workspace,
            subject_id__isnull=False,
            kind="kpi_health",
            subject_type="kpi",
            created_at__gte=since,
            created_at__lte=now,
        )
        .order_by("-created_at", "-id")
        .values("person_id", "title", "url", "subject_id")[:CHECK_INS_MAX]
    ):
        changed.setdefault(
            int(item["subject_id"] or 0),
            InboxInfo(item["person_id"], item["title"], item["url"], item["subject_id"]),
        )
    kpi_teams = dict(
        Kpi.objects.filter(workspace=workspace, pk__in=list(changed)).values_list("id", "team_id")
    )
    return WorkspaceWeek(
        workspace=workspace,
        now=now,
        since=since,
        people=people,
        teams=teams,
        company_team_ids=company,
        members=dict(members),
        leads=dict(leads),
        objectives=tuple(objectives),
        kpis=kpis,
        check_ins=check_ins,
        closed=closed,
        mentions=dict(mentions),
        health_changes=tuple(changed.values()),
        kpi_teams=kpi_teams,
    )

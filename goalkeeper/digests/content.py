"""What each reminder and digest says, cut per person from one `WorkspaceWeek`, no query.

    reminder   owners of key results waiting for a check-in this week
    personal   my key results (pace, confidence), my red and stale KPIs, what changed in my
               teams, what mentions me
    team       for each team lead: the team's at-risk and off-track objectives, red KPIs,
               the team's check-in rate
    company    for admins: at-risk and off-track objectives (company level first), red KPIs,
               the check-in rate per team

A digest with nothing to say is not sent (`Digest.empty`); see docs/digests.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from goalkeeper.accounts.models import Role
from goalkeeper.digests import links
from goalkeeper.digests.models import DigestKind
from goalkeeper.digests.reads import LIST_MAX, KpiInfo, PersonInfo, WorkspaceWeek
from goalkeeper.domain.formatting import with_unit
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.rhythm import Week
from goalkeeper.okrs.view_models import KeyResultRow, ObjectiveRow

WORRYING = (PaceStatus.OFF_TRACK, PaceStatus.AT_RISK)
PACE_LABELS = {
    PaceStatus.ON_TRACK: "On track",
    PaceStatus.AT_RISK: "At risk",
    PaceStatus.OFF_TRACK: "Off track",
    PaceStatus.NOT_STARTED: "Not started",
    PaceStatus.STALE: "Stale",
}
HEALTH_LABELS: dict[str, str] = {Health.RED: "Red", Health.STALE: "Stale"}


@dataclass(frozen=True)
class Line:
    """One line of a digest: a thing, its status and a link that opens it."""

    title: str
    url: str
    status: str = ""  # a pace status or a KPI health, for the colour
    label: str = ""  # the status in words
    detail: str = ""  # "62% · confidence 7", "Sales", "4 of 9 checked in"
    progress: float | None = None  # 0..1 for a progress bar


@dataclass(frozen=True)
class Section:
    """A titled list of lines; `more` counts the lines left out."""

    title: str
    lines: tuple[Line, ...]
    more: int = 0
    note: str = ""


@dataclass(frozen=True)
class Digest:
    """One message for one person: what the templates, the subject and chat render."""

    kind: str
    person: PersonInfo
    week: Week
    workspace_name: str
    headline: str
    sections: tuple[Section, ...]
    team_id: int | None = None
    team_name: str = ""
    action_url: str = ""
    action_label: str = ""
    waiting: int = 0

    @property
    def empty(self) -> bool:
        """Nothing to say: no section holds a line."""
        return not any(section.lines for section in self.sections)

    @property
    def subject(self) -> str:
        """The subject line of the email."""
        if self.kind == DigestKind.REMINDER:
            noun = "key result" if self.waiting == 1 else "key results"
            return f"Check-in time: {self.waiting} {noun} waiting for you"
        if self.kind == DigestKind.PERSONAL:
            if self.waiting:
                noun = "key result" if self.waiting == 1 else "key results"
                return f"Your week in Goalkeeper: {self.waiting} {noun} waiting"
            return "Your week in Goalkeeper"
        if self.kind == DigestKind.TEAM:
            return f"{self.team_name} this week in Goalkeeper"
        return f"{self.workspace_name} this week in Goalkeeper"


def _section(title: str, lines: Iterable[Line], note: str = "") -> Section:
    every = list(lines)
    return Section(title, tuple(every[:LIST_MAX]), max(len(every) - LIST_MAX, 0), note)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _key_result_line(row: KeyResultRow) -> Line:
    confidence = "" if row.confidence is None else f" · confidence {row.confidence}/10"
    return Line(
        title=row.title,
        url=links.objective(row.objective_id),
        status=str(row.status),
        label=PACE_LABELS.get(row.status, str(row.status)),
        detail=f"{row.objective_title} · {_percent(row.progress)}{confidence}",
        progress=row.score,
    )


def _objective_line(row: ObjectiveRow) -> Line:
    return Line(
        title=row.title,
        url=links.objective(row.id),
        status=str(row.status),
        label=PACE_LABELS.get(row.status, str(row.status)),
        detail=f"{row.team_name} · {_percent(row.progress)}",
        progress=row.progress,
    )


def _kpi_lines(week: WorkspaceWeek, kpis: Iterable[KpiInfo]) -> Iterator[Line]:
    for kpi in kpis:
        value = "no value" if kpi.value is None else with_unit(kpi.value, kpi.unit)
        yield Line(
            title=kpi.name,
            url=links.kpi(kpi.id),
            status=kpi.health,
            label=HEALTH_LABELS.get(kpi.health, kpi.health),
            detail=f"{week.teams.get(kpi.team_id, '')} · {value}",
        )


def waiting_key_results(week: WorkspaceWeek, person_id: int) -> list[KeyResultRow]:
    """The person's key results with no check-in since this week began (docs/digests.md)."""
    return [row for row in week.key_results_by_owner.get(person_id, []) if row.due]


def check_in_rate(week: WorkspaceWeek, team_id: int) -> tuple[int, int]:
    """(checked in during the last seven days, all) of the team's live key results."""
    rows = [kr for o in week.objectives_by_team.get(team_id, []) for kr in o.key_results]
    checked = sum(
        1 for kr in rows if kr.last_check_in_at is not None and kr.last_check_in_at >= week.since
    )
    return checked, len(rows)


def _rate_line(week: WorkspaceWeek, team_id: int) -> Line | None:
    checked, total = check_in_rate(week, team_id)
    if not total:
        return None
    share = checked / total
    status = "on_track" if share >= 0.7 else "at_risk" if share >= 0.4 else "off_track"
    return Line(
        title=week.teams.get(team_id, ""),
        url=links.team_board(),
        status=status,
        label=_percent(share),
        detail=f"{checked} of {total} key results checked in",
        progress=share,
    )


def reminder(week: WorkspaceWeek, person: PersonInfo, of: Week) -> Digest:
    """The check-in reminder: the key results waiting for the person's check-in."""
    waiting = waiting_key_results(week, person.id)
    return Digest(
        kind=DigestKind.REMINDER,
        person=person,
        week=of,
        workspace_name=week.workspace.name,
        headline=f"{len(waiting)} of your key results have no check-in yet this week.",
        sections=(_section("Waiting for your check-in", map(_key_result_line, waiting)),),
        action_url=links.check_in_all(),
        action_label="Check in now",
        waiting=len(waiting),
    )


def personal(week: WorkspaceWeek, person: PersonInfo, of: Week) -> Digest:
    """The personal digest."""
    mine = week.key_results_by_owner.get(person.id, [])
    waiting = sum(1 for row in mine if row.due)
    my_kpis = week.kpis_by_owner.get(person.id, [])
    teams = sorted(week.members.get(person.id, set()))
    changes = [
        Line(
            title=check_in.key_result_title,
            url=links.objective(check_in.objective_id),
            label="Check-in",
            detail=f"{check_in.author_name} · {week.teams.get(check_in.team_id, '')}",
        )
        for team_id in teams
        for check_in in week.check_ins_by_team.get(team_id, [])
    ]
    changes += [
        Line(
            title=closed.title,
            url=links.objective(closed.id),
            label="Closed",
            detail=f"{week.teams.get(closed.team_id, '')} · final score "
            + ("-" if closed.final_score is None else f"{closed.final_score:.1f}"),
        )
        for team_id in teams
        for closed in week.closed_by_team.get(team_id, [])
    ]
    changes += [
        Line(title=item.title, url=links.on_site(item.url), label="KPI health")
        for team_id in teams
        for item in week.health_changes_by_team.get(team_id, [])
    ]
    mentions = [
        Line(title=item.title, url=links.on_site(item.url), label="Mention")
        for item in week.mentions.get(person.id, [])
    ]
    return Digest(
        kind=DigestKind.PERSONAL,
        person=person,
        week=of,
        workspace_name=week.workspace.name,
        headline=(
            f"{waiting} of your key results are waiting for a check-in."
            if waiting
            else "Here is how your goals stand this week."
        ),
        sections=(
            _section("Your key results", map(_key_result_line, mine)),
            _section("Your red and stale KPIs", _kpi_lines(week, my_kpis)),
            _section("What changed in your teams", changes),
            _section("What mentions you", mentions),
        ),
        action_url=links.check_in_all() if waiting else links.inbox(),
        action_label="Check in now" if waiting else "Open your inbox",
        waiting=waiting,
    )


def team(week: WorkspaceWeek, person: PersonInfo, of: Week, team_id: int) -> Digest:
    """The team digest of one team, for one of its leads."""
    worrying = [row for row in week.objectives_by_team.get(team_id, []) if row.status in WORRYING]
    red = [kpi for kpi in week.kpis_by_team.get(team_id, []) if kpi.health == Health.RED]
    rate = _rate_line(week, team_id)
    name = week.teams.get(team_id, "")
    return Digest(
        kind=DigestKind.TEAM,
        person=person,
        week=of,
        workspace_name=week.workspace.name,
        headline=f"{len(worrying)} objectives at risk or off track, {len(red)} red KPIs.",
        sections=(
            _section("Objectives at risk or off track", map(_objective_line, worrying)),
            _section("Red KPIs", _kpi_lines(week, red)),
            _section("Check-ins in the last seven days", [rate] if rate else []),
        ),
        team_id=team_id,
        team_name=name,
        action_url=links.team_board(),
        action_label="Open the objectives",
    )


def company(week: WorkspaceWeek, person: PersonInfo, of: Week) -> Digest:
    """The company digest, for admins."""
    worrying = sorted(
        (row for row in week.live_objectives if row.status in WORRYING),
        key=lambda row: (not row.company_level, row.status != PaceStatus.OFF_TRACK),
    )
    red = [kpi for kpi in week.kpis if kpi.health == Health.RED]
    rates = [line for team_id in week.teams if (line := _rate_line(week, team_id)) is not None]
    rates.sort(key=lambda line: (line.progress or 0.0, line.title))
    top = sum(1 for row in worrying if row.company_level)
    return Digest(
        kind=DigestKind.COMPANY,
        person=person,
        week=of,
        workspace_name=week.workspace.name,
        headline=(
            f"{len(worrying)} objectives at risk or off track ({top} at the company level), "
            f"{len(red)} red KPIs."
        ),
        sections=(
            _section("Objectives at risk or off track", map(_objective_line, worrying)),
            _section("Red KPIs", _kpi_lines(week, red)),
            _section("Check-in rate per team, lowest first", rates),
        ),
        action_url=links.team_board(),
        action_label="Open the objectives",
    )


def digests_for(week: WorkspaceWeek, kind: str, of: Week) -> Iterator[Digest]:
    """Every message of `kind` the workspace's people would get, empty ones included."""
    for person in week.people.values():
        if kind == DigestKind.REMINDER:
            yield reminder(week, person, of)
        elif kind == DigestKind.PERSONAL:
            yield personal(week, person, of)
        elif kind == DigestKind.TEAM:
            for team_id in sorted(week.leads.get(person.id, set())):
                if team_id in week.teams:
                    yield team(week, person, of, team_id)
        elif kind == DigestKind.COMPANY and person.role == Role.ADMIN:
            yield company(week, person, of)

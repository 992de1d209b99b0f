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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from goalkeeper.accounts.models import Role
from goalkeeper.digests import links
from goalkeeper.digests.models import DigestKind
from goalkeeper.digests.reads import LIST_MAX, KpiInfo, PersonInfo, WorkspaceWeek
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.rhythm import Week
from goalkeeper.l10n import score1, with_unit
from goalkeeper.okrs.view_models import KeyResultRow, ObjectiveRow

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WORRYING = (PaceStatus.OFF_TRACK, PaceStatus.AT_RISK)
PACE_LABELS = {
    PaceStatus.ON_TRACK: gettext_lazy("On track"),
    PaceStatus.AT_RISK: gettext_lazy("At risk"),
    PaceStatus.OFF_TRACK: gettext_lazy("Off track"),
    PaceStatus.NOT_STARTED: gettext_lazy("Not started"),
    PaceStatus.STALE: gettext_lazy("Stale"),
}
HEALTH_LABELS: dict[str, StrOrPromise] = {
    Health.RED: gettext_lazy("Red"),
    Health.STALE: gettext_lazy("Stale"),
}


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
    # The language it was written in (the recipient's): its subject and email follow it.
    language: str = field(default_factory=lambda: translation.get_language() or "en")

    @property
    def empty(self) -> bool:
        """Nothing to say: no section holds a line."""
        return not any(section.lines for section in self.sections)

    @property
    def subject(self) -> str:
        """The subject line of the email, in the digest's language."""
        with translation.override(self.language):
            return self._subject()

    def _subject(self) -> str:
        if self.kind == DigestKind.REMINDER:
            return ngettext(
                "Check-in time: %(count)s key result waiting for you",
                "Check-in time: %(count)s key results waiting for you",
                self.waiting,
            ) % {"count": self.waiting}
        if self.kind == DigestKind.PERSONAL:
            if self.waiting:
                return ngettext(
                    "Your week in Goalkeeper: %(count)s key result waiting",
                    "Your week in Goalkeeper: %(count)s key results waiting",
                    self.waiting,
                ) % {"count": self.waiting}
            return _("Your week in Goalkeeper")
        if self.kind == DigestKind.TEAM:
            return _("%(team)s this week in Goalkeeper") % {"team": self.team_name}
        return _("%(workspace)s this week in Goalkeeper") % {"workspace": self.workspace_name}


def _section(title: str, lines: Iterable[Line], note: str = "") -> Section:
    every = list(lines)
    return Section(title, tuple(every[:LIST_MAX]), max(len(every) - LIST_MAX, 0), note)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _objectives(count: int) -> str:
    return ngettext("%(count)s objective", "%(count)s objectives", count) % {"count": count}


def _red_kpis(count: int) -> str:
    return ngettext("%(count)s red KPI", "%(count)s red KPIs", count) % {"count": count}


def _key_result_line(row: KeyResultRow) -> Line:
    confidence = (
        ""
        if row.confidence is None
        else " · " + _("confidence %(confidence)s/10") % {"confidence": row.confidence}
    )
    return Line(
        title=row.title,
        url=links.objective(row.objective_id),
        status=str(row.status),
        label=str(PACE_LABELS.get(row.status, str(row.status))),
        detail=f"{row.objective_title} · {_percent(row.progress)}{confidence}",
        progress=row.score,
    )


def _objective_line(row: ObjectiveRow) -> Line:
    return Line(
        title=row.title,
        url=links.objective(row.id),
        status=str(row.status),
        label=str(PACE_LABELS.get(row.status, str(row.status))),
        detail=f"{row.team_name} · {_percent(row.progress)}",
        progress=row.progress,
    )


def _kpi_lines(week: WorkspaceWeek, kpis: Iterable[KpiInfo]) -> Iterator[Line]:
    for kpi in kpis:
        value = _("no value") if kpi.value is None else with_unit(kpi.value, kpi.unit)
        yield Line(
            title=kpi.name,
            url=links.kpi(kpi.id),
            status=kpi.health,
            label=str(HEALTH_LABELS.get(kpi.health, kpi.health)),
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
        detail=ngettext(
            "%(checked)s of %(total)s key result checked in",
            "%(checked)s of %(total)s key results checked in",
            total,
        )
        % {"checked": checked, "total": total},
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
        headline=ngettext(
            "%(count)s of your key results has no check-in yet this week.",
            "%(count)s of your key results have no check-in yet this week.",
            len(waiting),
        )
        % {"count": len(waiting)},
        sections=(_section(_("Waiting for your check-in"), map(_key_result_line, waiting)),),
        action_url=links.check_in_all(),
        action_label=_("Check in now"),
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
            label=_("Check-in"),
            detail=f"{check_in.author_name} · {week.teams.get(check_in.team_id, '')}",
        )
        for team_id in teams
        for check_in in week.check_ins_by_team.get(team_id, [])
    ]
    changes += [
        Line(
            title=closed.title,
            url=links.objective(closed.id),
            label=_("Closed"),
            detail=f"{week.teams.get(closed.team_id, '')} · "
            + _("final score %(score)s")
            % {"score": "-" if closed.final_score is None else score1(closed.final_score)},
        )
        for team_id in teams
        for closed in week.closed_by_team.get(team_id, [])
    ]
    changes += [
        Line(title=item.title, url=links.on_site(item.url), label=_("KPI health"))
        for team_id in teams
        for item in week.health_changes_by_team.get(team_id, [])
    ]
    mentions = [
        Line(title=item.title, url=links.on_site(item.url), label=_("Mention"))
        for item in week.mentions.get(person.id, [])
    ]
    return Digest(
        kind=DigestKind.PERSONAL,
        person=person,
        week=of,
        workspace_name=week.workspace.name,
        headline=(
            ngettext(
                "%(count)s of your key results is waiting for a check-in.",
                "%(count)s of your key results are waiting for a check-in.",
                waiting,
            )
            % {"count": waiting}
            if waiting
            else _("Here is how your goals stand this week.")
        ),
        sections=(
            _section(_("Your key results"), map(_key_result_line, mine)),
            _section(_("Your red and stale KPIs"), _kpi_lines(week, my_kpis)),
            _section(_("What changed in your teams"), changes),
            _section(_("What mentions you"), mentions),
        ),
        action_url=links.check_in_all() if waiting else links.inbox(),
        action_label=_("Check in now") if waiting else _("Open your inbox"),
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
        headline=_("%(objectives)s at risk or off track, %(kpis)s.")
        % {"objectives": _objectives(len(worrying)), "kpis": _red_kpis(len(red))},
        sections=(
            _section(_("Objectives at risk or off track"), map(_objective_line, worrying)),
            _section(_("Red KPIs"), _kpi_lines(week, red)),
            _section(_("Check-ins in the last seven days"), [rate] if rate else []),
        ),
        team_id=team_id,
        team_name=name,
        action_url=links.team_board(),
        action_label=_("Open the objectives"),
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
        headline=_("%(objectives)s at risk or off track (%(top)s at the company level), %(kpis)s.")
        % {"objectives": _objectives(len(worrying)), "top": top, "kpis": _red_kpis(len(red))},
        sections=(
            _section(_("Objectives at risk or off track"), map(_objective_line, worrying)),
            _section(_("Red KPIs"), _kpi_lines(week, red)),
            _section(_("Check-in rate per team, lowest first"), rates),
        ),
        action_url=links.team_board(),
        action_label=_("Open the objectives"),
    )


def digests_for(week: WorkspaceWeek, kind: str, of: Week) -> Iterator[Digest]:
    """Every message of `kind` the workspace's people would get, empty ones included, each
    written in its recipient's language (their own choice, else English)."""
    for person in week.people.values():
        with translation.override(person.language or "en"):
            written = list(_digests_of(week, kind, of, person))
        yield from written


def _digests_of(week: WorkspaceWeek, kind: str, of: Week, person: PersonInfo) -> Iterator[Digest]:
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

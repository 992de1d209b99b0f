"""Reads of guardrails: an objective's guardrail KPIs with their health and signal, the
flags they raise, and who hears of a guardrail that trips (docs/okrs.md "Guardrails").

An objective is **flagged** while one of its guardrail KPIs is red or signals. The flag is
read from each KPI's stored figures (health and signal at `now`), never stored itself,
so it clears the moment the KPI recovers. Each read is one query, whatever the number of
objectives and guardrails.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from goalkeeper.accounts.models import Person
from goalkeeper.bridges.forms import GuardrailForm
from goalkeeper.bridges.models import Guardrail
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.process_limits import Rule
from goalkeeper.kpis.figures import health_now
from goalkeeper.kpis.labels import SIGNAL_LABELS
from goalkeeper.kpis.limits import signal_now
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import ObjectiveState

RED, SIGNAL = "red", "signal"
# Guardrails one objective holds at most on its page (more are refused by no rule, but a
# page lists no more than this many).
GUARDRAILS_SHOWN = 50


def _signal_of(kpi: Kpi) -> str:
    """The rule of the KPI's signal now, or "" (annotated by `_guarding_kpis`)."""
    return str(getattr(kpi, "now_signal", "") or "")


def trip_reason(health: str, signal: str) -> str:
    """Why a guardrail flags its objective: "red", "signal", or "" while it holds."""
    if health == Health.RED:
        return RED
    if signal:
        return SIGNAL
    return ""


def rule_label(rule: str) -> str:
    """A signal rule in words, as the KPI pages name it ("Outside the limits")."""
    try:
        return str(SIGNAL_LABELS[Rule(rule)])
    except ValueError:
        return rule


@dataclass(frozen=True)
class GuardrailFlag:
    """A guardrail that flags its objective: "Guardrail Discount rate is red"."""

    kpi_id: int
    kpi_name: str
    reason: str  # RED or SIGNAL
    rule: str  # the signal's rule, when it signals

    @property
    def rule_label(self) -> str:
        return rule_label(self.rule)


@dataclass(frozen=True)
class GuardrailRow:
    """One guardrail KPI on the objective page."""

    id: int
    kpi_id: int
    name: str
    unit: str
    team_name: str
    health: str
    signal: str
    value: float | None
    target: float | None
    note: str
    url: str
    reason: str

    @property
    def signal_label(self) -> str:
        """The signal's rule in words (docs/signals.md), or ""."""
        return rule_label(self.signal)

    @property
    def flag(self) -> GuardrailFlag | None:
        if not self.reason:
            return None
        return GuardrailFlag(self.kpi_id, self.name, self.reason, self.signal)


@dataclass(frozen=True)
class ObjectiveGuardrails:
    """The objective page's guardrails: the rows, the flags they raise, and the form that
    adds one (None for a caller who may not)."""

    objective_id: int
    rows: tuple[GuardrailRow, ...]
    form: GuardrailForm | None
    can_edit: bool

    @property
    def flags(self) -> list[GuardrailFlag]:
        return [row.flag for row in self.rows if row.flag is not None]


def _guarding_kpis(now: dt.datetime, **condition: object) -> QuerySet[Kpi]:
    """KPIs that guard the objectives `condition` names, one row per guardrail, each with
    its health at `now` and the guardrail's id, objective and note."""
    return (
        Kpi.objects.filter(**condition)
        .annotate(
            now_health=health_now(now),
            now_signal=signal_now(now),
            guardrail_id=F("guarded__id"),
            guarded_objective_id=F("guarded__objective_id"),
            guardrail_note=F("guarded__note"),
        )
        .order_by("name", "guarded__id")
    )


def objective_guardrails(
    objective_id: int,
    owner_id: int | None,
    state: str,
    person: Person,
    now: dt.datetime | None = None,
) -> ObjectiveGuardrails:
    """The guardrails of `objective` for `person`, in one query (the form's KPI search
    runs as the person types)."""
    now = now or timezone.now()
    kpis = list(
        _guarding_kpis(
            now, guarded__objective_id=objective_id, workspace_id=person.workspace_id
        ).select_related("team")[:GUARDRAILS_SHOWN]
    )
    rows = tuple(
        GuardrailRow(
            id=kpi.guardrail_id,  # type: ignore[attr-defined]
            kpi_id=kpi.pk,
            name=kpi.name,
            unit=kpi.unit,
            team_name=kpi.team.name,
            health=str(kpi.now_health),  # type: ignore[attr-defined]
            signal=_signal_of(kpi),
            value=kpi.period_value,
            target=kpi.target,
            note=kpi.guardrail_note,  # type: ignore[attr-defined]
            url=reverse("kpi_detail", args=[kpi.pk]),
            reason=trip_reason(str(kpi.now_health), _signal_of(kpi)),  # type: ignore[attr-defined]
        )
        for kpi in kpis
    )
    can_edit = state != ObjectiveState.CLOSED and (
        person.can_edit or (owner_id is not None and owner_id == person.pk)
    )
    form = GuardrailForm(workspace=person.workspace) if can_edit else None
    return ObjectiveGuardrails(objective_id=objective_id, rows=rows, form=form, can_edit=can_edit)


def guardrail_flags(
    objective_ids: Iterable[int], now: dt.datetime | None = None
) -> dict[int, list[GuardrailFlag]]:
    """{objective id: the flags its guardrails raise} for these objectives, in one query;
    objectives without a flag are absent."""
    ids = list(objective_ids)
    if not ids:
        return {}
    now = now or timezone.now()
    flags: dict[int, list[GuardrailFlag]] = defaultdict(list)
    for kpi in _guarding_kpis(now, guarded__objective_id__in=ids):
        signal = _signal_of(kpi)
        reason = trip_reason(str(kpi.now_health), signal)  # type: ignore[attr-defined]
        if reason:
            flags[kpi.guarded_objective_id].append(  # type: ignore[attr-defined]
                GuardrailFlag(kpi.pk, kpi.name, reason, signal)
            )
    return dict(flags)


# Flagged objectives a cycle board names at most (the rest are counted).
FLAGGED_SHOWN = 10


@dataclass(frozen=True)
class FlaggedObjective:
    """An objective of a cycle that a guardrail flags, for the cycle board."""

    id: int
    title: str
    flags: tuple[GuardrailFlag, ...]


@dataclass(frozen=True)
class CycleFlags:
    """The cycle's flagged objectives: the first FLAGGED_SHOWN, and how many in all."""

    objectives: tuple[FlaggedObjective, ...]
    total: int

    @property
    def left(self) -> int:
        return self.total - len(self.objectives)


def cycle_flags(cycle_id: int, now: dt.datetime | None = None) -> CycleFlags:
    """The objectives of a cycle (drafts aside, as on the board) that a red or signalling
    guardrail flags, whatever page of the board they are on: two queries."""
    now = now or timezone.now()
    tripped = (
        _guarding_kpis(now, guarded__objective__cycle_id=cycle_id)
        .exclude(guarded__objective__state=ObjectiveState.DRAFT)
        .filter(Q(now_health=Health.RED.value) | ~Q(now_signal=""))
    )
    total = tripped.values("guarded__objective_id").distinct().count()
    if not total:
        return CycleFlags((), 0)
    ids = list(
        tripped.order_by("guarded__objective__title", "guarded__objective_id")
        .values_list("guarded__objective_id", flat=True)
        .distinct()[:FLAGGED_SHOWN]
    )
    rows: dict[int, list[GuardrailFlag]] = defaultdict(list)
    titles: dict[int, str] = {}
    for kpi in tripped.filter(guarded__objective_id__in=ids).annotate(
        objective_title=F("guarded__objective__title")
    ):
        objective_id = kpi.guarded_objective_id  # type: ignore[attr-defined]
        titles[objective_id] = kpi.objective_title
        signal = _signal_of(kpi)
        reason = trip_reason(str(kpi.now_health), signal)  # type: ignore[attr-defined]
        rows[objective_id].append(GuardrailFlag(kpi.pk, kpi.name, reason, signal))
    return CycleFlags(
        tuple(FlaggedObjective(pk, titles[pk], tuple(rows[pk])) for pk in ids if pk in rows),
        total,
    )


@dataclass(frozen=True)
class Guarded:
    """An open objective a KPI guards, and its owner (who hears when the guardrail trips)."""

    objective_id: int
    title: str
    owner_id: int | None
    kpi_name: str


def guarded_objectives(kpi_id: int) -> list[Guarded]:
    """The objectives, not closed, that `kpi_id` guards, in one query."""
    rows = (
        Guardrail.objects.filter(kpi_id=kpi_id)
        .exclude(objective__state=ObjectiveState.CLOSED)
        .order_by("objective_id")
        .values_list("objective_id", "objective__title", "objective__owner_id", "kpi__name")
    )
    return [Guarded(o, title, owner, name) for o, title, owner, name in rows]

"""Reads of the bridges: what the KPI page shows of the OKRs that use the KPI, the key
results a KPI may drive, the KPIs a key result may read, and the state of recoveries.

Each read is one query, whatever the number of objectives and KPIs; the key results a KPI
may drive are searched as you type (`goalkeeper.okrs.pickers`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.urls import reverse

from goalkeeper.accounts.models import Person
from goalkeeper.bridges.forms import LinkForm
from goalkeeper.kpis.models import Kpi, RecoveryLink
from goalkeeper.okrs.models import CycleState, KeyResult, ObjectiveState

# A recovery is open while its objective is not closed and its cycle is not closed either.
_OPEN = ~Q(objective__state=ObjectiveState.CLOSED) & ~Q(objective__cycle__state=CycleState.CLOSED)


def _recoveries(kpi: Kpi, condition: Q, objective_id: int | None) -> QuerySet[RecoveryLink]:
    links = RecoveryLink.objects.filter(kpi=kpi).filter(condition)
    if objective_id is not None:
        links = links.filter(objective_id=objective_id)
    return links.select_related("objective", "objective__cycle")


def open_recovery(kpi: Kpi, objective_id: int | None = None) -> RecoveryLink | None:
    """The KPI's open recovery (the one with `objective_id`, if given), in one query."""
    return _recoveries(kpi, _OPEN, objective_id).first()


def recovering_kpi_ids(kpi_ids: Iterable[int]) -> frozenset[int]:
    """Which of these KPIs have an open recovery objective, in one query."""
    return frozenset(
        RecoveryLink.objects.filter(kpi__in=list(kpi_ids))
        .filter(_OPEN)
        .values_list("kpi_id", flat=True)
    )


# --- The KPI page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedKeyResult:
    """A key result whose current value is read from the KPI."""

    id: int
    title: str
    kind: str
    unit: str
    mode: str
    mode_label: str
    current: float | None
    target: float | None
    last_check_in_at: dt.datetime | None
    objective_id: int
    objective_title: str
    objective_url: str
    cycle_name: str


@dataclass(frozen=True)
class RecoveryRow:
    """A recovery objective created from the KPI: open, or a draft of a closed cycle."""

    objective_id: int
    title: str
    state: str
    cycle_id: int
    cycle_name: str
    url: str
    created_at: dt.datetime
    # Its cycle closed while it was a draft: it can be carried over or dismissed.
    stale: bool

    @property
    def state_label(self) -> str:
        """The objective's state as the page names it ("Draft", "Active")."""
        return str(ObjectiveState(self.state).label)


@dataclass(frozen=True)
class KpiOrigin:
    """The key result a KPI was handed down (or promoted) from."""

    key_result_id: int
    title: str
    objective_title: str
    objective_url: str
    team_name: str
    cycle_name: str
    # Handed down from another team's key result; else promoted in its own team.
    handed_down: bool


@dataclass(frozen=True)
class KpiBridges:
    """What the KPI page shows of the OKRs: recoveries, driven key results, link choices,
    and where the KPI came from."""

    recoveries: tuple[RecoveryRow, ...]
    linked: tuple[LinkedKeyResult, ...]
    # The form that links a key result (its picker searches as you type); editors only.
    link_form: LinkForm | None
    origin: KpiOrigin | None = None

    @property
    def open_recoveries(self) -> tuple[RecoveryRow, ...]:
        """The recoveries that block another one."""
        return tuple(row for row in self.recoveries if not row.stale)


def kpi_bridges(kpi: Kpi, viewer: Person | None) -> KpiBridges:
    """The KPI page's bridges, in three queries whatever the number of key results."""
    return KpiBridges(
        recoveries=kpi_recoveries(kpi),
        linked=linked_key_results(kpi),
        link_form=LinkForm(kpi=kpi) if viewer is not None and viewer.can_edit else None,
        origin=kpi_origin(kpi),
    )


def kpi_origin(kpi: Kpi) -> KpiOrigin | None:
    """The key result `kpi` was handed down or promoted from, in one query (none without)."""
    if kpi.origin_key_result_id is None:
        return None
    row = (
        KeyResult.objects.filter(pk=kpi.origin_key_result_id, workspace_id=kpi.workspace_id)
        .values(
            "title",
            "objective_id",
            "objective__title",
            "objective__team_id",
            "objective__team__name",
            "objective__cycle__name",
        )
        .first()
    )
    if row is None:
        return None
    return KpiOrigin(
        key_result_id=kpi.origin_key_result_id,
        title=row["title"],
        objective_title=row["objective__title"],
        objective_url=objective_url(row["objective_id"]),
        team_name=row["objective__team__name"],
        cycle_name=row["objective__cycle__name"],
        handed_down=row["objective__team_id"] != kpi.team_id,
    )


def objective_url(objective_id: int) -> str:
    """The objective's page."""
    return reverse("objective_detail", args=[objective_id])


def linked_key_results(kpi: Kpi) -> tuple[LinkedKeyResult, ...]:
    """Key results that read their value from `kpi`, newest cycle first, in one query."""
    rows = (
        KeyResult.objects.filter(kpi=kpi)
        .select_related("objective", "objective__cycle")
        .order_by("-objective__cycle__start_date", "objective_id", "position", "id")
    )
    labels = dict(KeyResult._meta.get_field("kpi_mode").flatchoices)
    return tuple(
        LinkedKeyResult(
            id=kr.pk,
            title=kr.title,
            kind=kr.kind,
            unit=kr.unit,
            mode=kr.kpi_mode,
            mode_label=str(labels.get(kr.kpi_mode, kr.kpi_mode)),
            current=kr.current,
            target=kr.target,
            last_check_in_at=kr.last_check_in_at,
            objective_id=kr.objective_id,
            objective_title=kr.objective.title,
            objective_url=objective_url(kr.objective_id),
            cycle_name=kr.objective.cycle.name,
        )
        for kr in rows
    )


def kpi_recoveries(kpi: Kpi) -> tuple[RecoveryRow, ...]:
    """Recovery objectives of `kpi` not closed yet (open ones first), in one query."""
    links = (
        RecoveryLink.objects.filter(kpi=kpi)
        .exclude(objective__state=ObjectiveState.CLOSED)
        .select_related("objective", "objective__cycle")
    )
    rows = [
        RecoveryRow(
            objective_id=link.objective_id,
            title=link.objective.title,
            state=link.objective.state,
            cycle_id=link.objective.cycle_id,
            cycle_name=link.objective.cycle.name,
            url=objective_url(link.objective_id),
            created_at=link.created_at,
            stale=link.objective.cycle.state == CycleState.CLOSED,
        )
        for link in links
    ]
    return tuple(sorted(rows, key=lambda row: row.stale))


# --- The key result form ------------------------------------------------------------------------


def kpi_for_key_result(workspace_id: int, kpi_id: int) -> Model | None:
    """A KPI of the workspace, for a key result to read (None when there is no such KPI)."""
    return Kpi.objects.filter(pk=kpi_id, workspace_id=workspace_id).first()

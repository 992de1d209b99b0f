"""Check in on everything: all the viewer's key results of the active cycles on one page.

The viewer's key results are the ones they own, plus the ones without an owner on
objectives they own. Rows come from the same read model as every other page
(`goalkeeper.okrs.rows.load_rows`), so pace, status and progress are never recomputed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    ObjectiveState,
)
from goalkeeper.okrs.rows import load_rows
from goalkeeper.okrs.view_models import KeyResultRow

# A person rarely holds more than thirty key results at once; past this many the page shows
# the first ones and says so, so that it stays one screenful of work and bounded in rows.
ROWS_MAX = 60


@dataclass(frozen=True)
class CheckInAllRow:
    """One key result to check in on, with its previous check-in's note and, when it cannot
    be checked in on here, why (`read_only`)."""

    kr: KeyResultRow
    last_note: str
    read_only: str
    cycle_name: str

    @property
    def id(self) -> int:
        return self.kr.id


@dataclass(frozen=True)
class CheckInAllGroup:
    """The viewer's key results of one objective."""

    objective_id: int
    title: str
    cycle_name: str
    rows: tuple[CheckInAllRow, ...]


@dataclass(frozen=True)
class CheckInAllView:
    """The page: key results grouped by objective, the cycles they come from, and whether
    some were left out (more than `ROWS_MAX`)."""

    groups: tuple[CheckInAllGroup, ...]
    total: int
    capped: bool

    @property
    def rows(self) -> tuple[CheckInAllRow, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def open_rows(self) -> int:
        """How many rows take a check-in here."""
        return sum(1 for row in self.rows if not row.read_only)


def read_only_reason(row: KeyResultRow, cycle: Cycle) -> str:
    """Why a key result takes no check-in on this page ("" when it does)."""
    if cycle.state == CycleState.CLOSED:
        return _("The cycle %(name)s is closed.") % {"name": cycle.name}
    if row.locked:
        return _("The objective is closed.")
    if row.kpi_id is not None:
        # Its value is read from the KPI: a hand-written value would be overwritten.
        return _("Its value is read from the KPI %(name)s.") % {"name": row.kpi_name}
    if row.rolls_up:
        # Its value is its contributors' sum or average (docs/cascade.md).
        return _("This key result adds up its contributors: check in on them.")
    return ""


def mine(person: Person) -> Q:
    """The key results that are the person's to check in on."""
    return Q(owner=person) | Q(owner__isnull=True, objective__owner=person)


def last_notes(key_result_ids: Collection[int]) -> dict[int, str]:
    """The note of each key result's latest check-in, in one query."""
    latest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-created_at", "-id")
    return dict(
        KeyResult.objects.filter(pk__in=list(key_result_ids))
        .annotate(last_note=Subquery(latest.values("note")[:1]))
        .values_list("id", "last_note")
    )


def check_in_all_view(workspace: Workspace, person: Person, now: dt.datetime) -> CheckInAllView:
    """The person's key results of the workspace's active cycles, grouped by objective.

    Two queries for the key results (with the latest notes) and their cycles, then two per
    active cycle (objectives and key results, through `load_rows`); never one per row.
    """
    clock = workspace.clock(now)
    latest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-created_at", "-id")
    found = list(
        KeyResult.objects.filter(
            mine(person),
            objective__workspace=workspace,
            objective__cycle__state=CycleState.ACTIVE,
        )
        .exclude(objective__state=ObjectiveState.DRAFT)
        .annotate(last_note=Subquery(latest.values("note")[:1]))
        .order_by("objective__cycle__start_date", "objective__cycle_id", "objective_id", "id")
        .values_list("id", "objective_id", "objective__cycle_id", "last_note")[: ROWS_MAX + 1]
    )
    capped = len(found) > ROWS_MAX
    found = found[:ROWS_MAX]
    notes = {pk: note or "" for pk, _, _, note in found}
    by_cycle: dict[int, set[int]] = {}
    for _pk, objective_id, cycle_id, _note in found:
        by_cycle.setdefault(cycle_id, set()).add(objective_id)
    cycles = Cycle.objects.filter(workspace=workspace, pk__in=list(by_cycle)).order_by(
        "start_date", "id"
    )
    groups: list[CheckInAllGroup] = []
    for cycle in cycles:
        for objective in load_rows(workspace, cycle, clock, by_cycle[cycle.pk]):
            rows = tuple(
                CheckInAllRow(kr, notes[kr.id], read_only_reason(kr, cycle), cycle.name)
                for kr in objective.key_results
                if kr.id in notes
            )
            if rows:
                groups.append(CheckInAllGroup(objective.id, objective.title, cycle.name, rows))
    return CheckInAllView(
        groups=tuple(groups), total=sum(len(g.rows) for g in groups), capped=capped
    )


def row_ids(values: Sequence[str]) -> list[int]:
    """Key result ids from a form or a query string ("1,2,3" or repeated), bounded."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part.isdigit() and len(part) < 12 and int(part) not in ids:
                ids.append(int(part))
    return ids[: ROWS_MAX * 2]

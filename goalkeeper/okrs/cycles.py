"""Which cycle a page shows, the cycle switcher's choices, and a cycle's header.

Several cycles may be active at once (a company quarter and a product half): a page then
opens on the one holding the person's objectives, and offers the others. One query each.

    active_cycles(workspace)     every active cycle, newest first
    active_cycle(workspace)      the workspace's working cycle (newest active, else planning)
    open_cycles_for(person)      the cycles not closed, the person's working one first
    current_cycle_for(person)    the cycle Home and the board open on for the person
    cycle_header(cycle, clock)   name, dates, "week N of M" or "Closed 31 Mar 2026"
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.domain.pace import elapsed_share
from goalkeeper.okrs.models import Cycle, CycleState, Objective, ObjectiveState
from goalkeeper.okrs.view_models import CycleChoice, CycleHeader, CyclePhase


def _open_cycles(workspace_id: int) -> QuerySet[Cycle]:
    """Cycles not closed, active ones first."""
    return (
        Cycle.objects.filter(workspace_id=workspace_id)
        .exclude(state=CycleState.CLOSED)
        .annotate(
            _rank=Case(
                When(state=CycleState.ACTIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    )


def active_cycles(workspace: Workspace) -> list[Cycle]:
    """Every active cycle of the workspace, newest first (one query)."""
    return list(
        Cycle.objects.filter(workspace=workspace, state=CycleState.ACTIVE).order_by(
            "-start_date", "-id"
        )
    )


def active_cycle(workspace: Workspace) -> Cycle | None:
    """The cycle the workspace is working in, in one query.

    The active one (the newest if several), else the newest cycle still in planning;
    None when every cycle is closed or there is none. Pages shown to a person use
    `current_cycle_for`, which prefers the active cycle holding their objectives.
    """
    return _open_cycles(workspace.pk).order_by("_rank", "-start_date", "-id").first()


def open_cycles_for(person: Person) -> list[Cycle]:
    """The workspace's cycles that are not closed, in one query, each with `has_mine`.

    Order: active ones first; among them those where the person owns an objective or a key
    result (drafts aside) first; then the newest. The first is `current_cycle_for(person)`.
    """
    mine = (
        Objective.objects.filter(cycle=OuterRef("pk"))
        .exclude(state=ObjectiveState.DRAFT)
        .filter(Q(owner=person) | Q(key_results__owner=person))
    )
    return list(
        _open_cycles(person.workspace_id)
        .annotate(has_mine=Exists(mine))
        .order_by("_rank", "-has_mine", "-start_date", "-id")
    )


def current_cycle_for(person: Person) -> Cycle | None:
    """The cycle Home and the board open on for `person` (one query): the active cycle
    holding their objectives (the newest if several), else the newest active one, else the
    newest in planning; None when no cycle is open."""
    cycles = open_cycles_for(person)
    return cycles[0] if cycles else None


def newest_cycle(workspace: Workspace) -> Cycle | None:
    """The newest cycle, whatever its state (the board's last resort)."""
    return Cycle.objects.filter(workspace=workspace).order_by("-start_date", "-id").first()


def current_cycle(workspace: Workspace) -> Cycle | None:
    """The cycle the board opens on: the working one, else the newest closed one."""
    return active_cycle(workspace) or newest_cycle(workspace)


def cycle_choices(workspace: Workspace) -> tuple[CycleChoice, ...]:
    """The workspace's cycles for the switcher, newest first (one query)."""
    return tuple(
        CycleChoice(c["id"], c["name"], c["state"], c["start_date"], c["end_date"])
        for c in Cycle.objects.filter(workspace=workspace)
        .order_by("-start_date", "-id")
        .values("id", "name", "state", "start_date", "end_date")
    )


def choices_of(cycles: list[Cycle]) -> tuple[CycleChoice, ...]:
    """Cycles read by `open_cycles_for` as switcher choices, newest first."""
    ordered = sorted(cycles, key=lambda c: (c.start_date, c.pk), reverse=True)
    return tuple(
        CycleChoice(
            c.pk, c.name, c.state, c.start_date, c.end_date, mine=bool(getattr(c, "has_mine", 0))
        )
        for c in ordered
    )


def cycle_header(cycle: Cycle, clock: Clock) -> CycleHeader:
    """Name, dates, elapsed share and "week N of M" of `cycle` as of `clock`.

    A closed cycle is in the CLOSED phase whatever the date: its header says when it closed,
    and no pace marker is drawn.
    """
    today = clock.today
    length = (cycle.end_date - cycle.start_date).days
    weeks = max(1, math.ceil(length / 7))
    days_in = (today - cycle.start_date).days
    closed_on: dt.date | None = None
    if cycle.state == CycleState.CLOSED:
        phase = CyclePhase.CLOSED
        closed_on = (
            cycle.closed_at.astimezone(clock.zone).date()
            if cycle.closed_at is not None
            else cycle.end_date
        )
    elif days_in < 0:
        phase = CyclePhase.UPCOMING
    elif today > cycle.end_date:
        phase = CyclePhase.ENDED
    else:
        phase = CyclePhase.RUNNING
    return CycleHeader(
        id=cycle.pk,
        name=cycle.name,
        state=cycle.state,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        today=today,
        phase=phase,
        elapsed=elapsed_share(cycle.start_date, cycle.end_date, today),
        week=min(max(days_in // 7 + 1, 1), weeks),
        weeks=weeks,
        days_to_start=max(-days_in, 0),
        closed_on=closed_on,
    )

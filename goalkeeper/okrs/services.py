"""Writes for cycles, objectives, key results and check-ins.

Each public function is one transaction that validates, writes and appends an audit entry.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.audit.services import diff, record, snapshot
from goalkeeper.domain.key_results import KeyResultKind, validate_key_result
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveState,
)

OBJECTIVE_FIELDS = (
    "title",
    "description",
    "owner",
    "team",
    "kind",
    "parent",
    "state",
    "roll_up_children",
)
KEY_RESULT_FIELDS = (
    "title",
    "owner",
    "kind",
    "unit",
    "weight",
    "start",
    "target",
    "low",
    "high",
    "commit",
    "stretch",
    "kpi",
    "kpi_mode",
    "position",
)
CLOSED_CYCLE = "the cycle is closed"


def ensure_cycle_open(cycle: Cycle) -> None:
    """Refuse any write into a closed cycle: closing locks its objectives and key results."""
    if cycle.state == CycleState.CLOSED:
        raise ValidationError({"cycle": CLOSED_CYCLE})


@transaction.atomic
def create_cycle(
    *,
    actor: Person | None,
    workspace: Workspace,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    state: str = CycleState.PLANNING,
) -> Cycle:
    """Create a cycle; refuses one that ends before it starts."""
    cycle = Cycle(
        workspace=workspace,
        name=name.strip(),
        start_date=start_date,
        end_date=end_date,
        state=state,
    )
    cycle.full_clean()
    cycle.save()
    record(
        workspace=workspace,
        actor=actor,
        action="cycle.created",
        obj=cycle,
        changes=snapshot(cycle, ["name", "start_date", "end_date", "state"]),
    )
    return cycle


@transaction.atomic
def create_objective(
    *,
    actor: Person | None,
    cycle: Cycle,
    team: Team,
    title: str,
    owner: Person | None = None,
    **fields: Any,
) -> Objective:
    """Create an objective in a cycle for a team."""
    ensure_cycle_open(cycle)
    objective = Objective(
        workspace_id=cycle.workspace_id,
        cycle=cycle,
        team=team,
        owner=owner,
        title=title.strip(),
        **fields,
    )
    objective.full_clean()
    objective.save()
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="objective.created",
        obj=objective,
        changes={k: [None, v] for k, v in snapshot(objective, OBJECTIVE_FIELDS).items()},
    )
    return objective


@transaction.atomic
def update_objective(*, actor: Person | None, objective: Objective, **changes: Any) -> Objective:
    """Change an objective's fields; the audit entry lists each changed field."""
    ensure_cycle_open(objective.cycle)
    before = snapshot(objective, OBJECTIVE_FIELDS)
    for name, value in changes.items():
        if name not in OBJECTIVE_FIELDS:
            raise ValidationError({name: "cannot be changed here"})
        setattr(objective, name, value)
    objective.updated_at = timezone.now()
    objective.full_clean()
    objective.save()
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.updated",
        obj=objective,
        changes=diff(before, objective),
    )
    return objective


@transaction.atomic
def close_objective(
    *, actor: Person | None, objective: Objective, final_score: float, retrospective: str = ""
) -> Objective:
    """Close an objective with its final score (0.0-1.0) and retrospective note."""
    ensure_cycle_open(objective.cycle)
    before = snapshot(objective, ["state", "final_score", "retrospective"])
    objective.state = "closed"
    objective.final_score = final_score
    objective.retrospective = retrospective
    objective.closed_at = timezone.now()
    # Only the closing fields change: the references were checked when they were set.
    objective.full_clean(exclude=["workspace", "cycle", "team", "owner", "parent", "carried_from"])
    objective.save(update_fields=["state", "final_score", "retrospective", "closed_at"])
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.closed",
        obj=objective,
        changes=diff(before, objective),
    )
    return objective


@transaction.atomic
def create_key_result(
    *, actor: Person | None, objective: Objective, title: str, kind: str, **fields: Any
) -> KeyResult:
    """Add a key result to an objective; refuses impossible numbers with the field named."""
    ensure_cycle_open(objective.cycle)
    if "position" not in fields:
        fields["position"] = objective.key_results.count()
    key_result = KeyResult(
        workspace_id=objective.workspace_id,
        objective=objective,
        title=title.strip(),
        kind=kind,
        **fields,
    )
    if (
        key_result.kind in (KeyResultKind.INCREASE, KeyResultKind.DECREASE)
        and key_result.current is None
    ):
        key_result.current = key_result.start
    key_result.full_clean()
    key_result.save()
    record(
        workspace=objective.workspace,
        actor=actor,
        action="key_result.created",
        obj=key_result,
        changes={k: [None, v] for k, v in snapshot(key_result, KEY_RESULT_FIELDS).items()},
    )
    return key_result


@transaction.atomic
def update_key_result(*, actor: Person | None, key_result: KeyResult, **changes: Any) -> KeyResult:
    """Change a key result's definition (not its value: that is a check-in)."""
    ensure_cycle_open(key_result.objective.cycle)
    before = snapshot(key_result, KEY_RESULT_FIELDS)
    for name, value in changes.items():
        if name not in KEY_RESULT_FIELDS:
            raise ValidationError({name: "cannot be changed here"})
        setattr(key_result, name, value)
    key_result.full_clean()
    key_result.save()
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="key_result.updated",
        obj=key_result,
        changes=diff(before, key_result),
    )
    return key_result


@transaction.atomic
def record_check_in(
    *,
    actor: Person | None,
    key_result: KeyResult,
    value: float | None = None,
    done: bool = False,
    confidence: int | None = None,
    note: str = "",
    automatic: bool = False,
    at: dt.datetime | None = None,
) -> CheckIn:
    """Append a check-in and make it the key result's current value."""
    ensure_cycle_open(key_result.objective.cycle)
    status_before = okr_events.status_of(key_result)
    if key_result.kind == KeyResultKind.MILESTONE:
        value = None
    elif value is None:
        raise ValidationError({"value": "a value is required for a metric key result"})
    check_in = CheckIn(
        key_result=key_result,
        value=value,
        done=done,
        confidence=confidence,
        note=note.strip(),
        author=actor,
        automatic=automatic,
        created_at=at or timezone.now(),
    )
    check_in.full_clean()
    check_in.save()
    before = snapshot(key_result, ["current", "done", "confidence"])
    key_result.current = value if value is not None else key_result.current
    key_result.done = done
    key_result.confidence = confidence
    key_result.last_check_in_at = check_in.created_at
    key_result.save(update_fields=["current", "done", "confidence", "last_check_in_at"])
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="check_in.created",
        obj=key_result,
        changes={**diff(before, key_result), "note": [None, check_in.note]},
    )
    okr_events.check_in_created(check_in, key_result)
    okr_events.key_result_status_changed(key_result, status_before)
    return check_in


# --- Added for the REST API (update and delete where nothing did yet) ----------------------

CYCLE_FIELDS = ("name", "start_date", "end_date", "state")


@transaction.atomic
def update_cycle(*, actor: Person | None, cycle: Cycle, **changes: Any) -> Cycle:
    """Rename a cycle, move its dates or change its state; closing stamps `closed_at`."""
    ensure_cycle_open(cycle)
    before = snapshot(cycle, CYCLE_FIELDS)
    for name, value in changes.items():
        if name not in CYCLE_FIELDS:
            raise ValidationError({name: "cannot be changed here"})
        setattr(cycle, name, value.strip() if isinstance(value, str) else value)
    if cycle.state == CycleState.CLOSED and cycle.closed_at is None:
        cycle.closed_at = timezone.now()
    elif cycle.state != CycleState.CLOSED:
        cycle.closed_at = None
    cycle.full_clean()
    cycle.save()
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="cycle.updated",
        obj=cycle,
        changes=diff(before, cycle),
    )
    return cycle


@transaction.atomic
def delete_cycle(*, actor: Person | None, cycle: Cycle) -> None:
    """Delete a cycle; one that still holds objectives is protected (ProtectedError)."""
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="cycle.deleted",
        obj=cycle,
        changes={"name": [cycle.name, None]},
    )
    cycle.delete()


@transaction.atomic
def delete_objective(*, actor: Person | None, objective: Objective) -> None:
    """Delete an objective with its key results and their check-ins; children stay, unaligned."""
    ensure_cycle_open(objective.cycle)
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.deleted",
        obj=objective,
        changes={"title": [objective.title, None]},
    )
    objective.delete()


@transaction.atomic
def delete_key_result(*, actor: Person | None, key_result: KeyResult) -> None:
    """Delete a key result with its check-ins."""
    ensure_cycle_open(key_result.objective.cycle)
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="key_result.deleted",
        obj=key_result,
        changes={"title": [key_result.title, None], "objective": [key_result.objective_id, None]},
    )
    key_result.delete()


# --- Cycle lifecycle: activate, close (with final scores), carry over ----------------------


class CycleOverlapError(ValidationError):
    """Activating `cycle` would make it active beside the `overlapping` active cycles."""

    def __init__(self, cycle: Cycle, overlapping: Sequence[Cycle]) -> None:
        self.cycle = cycle
        self.overlapping = tuple(overlapping)
        names = ", ".join(
            f"{other.name} ({_day(other.start_date)} - {_day(other.end_date)})"
            for other in self.overlapping
        )
        super().__init__(
            {
                "state": (
                    f"its dates overlap the active cycle{'s' if len(overlapping) > 1 else ''} "
                    f"{names}: confirm to have both active"
                )
            }
        )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


@transaction.atomic
def activate_cycle(*, actor: Person | None, cycle: Cycle, confirm_overlap: bool = False) -> Cycle:
    """Start a cycle that is in planning: its objectives are now being worked on.

    Several cycles may be active at once, but never by accident: when the cycle's dates
    overlap another active cycle, it is refused (`CycleOverlapError`, naming the other cycles)
    unless `confirm_overlap` says the person saw them (docs/okrs-cycles.md).
    """
    ensure_cycle_open(cycle)
    if cycle.state != CycleState.PLANNING:
        raise ValidationError({"state": "only a cycle in planning can be activated"})
    overlapping = list(
        Cycle.objects.filter(
            workspace_id=cycle.workspace_id,
            state=CycleState.ACTIVE,
            start_date__lte=cycle.end_date,
            end_date__gte=cycle.start_date,
        )
        .exclude(pk=cycle.pk)
        .order_by("start_date", "id")
    )
    if overlapping and not confirm_overlap:
        raise CycleOverlapError(cycle, overlapping)
    before = snapshot(cycle, ["state"])
    cycle.state = CycleState.ACTIVE
    cycle.save(update_fields=["state"])
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="cycle.activated",
        obj=cycle,
        changes=diff(before, cycle),
    )
    return cycle


@dataclass(frozen=True)
class Closing:
    """What the owner of one objective says when its cycle closes."""

    objective_id: int
    final_score: float | None
    retrospective: str = ""


def closing_objectives(cycle: Cycle) -> list[Objective]:
    """The objectives a cycle's closing scores: all but drafts, which were never adopted."""
    return list(
        Objective.objects.filter(cycle=cycle)
        .exclude(state=ObjectiveState.DRAFT)
        .select_related("cycle", "workspace", "team", "owner", "parent")
        .order_by("id")
    )


@transaction.atomic
def close_cycle(*, actor: Person | None, cycle: Cycle, closings: Sequence[Closing]) -> Cycle:
    """Close every objective of the cycle with its final score and note, then lock the cycle.

    All or nothing: the refusals of every objective are gathered first, keyed
    `"<objective id>.<field>"` (e.g. `"12.final_score"`), and nothing is written unless none
    is refused. Drafts stay drafts (locked with the cycle; "carry over" can take them on).
    """
    ensure_cycle_open(cycle)
    if cycle.state != CycleState.ACTIVE:
        raise ValidationError({"state": "only an active cycle can be closed: activate it first"})
    by_id = {closing.objective_id: closing for closing in closings}
    errors: dict[str, list[str]] = {}
    objectives = closing_objectives(cycle)
    for objective in objectives:
        closing = by_id.get(objective.pk)
        if closing is None or closing.final_score is None:
            errors[f"{objective.pk}.final_score"] = ["give a final score from 0.0 to 1.0"]
            continue
        unchanged = (
            objective.state == ObjectiveState.CLOSED
            and objective.final_score == closing.final_score
            and objective.retrospective == closing.retrospective.strip()
        )
        if unchanged:
            # Closed earlier on its own, and confirmed as it was: nothing to write.
            continue
        try:
            close_objective(
                actor=actor,
                objective=objective,
                final_score=closing.final_score,
                retrospective=closing.retrospective.strip(),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"{objective.pk}.{field}"] = list(messages)
    unknown = set(by_id) - {objective.pk for objective in objectives}
    if unknown:
        errors["objectives"] = [f"not objectives of {cycle.name}: {sorted(unknown)}"]
    if errors:
        raise ValidationError(errors)
    before = snapshot(cycle, ["state"])
    cycle.state = CycleState.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["state", "closed_at"])
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="cycle.closed",
        obj=cycle,
        changes={**diff(before, cycle), "objectives": [None, len(objectives)]},
    )
    return cycle


def is_unfinished(objective: Objective) -> bool:
    """Whether "carry over" takes the objective on: a draft, or closed short of 1.0."""
    if objective.state == ObjectiveState.DRAFT:
        return True
    return objective.final_score is None or objective.final_score < 1.0


def carry_over_candidates(source: Cycle, target: Cycle | None = None) -> list[Objective]:
    """The unfinished objectives of `source`, oldest first, with their key results loaded.

    Objectives already carried into `target` are left out, so carrying twice does not copy
    twice.
    """
    objectives = (
        Objective.objects.filter(cycle=source)
        .select_related("team", "owner", "parent")
        .prefetch_related("key_results")
        .order_by("id")
    )
    if target is not None:
        objectives = objectives.exclude(carried_to__cycle=target)
    return [objective for objective in objectives if is_unfinished(objective)]


def carried_key_result_fields(key_result: KeyResult) -> dict[str, Any]:
    """How a key result starts in the next cycle: from the value it reached, same target.

    A metric key result starts at its current value; its zones are kept while they still
    lie between the new start and the target, else dropped (a start past the commit value
    leaves no commit zone). One that already met its target keeps its start and carries its
    reached value, so it stays met. Maintain key results keep their band and value;
    milestones keep their done flag (not done stays not done).
    """
    fields: dict[str, Any] = {
        "title": key_result.title,
        "owner": key_result.owner,
        "kind": key_result.kind,
        "unit": key_result.unit,
        "weight": key_result.weight,
        "kpi": key_result.kpi,
        "kpi_mode": key_result.kpi_mode,
        "position": key_result.position,
    }
    kind = KeyResultKind(key_result.kind)
    if kind is KeyResultKind.MILESTONE:
        return {**fields, "done": key_result.done}
    if kind is KeyResultKind.MAINTAIN:
        return {
            **fields,
            "low": key_result.low,
            "high": key_result.high,
            "current": key_result.current,
        }
    spec = key_result.spec
    reached = key_result.current
    if reached is not None and math.isfinite(reached):
        for candidate in (
            replace(spec, start=reached),
            replace(spec, start=reached, commit=None, stretch=None),
        ):
            if not validate_key_result(candidate):
                spec = candidate
                break
    return {
        **fields,
        "start": spec.start,
        "target": spec.target,
        "commit": spec.commit,
        "stretch": spec.stretch,
        "current": reached if reached is not None else spec.start,
    }


@transaction.atomic
def carry_over(
    *,
    actor: Person | None,
    source: Cycle,
    target: Cycle,
    objective_ids: Collection[int] | None = None,
) -> list[Objective]:
    """Copy the unfinished objectives of a closed cycle into the next one.

    Each copy keeps its title, team, owner, kind and key results (see
    `carried_key_result_fields`) and remembers the objective it continues. A parent carried
    along is replaced by its copy; a parent from another cycle (a yearly objective) is kept;
    a parent left behind in the closed cycle is dropped. `objective_ids` narrows the copy to
    some of the unfinished objectives. Every copy is audited.
    """
    if target.workspace_id != source.workspace_id:
        raise ValidationError({"target": "must belong to the same workspace"})
    if target.pk == source.pk:
        raise ValidationError({"target": "choose another cycle than the one carried from"})
    if target.state == CycleState.CLOSED:
        raise ValidationError(
            {"target": "the cycle is closed: choose a cycle in planning or active"}
        )
    if source.state != CycleState.CLOSED:
        raise ValidationError({"cycle": "close the cycle before carrying its objectives over"})
    candidates = carry_over_candidates(source, target)
    if objective_ids is not None:
        wanted = set(objective_ids)
        unknown = wanted - {objective.pk for objective in candidates}
        if unknown:
            raise ValidationError(
                {"objectives": f"not unfinished objectives of {source.name}: {sorted(unknown)}"}
            )
        candidates = [objective for objective in candidates if objective.pk in wanted]
    in_source = set(Objective.objects.filter(cycle=source).values_list("pk", flat=True))
    copies: dict[int, Objective] = {}
    for objective in _parents_first(candidates):
        parent = objective.parent
        if objective.parent_id in copies:
            parent = copies[objective.parent_id]
        elif objective.parent_id in in_source:
            parent = None
        copy = create_objective(
            actor=actor,
            cycle=target,
            team=objective.team,
            title=objective.title,
            owner=objective.owner,
            description=objective.description,
            kind=objective.kind,
            parent=parent,
            state=ObjectiveState.DRAFT
            if objective.state == ObjectiveState.DRAFT
            else ObjectiveState.ACTIVE,
            roll_up_children=objective.roll_up_children,
            carried_from=objective,
        )
        for key_result in objective.key_results.all():
            fields = carried_key_result_fields(key_result)
            create_key_result(
                actor=actor,
                objective=copy,
                title=fields.pop("title"),
                kind=fields.pop("kind"),
                **fields,
            )
        record(
            workspace=target.workspace,
            actor=actor,
            action="objective.carried_over",
            obj=copy,
            changes={
                "from": [None, f"{source.name}: {objective.title} (#{objective.pk})"],
                "final_score": [None, objective.final_score],
            },
        )
        copies[objective.pk] = copy
    record(
        workspace=source.workspace,
        actor=actor,
        action="cycle.carried_over",
        obj=source,
        changes={"target": [None, target.name], "objectives": [None, len(copies)]},
    )
    return list(copies.values())


def _parents_first(objectives: Sequence[Objective]) -> list[Objective]:
    """`objectives` ordered so that a parent comes before its children (when both are in)."""
    by_id = {objective.pk: objective for objective in objectives}
    ordered: list[Objective] = []
    placed: set[int] = set()

    def place(objective: Objective, seen: frozenset[int]) -> None:
        if objective.pk in placed:
            return
        parent = by_id.get(objective.parent_id) if objective.parent_id else None
        if parent is not None and parent.pk not in seen:
            place(parent, seen | {objective.pk})
        placed.add(objective.pk)
        ordered.append(objective)

    for objective in objectives:
        place(objective, frozenset())
    return ordered

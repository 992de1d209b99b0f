"""Writes for key results and their check-ins.

Check-ins lock the key result's row first (see `goalkeeper.okrs.services.check_ins`). A key
result may contribute to another one (`contributes_to`) and may add up its own contributors
(`rollup`); every write that moves what a contributor contributes ends with `roll_up`, which
recomputes the rolled-up key results above it once each (docs/cascade.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import diff, record, snapshot
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from goalkeeper.okrs.phases import read_phases, stored_phases
from goalkeeper.okrs.services.check_ins import (
    link_changed,
    lock_key_result,
    write_check_in,
)
from goalkeeper.okrs.services.common import ensure_cycle_open
from goalkeeper.okrs.services.formula import set_kpi_formula
from goalkeeper.okrs.services.odds import odds_after_commit
from goalkeeper.okrs.services.rollups import refuse_contribution_loop, roll_up
from goalkeeper.validation import raise_field_errors

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
    "phases",
    "kpi",
    "kpi_mode",
    "contributes_to",
    "rollup",
    "position",
)
# What moves the value a key result contributes to the one above it.
CONTRIBUTION_FIELDS = ("contributes_to", "rollup", "kind", "start")
ROLLED_UP_CHECK_IN = gettext_noop("this key result adds up its contributors: check in on them")
ROLLED_UP_KPI = gettext_noop("this key result adds up its contributors: it cannot read a KPI")


def _given_phases(fields: dict[str, Any]) -> None:
    """Phased targets as given (`Phase`s, or `until` as a date) in their column's form;
    what cannot be read is refused here with its field named, the rest in `clean`."""
    if "phases" in fields:
        phases, errors = read_phases(fields["phases"])
        raise_field_errors(errors)
        fields["phases"] = stored_phases(phases)


def _refuse_kpi_on_roll_up(key_result: KeyResult, fields: Any) -> None:
    """A key result that adds up its contributors reads no KPI: say so under `kpi`."""
    if key_result.rolls_up and (
        ("kpi" in fields and key_result.kpi_id is not None)
        or ("kpi_formula" in fields and key_result.kpi_formula)
    ):
        raise ValidationError({"kpi": ROLLED_UP_KPI})


@transaction.atomic
def create_key_result(
    *,
    actor: Person | None,
    objective: Objective,
    title: str,
    kind: str,
    formula: Mapping[str, Any] | None = None,
    **fields: Any,
) -> KeyResult:
    """Add a key result to an objective; refuses impossible numbers with the field named.

    Emits `key_result.created`. One linked to a KPI reads the KPI's value at once: the
    receivers of `key_result_kpi_changed` check in from the KPI, with their own events.
    `formula` (what `set_kpi_formula` takes: `formula`, `kpi_ids`, `mode`) lets several
    KPIs make its value, in the same transaction: a refused formula leaves nothing.
    """
    key_result = _create(actor, objective, title, kind, fields)
    if formula is not None and formula.get("formula"):
        key_result = set_kpi_formula(actor=actor, key_result=key_result, **formula)
    return key_result


def _create(
    actor: Person | None, objective: Objective, title: str, kind: str, fields: dict[str, Any]
) -> KeyResult:
    ensure_cycle_open(objective.cycle)
    _given_phases(fields)
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
    _refuse_kpi_on_roll_up(key_result, fields)
    key_result.full_clean()
    key_result.save()
    record(
        workspace=objective.workspace,
        actor=actor,
        action="key_result.created",
        obj=key_result,
        changes={k: [None, v] for k, v in snapshot(key_result, KEY_RESULT_FIELDS).items()},
    )
    okr_events.key_result_event("key_result.created", key_result)
    odds_after_commit([key_result.pk])
    if key_result.kpi_id is not None:
        link_changed(key_result)
    if key_result.contributes_to_id is not None:
        roll_up([key_result])
    return key_result


@transaction.atomic
def update_key_result(
    *,
    actor: Person | None,
    key_result: KeyResult,
    formula: Mapping[str, Any] | None = None,
    **changes: Any,
) -> KeyResult:
    """Change a key result's definition (not its value: that is a check-in).

    Emits `key_result.updated`, and `key_result.status_changed` when the new definition
    moves its pace status. A changed KPI link is read at once (see `create_key_result`).
    `formula`, when given, then sets or clears the KPIs that make its value
    (`set_kpi_formula`), in the same transaction.
    """
    if changes or formula is None:
        key_result = _update(actor, key_result, changes)
    if formula is not None:
        key_result = set_kpi_formula(actor=actor, key_result=key_result, **formula)
    return key_result


def _update(actor: Person | None, key_result: KeyResult, changes: dict[str, Any]) -> KeyResult:
    ensure_cycle_open(key_result.objective.cycle)
    unknown = [name for name in changes if name not in KEY_RESULT_FIELDS]
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, gettext_noop("cannot be changed here")))
    _given_phases(changes)
    lock_key_result(key_result)
    status_before = okr_events.status_of(key_result)
    before = snapshot(key_result, KEY_RESULT_FIELDS)
    link_before = (key_result.kpi_id, key_result.kpi_mode)
    parent_before = key_result.contributes_to_id
    contribution_before = snapshot(key_result, CONTRIBUTION_FIELDS)
    for name, value in changes.items():
        setattr(key_result, name, value)
    _refuse_kpi_on_roll_up(key_result, changes)
    if key_result.contributes_to_id != parent_before:
        refuse_contribution_loop(key_result, key_result.contributes_to)
    key_result.full_clean()
    key_result.save()
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="key_result.updated",
        obj=key_result,
        changes=diff(before, key_result),
    )
    okr_events.key_result_event("key_result.updated", key_result)
    okr_events.key_result_status_changed(key_result, status_before)
    # A new target, zone or link moves the odds (docs/signals.md, "Odds").
    odds_after_commit([key_result.pk])
    if (key_result.kpi_id, key_result.kpi_mode) != link_before:
        link_changed(key_result)
    if diff(contribution_before, key_result) and (
        key_result.contributes_to_id is not None or parent_before is not None or key_result.rolls_up
    ):
        # The key result itself when it now adds up its contributors, the parents above
        # it, and the parent it left.
        roll_up([pk for pk in (key_result.pk, parent_before) if pk is not None], include_given=True)
    return key_result


@transaction.atomic
def delete_key_result(*, actor: Person | None, key_result: KeyResult) -> None:
    """Delete a key result with its check-ins; emits `key_result.deleted` (as it was)."""
    ensure_cycle_open(key_result.objective.cycle)
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="key_result.deleted",
        obj=key_result,
        changes={"title": [key_result.title, None], "objective": [key_result.objective_id, None]},
    )
    okr_events.key_result_event("key_result.deleted", key_result)
    parent = key_result.contributes_to_id
    key_result.delete()
    if parent is not None:
        roll_up([parent], include_given=True)


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
    announce: bool = True,
) -> CheckIn:
    """Append a check-in and make it the key result's current value; refused on a key
    result that adds up its contributors. Then rolls the value up to its parents.
    `announce=False` (an import's older check-ins): no events, as `write_check_in` says.

    Emits `check_in.created`, and `key_result.status_changed` when the pace status moved
    (and the same for each parent whose value the roll-up moved).
    """
    if key_result.rolls_up:
        raise ValidationError({"value": ROLLED_UP_CHECK_IN})
    check_in = write_check_in(
        actor=actor,
        key_result=key_result,
        value=value,
        done=done,
        confidence=confidence,
        note=note,
        automatic=automatic,
        at=at,
        announce=announce,
    )
    if key_result.contributes_to_id is not None:
        roll_up([key_result])
    return check_in

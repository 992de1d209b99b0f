"""Writing a check-in on a key result's row: the part every check-in shares.

A key result's value columns (`current`, `done`, `confidence`, `last_check_in_at`, which
mirror its latest check-in) have several writers that can run at once: a person checking
in, a KPI sync checking in automatically, and the roll-up of a key result's contributors.
Every write that saves the row locks it first and reloads those columns
(`lock_key_result`), so two check-ins are applied one after the other and a definition edit
never puts back a value read before a sync. See docs/architecture.md.

`record_check_in` (what people, the API and KPI syncs call) adds the checks and the roll-up
to its contributors' parents; the roll-up itself writes through `write_check_in`, so that
its own check-ins do not start another roll-up (docs/cascade.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record, snapshot
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.models import CheckIn, KeyResult
from goalkeeper.okrs.services.common import ensure_cycle_open
from goalkeeper.okrs.services.odds import odds_after_commit
from goalkeeper.okrs.signals import key_result_kpi_changed

# What the latest check-in writes on the key result's row.
VALUE_FIELDS = ("current", "done", "confidence", "last_check_in_at")


def lock_key_result(key_result: KeyResult) -> KeyResult:
    """Lock the key result's row until the transaction ends, and reload its value columns.

    Call inside a transaction, before reading the value to change it. PostgreSQL makes a
    second writer wait on the lock; SQLite serialises writers anyway (`BEGIN IMMEDIATE`).
    """
    fresh = (
        KeyResult.objects.select_for_update()
        .filter(pk=key_result.pk)
        .order_by()
        .values(*VALUE_FIELDS)
        .get()
    )
    for name, value in fresh.items():
        setattr(key_result, name, value)
    return key_result


def write_check_in(
    *,
    actor: Person | None,
    key_result: KeyResult,
    value: float | None = None,
    done: bool = False,
    confidence: int | None = None,
    note: str = "",
    automatic: bool = False,
    at: dt.datetime | None = None,
    locked: bool = False,
    announce: bool = True,
) -> CheckIn:
    """Append a check-in, make it the key result's current value, audit it, emit its events.

    Call inside a transaction. `locked`: the caller has locked the row and reloaded its
    value columns already. Emits `check_in.created`, and `key_result.status_changed` when
    the pace status moved; `announce=False` emits neither: an imported key result's older
    check-ins are history, not news (its latest one is announced).
    """
    ensure_cycle_open(key_result.objective.cycle)
    if not locked:
        lock_key_result(key_result)
    status_before = okr_events.status_of(key_result) if announce else ""
    # A milestone is done or not (no value); a metric key result has a value (no done flag).
    if key_result.kind == KeyResultKind.MILESTONE:
        value = None
    elif value is None:
        raise ValidationError(
            {"value": gettext_noop("a value is required for a metric key result")}
        )
    else:
        done = False
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
    key_result.save(update_fields=list(VALUE_FIELDS))
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="check_in.created",
        obj=key_result,
        # The value stated is kept even when it did not move: the history says "still 45%".
        changes={**_stated(before, key_result), "note": [None, check_in.note]},
    )
    if announce:
        okr_events.check_in_created(check_in, key_result)
        okr_events.key_result_status_changed(key_result, status_before)
    odds_after_commit([key_result.pk], [check_in.pk])
    return check_in


def _stated(before: dict[str, Any], key_result: KeyResult) -> dict[str, list[Any]]:
    """What a check-in said, as [before, after] pairs: the value (or done flag) always, the
    confidence when given or cleared."""
    after = snapshot(key_result, before.keys())
    stated = "done" if key_result.kind == KeyResultKind.MILESTONE else "current"
    return {
        name: [before[name], after[name]]
        for name in before
        if name == stated or before[name] != after[name] or after[name] is not None
    }


def link_changed(key_result: KeyResult) -> None:
    """Tell the receivers that the key result's KPI link changed (see `okrs.signals`), then
    reload the value a receiver may have checked in on its own copy of the row."""
    key_result_kpi_changed.send(sender=KeyResult, key_result=key_result)
    key_result.refresh_from_db(fields=VALUE_FIELDS)

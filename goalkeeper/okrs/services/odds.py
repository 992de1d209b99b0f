"""Storing the odds of key results, objectives and check-ins (docs/signals.md, "Odds").

A simulation costs tens of milliseconds, so it never runs inside a write's transaction nor
on a page: the services that move a key result (a check-in, a KPI value arriving through
the bridges, a definition edit) call `odds_after_commit`, which gathers the key results and
check-ins of the transaction and, once it commits, stores their odds here, in the process
for a few key results, in the worker (`okrs.tasks`) for more. A daily job
(`refresh_open_odds`) moves them on as the cycle end approaches.

The odds are figures derived from rows already audited (the check-in, the edit), so storing
them records no audit entry and emits no event, like the KPI figures.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from goalkeeper.okrs.models import (
    CheckIn,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveState,
)
from goalkeeper.okrs.odds import (
    OddsInputs,
    odds_inputs,
    simulated_objective_odds,
    simulated_odds,
)

# More key results than this in one transaction are left to the worker.
IN_PROCESS = 5
# The daily refresh reads the open key results in batches of this many.
BATCH = 200


@dataclass
class _Pending:
    """The key results and check-ins of one transaction, stored once it commits."""

    key_results: set[int] = field(default_factory=set)
    check_ins: set[int] = field(default_factory=set)
    done: bool = False

    def __call__(self) -> None:
        self.done = True
        key_results, check_ins = sorted(self.key_results), sorted(self.check_ins)
        if len(key_results) > IN_PROCESS:
            _enqueue(key_results, check_ins)
        else:
            refresh_odds(key_results, check_ins)

    def queued(self) -> bool:
        """Still waiting for the commit (a rolled-back transaction drops its callbacks)."""
        return not self.done and any(
            entry[1] is self for entry in transaction.get_connection().run_on_commit
        )


_local = threading.local()


def odds_after_commit(key_result_ids: Iterable[int], check_in_ids: Iterable[int] = ()) -> None:
    """Store the odds of these key results (their objectives too) and check-ins once the
    current transaction commits; nothing when it rolls back. One transaction's key
    results are stored together, whatever the number of check-ins it wrote."""
    pending: _Pending | None = getattr(_local, "pending", None)
    if pending is not None and pending.queued():
        pending.key_results.update(key_result_ids)
        pending.check_ins.update(check_in_ids)
        return
    pending = _local.pending = _Pending(set(key_result_ids), set(check_in_ids))
    # Outside a transaction this runs at once.
    transaction.on_commit(pending)


def _enqueue(key_result_ids: list[int], check_in_ids: list[int]) -> None:
    # Imported here: the tasks module imports this one.
    from goalkeeper.okrs.tasks import refresh_odds_task

    refresh_odds_task(key_result_ids, check_in_ids)


def _open_key_results() -> QuerySet[KeyResult]:
    return (
        KeyResult.objects.exclude(objective__state=ObjectiveState.CLOSED)
        .exclude(objective__cycle__state=CycleState.CLOSED)
        .select_related("objective", "objective__cycle", "workspace")
    )


def refresh_odds(
    key_result_ids: Iterable[int],
    check_in_ids: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> None:
    """Store the odds of the key results, of their objectives and of the check-ins (each as
    known when it was recorded). Key results of closed objectives and cycles keep theirs."""
    now = now or timezone.now()
    ids = list(key_result_ids)
    key_results = list(_open_key_results().filter(pk__in=ids).order_by("id"))
    inputs: dict[int, OddsInputs] = {}
    for key_result in key_results:
        inputs[key_result.pk] = odds_inputs(key_result, key_result.workspace.clock(now))
        _store_key_result(key_result, inputs[key_result.pk], now)
    _store_objectives({kr.objective_id for kr in key_results}, inputs, now)
    _store_check_ins(list(check_in_ids))


def _store_key_result(key_result: KeyResult, inputs: OddsInputs, now: dt.datetime) -> None:
    odds = simulated_odds(key_result, inputs)
    KeyResult.objects.filter(pk=key_result.pk).update(
        odds_target=odds.target if odds is not None else None,
        odds_success=odds.success if odds is not None else None,
        odds_at=now,
    )


def _store_objectives(
    objective_ids: set[int], known: dict[int, OddsInputs], now: dt.datetime
) -> None:
    objectives = (
        Objective.objects.filter(pk__in=objective_ids)
        .exclude(state=ObjectiveState.CLOSED)
        .select_related("cycle", "workspace")
        .prefetch_related("key_results")
        .order_by("id")
    )
    for objective in objectives:
        clock = objective.workspace.clock(now)
        pairs = []
        for key_result in objective.key_results.all():
            key_result.objective = objective
            found = known.get(key_result.pk) or odds_inputs(key_result, clock)
            pairs.append((key_result, found))
        Objective.objects.filter(pk=objective.pk).update(
            odds_success=simulated_objective_odds(objective, pairs), odds_at=now
        )


def _store_check_ins(check_in_ids: list[int]) -> None:
    """Each check-in's forecast: the key result's odds of success from the history known
    when it was recorded (itself included), for the calibration at cycle close."""
    check_ins = (
        CheckIn.objects.filter(pk__in=check_in_ids, value__isnull=False)
        .select_related("key_result", "key_result__objective__cycle", "key_result__workspace")
        .order_by("id")
    )
    for check_in in check_ins:
        key_result = check_in.key_result
        clock = key_result.workspace.clock(check_in.created_at)
        odds = simulated_odds(key_result, odds_inputs(key_result, clock, check_in.created_at))
        # A derived column on an append-only row: the check-in's own fields never change.
        CheckIn.objects.filter(pk=check_in.pk).update(
            odds_success=odds.success if odds is not None else None
        )


def refresh_open_odds(now: dt.datetime | None = None) -> int:
    """Move on the stored odds of every key result of an open objective in an open cycle
    (the daily job: the cycle end comes nearer). Returns how many were refreshed."""
    ids = list(_open_key_results().order_by("id").values_list("pk", flat=True))
    for offset in range(0, len(ids), BATCH):
        refresh_odds(ids[offset : offset + BATCH], now=now)
    return len(ids)

"""Contributions roll up: a key result that sums or averages its contributors' values.

`roll_up` is called by the key result services after anything that moves what a
contributor contributes (a check-in, a changed `contributes_to`, `rollup`, kind or start, a
delete). It reads the workspace's contribution graph in a fixed number of queries, however
deep, then recomputes every rolled-up ancestor once, children before parents, and writes one
automatic check-in per ancestor whose value changed. Those check-ins go through
`write_check_in`, not `record_check_in`, so they do not start another roll-up: one change
costs one pass, not a cascade of writes per level (docs/cascade.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from goalkeeper.domain.rollups import ancestors_in_order, contributed_value, find_loop, rolled_value
from goalkeeper.okrs.models import CheckIn, CycleState, KeyResult, ObjectiveState, Rollup
from goalkeeper.okrs.services.check_ins import write_check_in

_GRAPH_FIELDS = (
    "id",
    "contributes_to_id",
    "rollup",
    "objective__state",
    "objective__cycle__state",
)
_VALUE_FIELDS = ("id", "contributes_to_id", "kind", "current", "done")


def roll_up(
    key_results: Iterable[KeyResult | int], *, include_given: bool = False
) -> list[CheckIn]:
    """Recompute every rolled-up ancestor of these key results; return the check-ins written.

    Each ancestor is recomputed once, after its contributors, from their values as they are
    in this transaction. `include_given` recomputes the given key results too (one whose
    `rollup` just changed, or the parent a contributor was just taken from). An ancestor
    whose objective or cycle is closed keeps its value (and its own parents read that).
    Call inside the writing transaction.
    """
    given = list(key_results)
    ids = [item.pk if isinstance(item, KeyResult) else item for item in given]
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return []
    if all(isinstance(item, KeyResult) for item in given):
        workspaces = {item.workspace_id for item in given if isinstance(item, KeyResult)}
    else:
        workspaces = set(
            KeyResult.objects.filter(pk__in=ids).values_list("workspace_id", flat=True)
        )
    graph = {
        row["id"]: row
        for row in KeyResult.objects.filter(workspace_id__in=workspaces)
        .filter(Q(contributes_to__isnull=False) | ~Q(rollup=Rollup.NONE))
        .order_by()
        .values(*_GRAPH_FIELDS)
    }
    parent_of = {pk: row["contributes_to_id"] for pk, row in graph.items()}
    order = [
        pk
        for pk in ancestors_in_order(parent_of, ids, include_changed=include_given)
        if pk in graph and _recomputable(graph[pk])
    ]
    if not order:
        return []
    return _recompute(order)


def _recomputable(row: dict[str, Any]) -> bool:
    return bool(
        row["rollup"] != Rollup.NONE
        and row["objective__state"] != ObjectiveState.CLOSED
        and row["objective__cycle__state"] != CycleState.CLOSED
    )


def _recompute(order: list[int]) -> list[CheckIn]:
    # Lock the key results to write first (in id order, so two passes cannot deadlock),
    # then read their contributors' values: on PostgreSQL a pass that waited for another
    # then reads what that one committed, so two contributors checking in at once both
    # count.
    locked = {
        kr.pk: kr
        for kr in KeyResult.objects.select_for_update(of=("self",))
        .filter(pk__in=order)
        .select_related("objective__cycle", "workspace")
        .order_by("pk")
    }
    contributors: dict[int, list[dict[str, Any]]] = {}
    for row in (
        KeyResult.objects.filter(contributes_to_id__in=order).order_by("pk").values(*_VALUE_FIELDS)
    ):
        contributors.setdefault(row["contributes_to_id"], []).append(row)
    # Values written in this pass, read by the parents that come later in `order`.
    written: dict[int, float] = {}
    check_ins = []
    for pk in order:
        key_result = locked[pk]
        values = [
            contributed_value(
                row["kind"], written.get(row["id"], row["current"]), bool(row["done"])
            )
            for row in contributors.get(pk, [])
        ]
        value = rolled_value(key_result.rollup, values)
        # No contributor with a value yet: the key result keeps the value it has.
        if value is None or value == key_result.current:
            continue
        known = sum(1 for item in values if item is not None)
        how = "sum" if key_result.rollup == Rollup.SUM else "average"
        noun = "key result" if known == 1 else "key results"
        check_ins.append(
            write_check_in(
                actor=None,
                key_result=key_result,
                value=value,
                confidence=key_result.confidence,
                note=f"Automatic: {how} of {known} contributing {noun}.",
                automatic=True,
                locked=True,
            )
        )
        written[pk] = value
    return check_ins


def refuse_contribution_loop(key_result: KeyResult, parent: KeyResult | None) -> None:
    """Refuse a `contributes_to` that would close a loop, naming the key results in it.

    Reads the workspace's contribution edges in one query, whatever the depth.
    """
    if parent is None or key_result.pk is None:
        return
    edges: dict[int, list[int]] = {}
    for child, to in (
        KeyResult.objects.filter(workspace_id=key_result.workspace_id, contributes_to__isnull=False)
        .exclude(pk=key_result.pk)
        .order_by()
        .values_list("id", "contributes_to_id")
    ):
        edges.setdefault(child, []).append(to)
    path = find_loop(edges, parent.pk, key_result.pk)
    if path is None:
        return
    titles = dict(KeyResult.objects.filter(pk__in=path).values_list("id", "title"))
    titles[key_result.pk] = key_result.title
    names = " -> ".join(f"“{titles[pk]}”" for pk in [key_result.pk, *path])
    raise ValidationError({"contributes_to": f"this would make a loop: {names}"})

"""The cascade's fields in the API (docs/cascade.md): an objective's parents (`aligned_to`),
a key result's contributions (`contributes_to`, `rollup`, `contributors`) and its KPI formula
(`kpi_formula`, `kpis`).

Reads are prefetches: one query per kind of row for a whole page, whatever its size. Writes
resolve the ids a body names into objects, each refusal naming the field at fault.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from goalkeeper.accounts.models import Person
from goalkeeper.api.common import referenced
from goalkeeper.okrs.access import access_key_result_by_id, access_objective_by_id
from goalkeeper.okrs.api.schemas import AlignmentIn, AlignmentOut
from goalkeeper.okrs.models import Alignment, KeyResult, KpiInput, Objective


def alignments_prefetch() -> Prefetch[str, QuerySet[Alignment], str]:
    """An objective's further parents (`objective.alignments`), for `aligned_to`."""
    return Prefetch(
        "alignments",
        queryset=Alignment.objects.order_by("id").only(
            "id", "objective_id", "parent_id", "key_result_id"
        ),
    )


def key_result_prefetches() -> tuple[
    Prefetch[str, QuerySet[KpiInput], str], Prefetch[str, QuerySet[KeyResult], str]
]:
    """A key result's formula KPIs (`inputs`) and contributors, for `kpis` and `contributors`."""
    return (
        Prefetch(
            "inputs",
            queryset=KpiInput.objects.order_by("position", "id").only(
                "id", "key_result_id", "kpi_id", "position"
            ),
        ),
        Prefetch(
            "contributors",
            queryset=KeyResult.objects.order_by("id").only("id", "contributes_to_id"),
        ),
    )


def aligned_to(objective: Objective) -> list[AlignmentOut]:
    """Every parent of an objective, the primary one (`parent`) first."""
    parents = []
    if objective.parent_id is not None:
        parents.append(
            AlignmentOut(
                objective=objective.parent_id,
                key_result=objective.parent_key_result_id,
                primary=True,
            )
        )
    parents.extend(
        AlignmentOut(objective=row.parent_id, key_result=row.key_result_id, primary=False)
        for row in objective.alignments.all()
    )
    return parents


def formula_kpis(key_result: KeyResult) -> list[int]:
    return [row.kpi_id for row in key_result.inputs.all()]


def contributor_ids(key_result: KeyResult) -> list[int]:
    return [row.pk for row in key_result.contributors.all()]


def resolve_parents(person: Person, items: Sequence[AlignmentIn]) -> list[Objective | KeyResult]:
    """The parents a body names, primary first, as `set_alignments` takes them.

    A key result stands for itself (its objective is then the parent objective); an item
    naming both must name a key result of that objective. Errors name the item:
    `aligned_to.2.key_result`.
    """
    primaries = [n for n, item in enumerate(items) if item.primary]
    if len(primaries) > 1:
        raise ValidationError({"aligned_to": "only one parent can be primary"})
    order = list(range(len(items)))
    if primaries:
        order.remove(primaries[0])
        order.insert(0, primaries[0])
    parents: list[Objective | KeyResult] = []
    for n in order:
        parents.append(_parent(person, n, items[n]))
    return parents


def _parent(person: Person, n: int, item: AlignmentIn) -> Objective | KeyResult:
    field = f"aligned_to.{n}"
    if item.key_result is not None:
        key_result_id = item.key_result
        key_result = referenced(
            f"{field}.key_result", lambda: access_key_result_by_id(person, key_result_id)
        )
        if item.objective is not None and key_result.objective_id != item.objective:
            raise ValidationError(
                {f"{field}.key_result": "must be a key result of the objective given"}
            )
        return key_result
    if item.objective is None:
        raise ValidationError({field: "give an objective, a key result, or both"})
    objective_id = item.objective
    return referenced(f"{field}.objective", lambda: access_objective_by_id(person, objective_id))


def primary_objective_id(parents: Sequence[Objective | KeyResult]) -> int | None:
    """The id `parent` takes once these parents are set."""
    if not parents:
        return None
    first = parents[0]
    return first.objective_id if isinstance(first, KeyResult) else first.pk


@contextmanager
def fields_renamed(names: Mapping[str, str]) -> Iterator[None]:
    """Report a service's refusal under the API's name of the field (`parents` is
    `aligned_to` here), so that the error names what the client sent."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed: dict[str, list[str]] = {}
        for field, messages in exc.message_dict.items():
            renamed.setdefault(names.get(field, field), []).extend(messages)
        raise ValidationError(renamed) from exc

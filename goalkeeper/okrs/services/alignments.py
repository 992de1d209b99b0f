"""Writes for what an objective contributes to: its parents (docs/cascade.md).

An objective may support several parents, each an objective or one key result of it,
possibly in another team. The first is its primary alignment (`parent`, and
`parent_key_result` when it is a key result), the one the alignment tree places it under;
the others are `Alignment` rows. Loops are refused over the whole alignment graph, primary
parents and `Alignment` rows alike (a key result standing for its objective), read in two
queries whatever its depth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.domain.rollups import find_loop
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.models import Alignment, KeyResult, Objective
from goalkeeper.okrs.services.common import ensure_cycle_open

# One parent: (objective id, key result id or None).
Link = tuple[int, int | None]


class LinkFact(TypedDict):
    """A parent as the audit trail records it."""

    objective: int
    key_result: int | None


@transaction.atomic
def set_alignments(
    *, actor: Person | None, objective: Objective, parents: Sequence[Objective | KeyResult]
) -> Objective:
    """Replace everything the objective contributes to with `parents`, the first primary.

    A parent key result makes its objective the `parent`. Repeated parents count once; an
    empty list leaves the objective unaligned. Refuses, under `parents`, a parent of another
    workspace, the objective itself or one of its own key results, and any loop. Emits
    `objective.updated` with the audit change "parents" (nothing when nothing changed).
    """
    ensure_cycle_open(objective.cycle)
    links = _links(objective, parents)
    refuse_alignment_loop(objective, [parent for parent, _ in links], field="parents")
    before = current_links(objective)
    if links == before:
        return objective
    primary: Link | tuple[None, None] = links[0] if links else (None, None)
    objective.parent_id, objective.parent_key_result_id = primary
    objective.updated_at = timezone.now()
    objective.save(update_fields=["parent", "parent_key_result", "updated_at"])
    Alignment.objects.filter(objective=objective).delete()
    Alignment.objects.bulk_create(
        Alignment(
            workspace_id=objective.workspace_id,
            objective=objective,
            parent_id=parent,
            key_result_id=key_result,
        )
        for parent, key_result in links[1:]
    )
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.updated",
        obj=objective,
        changes={"parents": [_facts(before), _facts(links)]},
    )
    okr_events.objective_event("objective.updated", objective)
    return objective


def current_links(objective: Objective) -> list[Link]:
    """The objective's parents as stored, the primary first (one query)."""
    links: list[Link] = []
    if objective.parent_id is not None:
        links.append((objective.parent_id, objective.parent_key_result_id))
    further = Alignment.objects.filter(objective=objective).order_by("id")
    links += list(further.values_list("parent_id", "key_result_id"))
    return links


def refuse_alignment_loop(objective: Objective, parents: Iterable[int], *, field: str) -> None:
    """Refuse parents that already support `objective`, directly or further up, naming the
    loop: "this alignment would make a loop: A supports B which supports A"."""
    # Supporting itself is refused by its own message (`Objective.clean`, `set_alignments`).
    parents = [parent for parent in parents if parent is not None and parent != objective.pk]
    if objective.pk is None or not parents:
        return
    edges: dict[int, list[int]] = {}
    primary = (
        Objective.objects.filter(workspace_id=objective.workspace_id, parent__isnull=False)
        .order_by()
        .values_list("id", "parent_id")
    )
    further = (
        Alignment.objects.filter(workspace_id=objective.workspace_id)
        .order_by()
        .values_list("objective_id", "parent_id")
    )
    for child, parent in [*primary, *further]:
        edges.setdefault(child, []).append(parent)
    for parent in parents:
        path = find_loop(edges, parent, objective.pk)
        if path is None:
            continue
        titles = dict(Objective.objects.filter(pk__in=path).order_by().values_list("id", "title"))
        titles[objective.pk] = objective.title
        names = [f"“{titles[pk]}”" for pk in [objective.pk, *path]]
        chain = " which supports ".join(names[1:])
        message = f"this alignment would make a loop: {names[0]} supports {chain}"
        raise ValidationError({field: message})


def _links(objective: Objective, parents: Sequence[Objective | KeyResult]) -> list[Link]:
    links: list[Link] = []
    for item in parents:
        if item.workspace_id != objective.workspace_id:
            raise ValidationError({"parents": f"“{item}” belongs to another workspace"})
        if isinstance(item, KeyResult):
            if item.objective_id == objective.pk:
                raise ValidationError(
                    {
                        "parents": gettext_noop(
                            "an objective cannot support one of its own key results"
                        )
                    }
                )
            link: Link = (item.objective_id, item.pk)
        else:
            if item.pk == objective.pk:
                raise ValidationError(
                    {"parents": gettext_noop("an objective cannot support itself")}
                )
            link = (item.pk, None)
        if link not in links:
            links.append(link)
    return links


def _facts(links: list[Link]) -> list[LinkFact]:
    return [{"objective": parent, "key_result": key_result} for parent, key_result in links]

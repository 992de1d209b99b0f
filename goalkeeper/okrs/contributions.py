"""Reads of the cascade: who contributes to a key result, and what aligns to what.

Bounded reads for pages and the API (docs/cascade.md): a key result's contributors with
their share of the total in one query; the contributors of many key results at once; and
the alignment links of a cycle (primary parents, further parents, contributions between key
results) in a fixed number of queries, whatever the number of objectives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from goalkeeper.accounts.models import Workspace
from goalkeeper.domain.limits import total
from goalkeeper.domain.rollups import contributed_value
from goalkeeper.okrs.models import Alignment, Cycle, KeyResult, Objective


@dataclass(frozen=True)
class Contributor:
    """A key result that contributes to another one, with what it contributes.

    `share` is its value over the total of its fellow contributors' values; None when that
    total is zero or unknown (no contributor has a value yet).
    """

    key_result: KeyResult
    value: float | None
    share: float | None


@dataclass(frozen=True)
class ContributionFact:
    """A contributor as a page listing many parents at once shows it (plain values)."""

    id: int
    title: str
    kind: str
    unit: str
    objective_id: int
    objective_title: str
    team_id: int
    team_name: str
    owner_name: str | None
    value: float | None
    share: float | None


@dataclass(frozen=True)
class AlignmentLink:
    """An objective supports a parent objective, or one key result of it."""

    objective_id: int
    parent_id: int
    key_result_id: int | None
    primary: bool


@dataclass(frozen=True)
class AlignmentLinks:
    """What aligns to what among a cycle's objectives, for the tree and the strategy map.

    `links` holds every parent of the cycle's objectives (primary ones first per
    objective); `contributions` maps a key result of the cycle to the key result it
    contributes to; `key_result_titles` and `objective_titles` name the parents, which may
    lie in another cycle.
    """

    links: list[AlignmentLink]
    contributions: dict[int, int]
    key_result_titles: dict[int, str]
    objective_titles: dict[int, str]

    def parents_of(self, objective_id: int) -> list[AlignmentLink]:
        """The objective's parents, the primary first."""
        return [link for link in self.links if link.objective_id == objective_id]


def _pk(item: Workspace | Cycle | int) -> int:
    return item if isinstance(item, int) else item.pk


def _shares(values: list[float | None]) -> list[float | None]:
    known = [value for value in values if value is not None]
    whole = total(known) if known else 0.0
    if not whole:
        return [None for _ in values]
    return [None if value is None else value / whole for value in values]


def contributors_of(key_result: KeyResult) -> list[Contributor]:
    """The key results contributing to `key_result`, in board order, with value and share
    (one query: their objectives, teams and owners come along)."""
    rows = list(
        key_result.contributors.select_related("objective__team", "owner").order_by(
            "objective__team__name", "objective_id", "position", "id"
        )
    )
    values = [contributed_value(row.kind, row.current, row.done) for row in rows]
    return [
        Contributor(key_result=row, value=value, share=share)
        for row, value, share in zip(rows, values, _shares(values), strict=True)
    ]


def contributions_in(
    workspace: Workspace | int, key_result_ids: Iterable[int]
) -> dict[int, list[ContributionFact]]:
    """The contributors of each given key result (id -> facts, board order), in one query.

    Key results without contributors are absent from the mapping.
    """
    workspace_id = _pk(workspace)
    ids = list(key_result_ids)
    rows = (
        KeyResult.objects.filter(workspace_id=workspace_id, contributes_to_id__in=ids)
        .order_by("contributes_to_id", "objective__team__name", "objective_id", "position", "id")
        .values(
            "id",
            "contributes_to_id",
            "title",
            "kind",
            "unit",
            "current",
            "done",
            "objective_id",
            "objective__title",
            "objective__team_id",
            "objective__team__name",
            "owner__name",
        )
    )
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row["contributes_to_id"], []).append(row)
    result: dict[int, list[ContributionFact]] = {}
    for parent, items in grouped.items():
        values = [contributed_value(row["kind"], row["current"], row["done"]) for row in items]
        result[parent] = [
            ContributionFact(
                id=row["id"],
                title=row["title"],
                kind=row["kind"],
                unit=row["unit"],
                objective_id=row["objective_id"],
                objective_title=row["objective__title"],
                team_id=row["objective__team_id"],
                team_name=row["objective__team__name"],
                owner_name=row["owner__name"],
                value=value,
                share=share,
            )
            for row, value, share in zip(items, values, _shares(values), strict=True)
        ]
    return result


def alignment_links(workspace: Workspace | int, cycle: Cycle | int) -> AlignmentLinks:
    """Every alignment of the cycle's objectives and contribution of its key results, in
    five queries whatever their number."""
    workspace_id = _pk(workspace)
    cycle_id = _pk(cycle)
    objectives = Objective.objects.filter(workspace_id=workspace_id, cycle_id=cycle_id)
    links = [
        AlignmentLink(objective_id=pk, parent_id=parent, key_result_id=key_result, primary=True)
        for pk, parent, key_result in objectives.filter(parent__isnull=False)
        .order_by("id")
        .values_list("id", "parent_id", "parent_key_result_id")
    ]
    links += [
        AlignmentLink(objective_id=pk, parent_id=parent, key_result_id=key_result, primary=False)
        for pk, parent, key_result in Alignment.objects.filter(
            workspace_id=workspace_id, objective__cycle_id=cycle_id
        )
        .order_by("objective_id", "id")
        .values_list("objective_id", "parent_id", "key_result_id")
    ]
    links.sort(key=lambda link: (link.objective_id, not link.primary))
    contributions = dict(
        KeyResult.objects.filter(
            workspace_id=workspace_id,
            objective__cycle_id=cycle_id,
            contributes_to__isnull=False,
        )
        .order_by()
        .values_list("id", "contributes_to_id")
    )
    key_result_ids = {link.key_result_id for link in links if link.key_result_id is not None}
    key_result_ids |= set(contributions.values())
    objective_ids = {link.parent_id for link in links}
    named = KeyResult.objects.filter(pk__in=key_result_ids).order_by()
    key_result_titles = dict(named.values_list("id", "title"))
    objective_titles = dict(
        Objective.objects.filter(Q(pk__in=objective_ids) | Q(key_results__in=key_result_ids))
        .distinct()
        .order_by()
        .values_list("id", "title")
    )
    return AlignmentLinks(
        links=links,
        contributions=contributions,
        key_result_titles=key_result_titles,
        objective_titles=objective_titles,
    )

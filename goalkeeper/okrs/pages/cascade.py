"""The cascade on the objective page: what each key result adds up, what it contributes to,
and every parent the objective supports (docs/cascade.md).

Bounded whatever the size of the company: one query for the contributors of every key result
on the page, one for the objective's parents.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from goalkeeper.accounts.models import Workspace
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.okrs.contributions import ContributionFact, contributions_in
from goalkeeper.okrs.models import Alignment, Objective
from goalkeeper.okrs.view_models import (
    ContributorRow,
    KeyResultLink,
    KeyResultRow,
    ParentLink,
    TreeNode,
)

# A key result split among a thousand salespeople lists this many of them; the roll-up still
# counts all, and the share of each is of the whole total.
CONTRIBUTORS_SHOWN = 50


def with_contributors(
    workspace: Workspace, rows: Sequence[KeyResultRow]
) -> tuple[KeyResultRow, ...]:
    """`rows`, each with the key results that contribute to it (one query for all)."""
    if not rows:
        return ()
    found = contributions_in(workspace, [r.id for r in rows])
    return tuple(
        replace(row, contributors=_contributors(found[row.id])) if row.id in found else row
        for row in rows
    )


def _contributors(facts: Sequence[ContributionFact]) -> tuple[ContributorRow, ...]:
    return tuple(
        ContributorRow(
            id=f.id,
            title=f.title,
            objective_id=f.objective_id,
            objective_title=f.objective_title,
            team_name=f.team_name,
            owner_name=f.owner_name or "",
            kind=KeyResultKind(f.kind),
            unit=f.unit,
            value=f.value,
            share=f.share,
        )
        for f in facts[:CONTRIBUTORS_SHOWN]
    )


@dataclass(frozen=True)
class NodeLinks:
    """How one objective of the alignment tree is aligned beyond its primary parent."""

    via: KeyResultLink | None
    also: tuple[ParentLink, ...]


def tree_links(workspace: Workspace, ids: Collection[int]) -> dict[int, NodeLinks]:
    """For the tree's objectives `ids`: the key result each is aligned to under its primary
    parent, and the further parents each also supports. Two queries, whatever their number."""
    if not ids:
        return {}
    wanted = list(ids)
    via: dict[int, KeyResultLink] = {}
    primary = Objective.objects.filter(
        workspace=workspace, pk__in=wanted, parent_key_result__isnull=False
    ).values(
        "id",
        "parent_key_result_id",
        "parent_key_result__title",
        "parent_key_result__objective_id",
        "parent_key_result__objective__title",
    )
    for o in primary:
        via[o["id"]] = KeyResultLink(
            id=o["parent_key_result_id"],
            title=o["parent_key_result__title"],
            objective_id=o["parent_key_result__objective_id"],
            objective_title=o["parent_key_result__objective__title"],
        )
    also: dict[int, list[ParentLink]] = {}
    further = (
        Alignment.objects.filter(workspace=workspace, objective_id__in=wanted)
        .order_by("id")
        .values(
            "objective_id",
            "parent_id",
            "parent__title",
            "parent__team__name",
            "key_result_id",
            "key_result__title",
        )
    )
    for a in further:
        also.setdefault(a["objective_id"], []).append(_further(a))
    return {
        pk: NodeLinks(via=via.get(pk), also=tuple(also.get(pk, ())))
        for pk in wanted
        if pk in via or pk in also
    }


def with_links(node: TreeNode, links: dict[int, NodeLinks]) -> TreeNode:
    """`node` and its loaded children with their alignment links, the children grouped by
    the key result they are aligned to (those aligned to the whole objective first)."""
    kids = sorted(
        (with_links(kid, links) for kid in node.children),
        key=lambda kid: (kid.via is not None, kid.via.id if kid.via else 0),
    )
    found = links.get(node.row.id)
    return replace(
        node,
        children=tuple(kids),
        via=found.via if found else None,
        also=found.also if found else (),
    )


def _further(a: Mapping[str, Any]) -> ParentLink:
    return ParentLink(
        objective_id=a["parent_id"],
        objective_title=a["parent__title"],
        team_name=a["parent__team__name"],
        key_result_id=a["key_result_id"],
        key_result_title=a["key_result__title"] or "",
        primary=False,
    )


def objective_parents(workspace: Workspace, objective: Objective) -> tuple[ParentLink, ...]:
    """What `objective` contributes to, the primary parent first (at most two queries)."""
    links: list[ParentLink] = []
    if objective.parent_id is not None:
        primary = (
            Objective.objects.filter(pk=objective.pk, parent__workspace=workspace)
            .values("parent_id", "parent__title", "parent__team__name", "parent_key_result__title")
            .first()
        )
        if primary is not None:
            kr_title = primary["parent_key_result__title"] or ""
            links.append(
                ParentLink(
                    objective_id=primary["parent_id"],
                    objective_title=primary["parent__title"],
                    team_name=primary["parent__team__name"],
                    key_result_id=objective.parent_key_result_id if kr_title else None,
                    key_result_title=kr_title,
                    primary=True,
                )
            )
    further = Alignment.objects.filter(workspace=workspace, objective=objective).values(
        "parent_id", "parent__title", "parent__team__name", "key_result_id", "key_result__title"
    )
    links.extend(_further(a) for a in further)
    return tuple(links)

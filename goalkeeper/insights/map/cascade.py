"""The cascade on the strategy map (docs/cascade.md): key-result-level links drawn as nodes
of the tree the map lays out.

Under an objective, each of its key results that something aligns to becomes a node
("aligns"): the objectives aligned to that key result hang below it, the key results of
other objectives that contribute to it are leaves ("contributes", dashed), and so are the
objectives that support it as a further, non-primary parent ("also", dashed). Two queries
for whatever the map shows: the contributions into its key results and the further
alignments onto its objectives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from goalkeeper.accounts.models import Workspace
from goalkeeper.okrs.contributions import ContributionFact, contributions_in
from goalkeeper.okrs.models import Alignment
from goalkeeper.okrs.view_models import ObjectiveRow

# Leaves one key result node shows at most (contributors, then further supporters); a key
# result split among a thousand people is counted, not drawn a thousand times.
LEAVES_MAX = 25


@dataclass(frozen=True)
class Supporter:
    """An objective that supports a shown objective (or one of its key results) as a
    further, non-primary parent."""

    objective_id: int
    title: str
    team_name: str
    key_result_id: int | None


@dataclass(frozen=True)
class CascadeFacts:
    """What the map draws besides the primary alignment, for the objectives it shows."""

    contributors: dict[int, list[ContributionFact]] = field(default_factory=dict)
    # Parent objective id -> its further supporters.
    supporters: dict[int, list[Supporter]] = field(default_factory=dict)


def cascade_facts(workspace: Workspace, rows: Iterable[ObjectiveRow]) -> CascadeFacts:
    """Contributions into the rows' key results and further alignments onto the rows
    (two queries, none when nothing is shown)."""
    rows = list(rows)
    if not rows:
        return CascadeFacts()
    kr_ids = [kr.id for row in rows for kr in row.key_results]
    contributors = contributions_in(workspace, kr_ids) if kr_ids else {}
    supporters: dict[int, list[Supporter]] = {}
    further = (
        Alignment.objects.filter(workspace=workspace, parent_id__in=[row.id for row in rows])
        .order_by("parent_id", "id")
        .values_list(
            "parent_id",
            "objective_id",
            "objective__title",
            "objective__team__name",
            "key_result_id",
        )
    )
    for parent_id, objective_id, title, team, key_result_id in further:
        supporters.setdefault(parent_id, []).append(
            Supporter(objective_id, title, team, key_result_id)
        )
    return CascadeFacts(contributors=contributors, supporters=supporters)

"""Contributions that roll up, and the loops alignment must not make (docs/cascade.md).

A key result may contribute to another one (`contributes_to`); a key result that rolls up
takes as its value the sum or the average of what its contributors contribute. Alignment
(objective to objective or key result) and contribution are graphs that must stay free of
loops: these functions find the loop an edge would close, and the order in which the
ancestors of changed key results are recomputed (each once, children before parents).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.limits import bounded, total

Node = TypeVar("Node", bound=Hashable)

SUM = "sum"
AVERAGE = "average"
NONE = "none"


def contributed_value(kind: str, current: float | None, done: bool) -> float | None:
    """What a key result contributes to the one it rolls up into.

    A metric key result contributes its current value (None before any); a milestone 1.0
    when done and 0.0 otherwise, so that "3 of 5 milestones done" adds up to 3.
    """
    if kind == KeyResultKind.MILESTONE:
        return 1.0 if done else 0.0
    if current is None or not math.isfinite(current):
        return None
    return current


def rolled_value(rollup: str, values: Iterable[float | None]) -> float | None:
    """The sum or average of the known values; None when none is known (or no roll-up).

    An unknown value (a contributor with no check-in yet) is left out rather than counted
    as zero: an average over the contributors that reported says more than one dragged down
    by silence. The result is held inside the range a stored value keeps.
    """
    if rollup not in (SUM, AVERAGE):
        return None
    known = [value for value in values if value is not None and math.isfinite(value)]
    if not known:
        return None
    amount = total(known)
    if rollup == AVERAGE:
        # Divide each part first: a sum of values near the limit would overflow.
        amount = total(value / len(known) for value in known)
    return bounded(amount)


def find_loop(edges: Mapping[Node, Iterable[Node]], start: Node, target: Node) -> list[Node] | None:
    """The path `start -> ... -> target` along `edges`, or None when there is none.

    Adding an edge `target -> start` closes a loop exactly when such a path exists; the path
    is then what the refusal names. Breadth-first, so the shortest path is named.
    """
    if start == target:
        return [start]
    came_from: dict[Node, Node] = {}
    queue: deque[Node] = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for following in edges.get(node, ()):
            if following in seen:
                continue
            came_from[following] = node
            if following == target:
                path = [following]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            seen.add(following)
            queue.append(following)
    return None


def ancestors_in_order(
    parent_of: Mapping[Node, Node | None], changed: Iterable[Node], *, include_changed: bool = False
) -> list[Node]:
    """Every ancestor of the changed nodes, once, each after all of its descendants.

    With `include_changed`, the changed nodes themselves are among them (in their place).
    `parent_of` maps a node to the one it contributes to. Each node has one parent, so the
    ancestors are ordered by their distance from the top of their chain, deepest first. A
    loop in stored data (which the services refuse) ends the walk instead of hanging it.
    """
    # A dict keeps the order of discovery: ties in depth come out in a stable order.
    ancestors: dict[Node, int] = {}
    for node in changed:
        if include_changed and node not in ancestors:
            ancestors[node] = _depth(parent_of, node)
        seen = {node}
        parent = parent_of.get(node)
        while parent is not None and parent not in seen:
            seen.add(parent)
            if parent not in ancestors:
                ancestors[parent] = _depth(parent_of, parent)
            parent = parent_of.get(parent)
    return sorted(ancestors, key=lambda node: -ancestors[node])


def _depth(parent_of: Mapping[Node, Node | None], node: Node) -> int:
    seen = {node}
    parent = parent_of.get(node)
    while parent is not None and parent not in seen:
        seen.add(parent)
        parent = parent_of.get(parent)
    return len(seen) - 1

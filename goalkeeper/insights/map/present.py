"""The strategy map as its page and JSON answers show it: each node with its link, colour,
status and figure in words, formatted as the objective and KPI pages format them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goalkeeper.insights.map.queries import (
    COMPANY,
    KEY_RESULT,
    KPI,
    OBJECTIVE,
    TEAM,
    MapNode,
    MapPage,
    MapSearch,
    StrategyMap,
)
from goalkeeper.web.templatetags.goalkeeper_ui import (
    HEALTH_LABELS,
    PACE_LABELS,
    percent,
    score1,
    with_unit,
)

KIND_LABELS = {
    COMPANY: gettext_lazy("Company"),
    TEAM: gettext_lazy("Team"),
    OBJECTIVE: gettext_lazy("Objective"),
    KPI: "KPI",
    KEY_RESULT: gettext_lazy("Key result"),
}


def node_url(node: MapNode, cycle_id: int) -> str:
    """Where clicking a node leads: the objective's page, the KPI's page, the team's part of
    the cycle board, the cycle board for the company."""
    if node.kind == OBJECTIVE and node.objective is not None:
        return reverse("objective_detail", args=[node.objective.id])
    if node.kind == KPI and node.kpi is not None:
        return reverse("kpi_detail", args=[node.kpi.id])
    if node.ref is not None:
        objective_id, key_result_id = node.ref
        url = reverse("objective_detail", args=[objective_id])
        return f"{url}#kr-{key_result_id}" if key_result_id else url
    board = reverse("cycle_board", args=[cycle_id])
    if node.kind == TEAM and node.team_id is not None:
        return f"{board}?{urlencode({'team': node.team_id})}"
    return board


def status_text(node: MapNode) -> str:
    """The node's status in words: pace while live, final score once closed, KPI health."""
    row = node.objective
    if row is not None:
        if row.final:
            return _("Final score %(score)s") % {"score": score1(row.final_score)}
        if row.live:
            return str(PACE_LABELS.get(str(row.status), ""))
        return _("Cycle closed")
    if node.kpi is not None:
        return str(HEALTH_LABELS.get(node.kpi.health, node.kpi.health))
    return ""


def figure_text(node: MapNode) -> str:
    """The node's number: an objective's progress (its final score once closed), a KPI's
    newest value with its unit."""
    row = node.objective
    if row is not None:
        return score1(row.final_score) if row.final else percent(row.progress)
    if node.kpi is not None:
        return with_unit(node.kpi.latest_value, node.kpi.unit)
    return ""


def summary(node: MapNode) -> list[str]:
    """What the list beside the chart says after a node's name: status, figure, team, owner."""
    parts = [status_text(node), figure_text(node)]
    if node.lead_text:
        parts.append(node.lead_text)
    if node.kind in (OBJECTIVE, KPI, KEY_RESULT):
        parts.append(node.team)
    if node.owner:
        parts.append(node.owner)
    return [part for part in parts if part]


def node_json(node: MapNode, cycle_id: int) -> dict[str, Any]:
    """A node for the chart script: plain values only (the script escapes what it shows)."""
    data: dict[str, Any] = {
        "key": node.key,
        "kind": node.kind,
        "edge": node.edge,
        "name": node.name,
        "url": node_url(node, cycle_id),
        "tone": node.tone,
        "status": status_text(node),
        "figure": figure_text(node),
        "team": node.team,
        "owner": node.owner,
        "summary": summary(node),
        "children": [node_json(child, cycle_id) for child in node.children],
    }
    if node.lead_text:
        data["lead"] = node.lead_text
    if node.kind == OBJECTIVE and node.objective is not None:
        data["id"] = node.objective.id
        data["unloaded"] = node.unloaded
        data["more_from"] = node.more_from
    if node.focused:
        data["focused"] = True
    return data


def map_json(strategy: StrategyMap) -> dict[str, Any]:
    """The whole map for the page's `json_script` and for the JSON endpoint."""
    cycle_id = strategy.cycle.id
    return {
        "cycle": cycle_id,
        "root": node_json(strategy.root, cycle_id),
        "focus": f"objective-{strategy.focus}" if strategy.focus is not None else None,
        "total": strategy.total,
        "complete": strategy.complete,
        "roots_left": strategy.roots_left,
        "unaligned_left": strategy.unaligned_left,
    }


def page_json(page: MapPage) -> dict[str, Any]:
    """One page of a node's supporting objectives."""
    return {
        "cycle": page.cycle_id,
        "parent": f"objective-{page.parent_id}",
        "nodes": [node_json(node, page.cycle_id) for node in page.nodes],
        "total": page.total,
        "more_from": page.more_from,
    }


def search_json(search: MapSearch) -> dict[str, Any]:
    """The search's hits, each with its path's titles."""
    return {
        "cycle": search.cycle_id,
        "query": search.query,
        "total": search.total,
        "hits": [
            {
                **_without_children(node_json(hit.node, search.cycle_id)),
                "path": [title for _, title in hit.path],
            }
            for hit in search.hits
        ],
    }


def _without_children(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "children"}


def map_words() -> dict[str, str]:
    """The sentences the map's script shows, in the person's language ("{name}" marks
    what the script fills in)."""
    return {
        "unaligned": _("unaligned"),
        "key_result": _("key result"),
        "kr_prefix": _("KR:"),
        "also_prefix": _("also:"),
        "drives": _("drives"),
        "leads": _("leads"),
        "leads_tip": _("Declared to lead it. Correlation, not causation:"),
        "contributes": _("contributes"),
        "also": _("also supports"),
        "unaligned_edge": _("Unaligned ·"),
        "supporting": _("+ {count} supporting"),
        "click_to_load": _("Click to load them"),
        "drives_kr": _("Drives its key result"),
        "contributes_kr": _("Contributes to the key result above"),
        "also_supports": _("Also supports the one above (not its primary parent)"),
        "kr_aligns": _("Key result: what hangs below aligns to it"),
        "loaded": _("{count} supporting objectives of {name} loaded"),
        "load_failed": _("The supporting objectives could not be loaded. Try again."),
        "shown": _("{name} shown on the map, with its path"),
        "search_failed": _("The search failed. Try again."),
        "no_match": _("No objective matches “{query}”."),
        "more_hits": _("{count} more: type more of the name."),
        "found_one": _("1 objective found"),
        "found_many": _("{count} objectives found"),
    }

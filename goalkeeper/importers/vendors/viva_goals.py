"""Microsoft Viva Goals: an Explorer view exported to Excel or CSV (docs/importers.md).

One row per item (objective, key result, project), each with its ID and its parent's ID:
an objective's parent is what it aligns to, a key result's parent its objective (or the
key result it contributes to), a project's parent what it serves. Projects are work, not
results, and are left out with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goalkeeper.importers.vendors.base import Converted, Importer
from goalkeeper.importers.vendors.document import Builder, plural
from goalkeeper.importers.vendors.tables import Column, Row, heading_key, read_table

COLUMNS = (
    Column("id", ("ID", "Item ID"), required=True),
    Column("title", ("Title", "Name"), required=True),
    Column("type", ("Type", "Item Type"), required=True),
    Column("parent", ("Parent ID", "Parent")),
    Column("owner", ("Owner", "Owner Name")),
    Column("owner_email", ("Owner Email", "Owner UPN")),
    Column("team", ("Team", "Teams")),
    Column("period", ("Time Period", "Period"), required=True),
    Column("period_start", ("Time Period Start", "Start Date")),
    Column("period_end", ("Time Period End", "End Date")),
    Column("status", ("Status",)),
    Column("metric", ("Metric Type", "Progress Type")),
    Column("start", ("Start Value", "Start")),
    Column("target", ("Target Value", "Target")),
    Column("current", ("Current Value", "Current")),
    Column("unit", ("Unit", "Metric Unit")),
    Column("checked", ("Last Check-in", "Last Check-in Date", "Last Updated")),
    Column("note", ("Check-in Note", "Note")),
    Column("description", ("Description",)),
)

TYPES = {
    "Objective": "objective",
    "Key Result": "key_result",
    "Project": "project",
    "Initiative": "project",
    "KPI": "kpi",
}
# How a key result's progress is measured, in Viva Goals' words.
METRICS = {
    "Increase to": "increase",
    "Decrease to": "decrease",
    "Keep above": "above",
    "Keep below": "below",
    "Achieved or not": "milestone",
}
# The status of the latest check-in, as a confidence out of 10 (docs/importers.md).
STATUSES: dict[str, int | None] = {
    "On track": 8,
    "Behind": 5,
    "At risk": 2,
    "Not started": None,
    "Closed": None,
    "Completed": None,
    "Postponed": None,
}


def convert(data: bytes, filename: str, mapping: Mapping[str, str] | None = None) -> Converted:
    """The open-format document of a Viva Goals export, with what did not map."""
    table = read_table(data, filename, COLUMNS)
    builder = Builder(table=table, company="Company", tool="Viva Goals")
    items: dict[str, tuple[Row, str]] = {}
    for row in table.rows:
        builder.learn_email(table.text(row, "owner"), table.text(row, "owner_email"))
        item_id = table.required(row, "id")
        kind = table.choice(row, "type", TYPES, "objective")
        if item_id in items:
            table.problem(row, "id", f"{item_id!r} appears twice")
        items[item_id] = (row, kind)
    made: dict[str, dict[str, Any]] = {}
    kr_of: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    skipped = {"project": 0, "kpi": 0}
    closed = 0
    # Objectives first, so every key result finds its objective whatever the row order.
    for item_id, (row, kind) in items.items():
        if kind != "objective":
            continue
        period = table.required(row, "period")
        cycle = builder.cycle(
            row, period, "period", table.day(row, "period_start"), table.day(row, "period_end")
        )
        owner = builder.person(
            row, table.text(row, "owner"), table.text(row, "owner_email"), "owner_email"
        )
        table.choice(row, "status", STATUSES, None)
        closed += heading_key(table.text(row, "status")) in ("closed", "completed")
        made[item_id] = builder.objective(
            row,
            title=builder.title(row, "title"),
            cycle=cycle,
            team=builder.team(row, table.text(row, "team")),
            owner=owner,
            description=table.text(row, "description"),
        )
    for item_id, (row, kind) in items.items():
        if kind in skipped:
            skipped[kind] += 1
        elif kind == "key_result":
            _key_result(builder, row, item_id, items, made, kr_of)
    unaligned = _align(builder, items, made, kr_of)
    document = builder.document()
    _warn(builder, skipped, closed, unaligned)
    return Converted(document=document, warnings=builder.warnings, lines=builder.lines(document))


def _key_result(
    builder: Builder,
    row: Row,
    item_id: str,
    items: dict[str, tuple[Row, str]],
    made: dict[str, dict[str, Any]],
    kr_of: dict[str, tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    table = builder.table
    parent = table.text(row, "parent")
    # A key result nested below another key result joins that one's objective and
    # contributes to it.
    contributes: str | None = None
    seen = {item_id}
    while parent in items and items[parent][1] == "key_result" and parent not in seen:
        seen.add(parent)
        contributes = contributes or parent
        parent = table.text(items[parent][0], "parent")
    objective = made.get(parent)
    if objective is None:
        table.problem(row, "parent", f"{parent!r} is not an objective of the file")
        return
    status = table.choice(row, "status", STATUSES, None)
    how = table.choice(row, "metric", METRICS, "metric")
    kr = builder.key_result(
        objective,
        row,
        title=builder.title(row, "title"),
        owner=builder.person(
            row, table.text(row, "owner"), table.text(row, "owner_email"), "owner_email"
        ),
        how=how,
        columns={"start": "start", "target": "target", "current": "current"},
        unit=builder.unit(row, "unit"),
        confidence=status,
        note=table.text(row, "note"),
        checked_at=table.day(row, "checked"),
    )
    kr_of[item_id] = (objective, kr)
    if contributes is not None:
        kr["_contributes"] = contributes


def _align(
    builder: Builder,
    items: dict[str, tuple[Row, str]],
    made: dict[str, dict[str, Any]],
    kr_of: dict[str, tuple[dict[str, Any], dict[str, Any]]],
) -> int:
    """Set each objective's `supports` from its parent; the count of parents not found."""
    table = builder.table
    unaligned = 0
    for item_id, objective in made.items():
        parent = table.text(items[item_id][0], "parent")
        if not parent:
            continue
        if parent in made:
            objective["supports"] = [made[parent]["key"]]
        elif parent in kr_of:
            above, kr = kr_of[parent]
            objective["supports"] = [f"{above['key']}/{kr['key']}"]
        else:
            unaligned += 1
    for _objective, kr in kr_of.values():
        parent = kr.pop("_contributes", None)
        if parent in kr_of:
            above, target = kr_of[parent]
            kr["contributes_to"] = f"{above['key']}/{target['key']}"
    return unaligned


def _warn(builder: Builder, skipped: dict[str, int], closed: int, unaligned: int) -> None:
    words = builder.warnings
    if skipped["project"]:
        words.append(
            f"Viva Goals projects are work, not key results: "
            f"{plural(skipped['project'], 'project', 'projects')} skipped."
        )
    if skipped["kpi"]:
        words.append(
            f"Viva Goals KPI rows carry no KPI definition: {plural(skipped['kpi'], 'row', 'rows')} "
            "skipped; add the KPIs on the KPI pages."
        )
    if closed:
        words.append(
            f"{plural(closed, 'objective was', 'objectives were')} closed in Viva Goals and "
            "are imported active: close them here with their final score."
        )
    if unaligned:
        words.append(
            f"{plural(unaligned, 'objective is', 'objectives are')} aligned to an item that is "
            "not in the export: imported without that alignment."
        )


IMPORTER = Importer(name="viva-goals", label="Viva Goals export (XLSX or CSV)", convert=convert)

"""Perdoo: the goals export to CSV or Excel (docs/importers.md, "Perdoo").

One row per goal: objectives, key results, initiatives and KPIs. A goal is owned by the
company or a team (`Owner`, with `Owner Type`) and led by a person (`Lead`). A result's
parent is its objective; an objective's parent is the one it is aligned to (Perdoo allows
one). Initiatives are work, not results, and are left out with a warning; a KPI's
definition is kept, its values are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goalkeeper.importers.vendors.base import Converted, Importer
from goalkeeper.importers.vendors.document import Builder, plural
from goalkeeper.importers.vendors.tables import Column, Row, heading_key, read_table
from goalkeeper.portability.fields import number

COLUMNS = (
    Column("id", ("ID", "Goal ID"), required=True),
    Column("type", ("Type", "Goal Type"), required=True),
    Column("name", ("Name", "Title"), required=True),
    Column("description", ("Description",)),
    Column("owner", ("Owner", "Group")),
    Column("owner_type", ("Owner Type",)),
    Column("lead", ("Lead",)),
    Column("lead_email", ("Lead Email",)),
    Column("timeframe", ("Timeframe",)),
    Column("timeframe_start", ("Timeframe Start",)),
    Column("timeframe_end", ("Timeframe End",)),
    Column("parent", ("Parent ID", "Aligned To")),
    Column("status", ("Status",)),
    Column("result_type", ("Result Type", "Metric Type")),
    Column("start", ("Start Value",)),
    Column("current", ("Current Value",)),
    Column("target", ("Target Value",)),
    Column("unit", ("Metric Unit", "Unit")),
    Column("updated", ("Last Updated", "Last Progress Update")),
    Column("note", ("Last Comment", "Comment")),
    Column("kpi_goal", ("The KPI Should", "KPI Goal")),
    Column("frequency", ("Target Frequency",)),
)

TYPES = {
    "Objective": "objective",
    "Key Result": "key_result",
    "Initiative": "initiative",
    "KPI": "kpi",
}
RESULT_TYPES = {
    "Number": "metric",
    "Percentage": "metric",
    "Currency": "metric",
    "Yes/No": "milestone",
}
# A result's status, as its lead's confidence out of 10 (docs/importers.md).
STATUSES: dict[str, int | None] = {
    "Accomplished": 10,
    "On track": 8,
    "Needs attention": 5,
    "Off track": 2,
    "Healthy": None,
    "Unhealthy": None,
}
KPI_GOALS = {
    "Stay above": "higher_is_better",
    "Stay below": "lower_is_better",
}
FREQUENCIES = {name.title(): name for name in ("weekly", "monthly", "quarterly", "yearly")}


def convert(data: bytes, filename: str, mapping: Mapping[str, str] | None = None) -> Converted:
    """The open-format document of a Perdoo export, with what did not map."""
    table = read_table(data, filename, COLUMNS)
    company = next(
        (
            table.text(row, "owner")
            for row in table.rows
            if heading_key(table.text(row, "owner_type")) == "company" and table.text(row, "owner")
        ),
        "Company",
    )
    builder = Builder(table=table, company=company, tool="Perdoo")
    goals: dict[str, tuple[Row, str]] = {}
    for row in table.rows:
        builder.learn_email(table.text(row, "lead"), table.text(row, "lead_email"))
        goal_id = table.required(row, "id")
        if goal_id in goals:
            table.problem(row, "id", f"{goal_id!r} appears twice")
        goals[goal_id] = (row, table.choice(row, "type", TYPES, "objective"))
    objectives: dict[str, dict[str, Any]] = {}
    results: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    counts = {"initiative": 0, "kpi_values": 0, "accomplished": 0}
    for goal_id, (row, kind) in goals.items():
        if kind == "objective":
            objectives[goal_id] = builder.objective(
                row,
                title=builder.title(row, "name"),
                cycle=builder.cycle(
                    row,
                    table.required(row, "timeframe"),
                    "timeframe",
                    table.day(row, "timeframe_start"),
                    table.day(row, "timeframe_end"),
                ),
                team=builder.team(row, table.text(row, "owner")),
                owner=_lead(builder, row),
                description=table.text(row, "description"),
            )
        elif kind == "kpi":
            _kpi(builder, row, counts)
    for goal_id, (row, kind) in goals.items():
        if kind == "initiative":
            counts["initiative"] += 1
        elif kind == "key_result":
            parent = table.text(row, "parent")
            objective = objectives.get(parent)
            if objective is None:
                table.problem(row, "parent", f"{parent!r} is not an objective of the file")
                continue
            status = heading_key(table.text(row, "status"))
            counts["accomplished"] += status == "accomplished"
            kr = builder.key_result(
                objective,
                row,
                title=builder.title(row, "name"),
                owner=_lead(builder, row),
                how=table.choice(row, "result_type", RESULT_TYPES, "metric"),
                columns={"start": "start", "target": "target", "current": "current"},
                unit=builder.unit(row, "unit"),
                confidence=table.choice(row, "status", STATUSES, None),
                note=table.text(row, "note"),
                checked_at=table.day(row, "updated"),
            )
            results[goal_id] = (objective, kr)
    unaligned = 0
    for goal_id, objective in objectives.items():
        parent = table.text(goals[goal_id][0], "parent")
        if parent in objectives:
            objective["supports"] = [objectives[parent]["key"]]
        elif parent in results:
            above, kr = results[parent]
            objective["supports"] = [f"{above['key']}/{kr['key']}"]
        elif parent:
            unaligned += 1
    document = builder.document()
    _warn(builder, counts, unaligned)
    return Converted(document=document, warnings=builder.warnings, lines=builder.lines(document))


def _lead(builder: Builder, row: Row) -> str | None:
    table = builder.table
    return builder.person(row, table.text(row, "lead"), table.text(row, "lead_email"), "lead_email")


def _kpi(builder: Builder, row: Row, counts: dict[str, int]) -> None:
    table = builder.table
    target = table.number(row, "target")
    counts["kpi_values"] += table.number(row, "current") is not None
    builder.kpi(
        row,
        name=builder.title(row, "name")[:160],
        team=builder.team(row, table.text(row, "owner")),
        owner=_lead(builder, row),
        description=table.text(row, "description"),
        unit=builder.unit(row, "unit"),
        direction=table.choice(row, "kpi_goal", KPI_GOALS, "higher_is_better"),
        target=number(target),
        frequency=table.choice(row, "frequency", FREQUENCIES, "monthly"),
    )


def _warn(builder: Builder, counts: dict[str, int], unaligned: int) -> None:
    words = builder.warnings
    if counts["initiative"]:
        words.append(
            "Perdoo initiatives are work, not key results: "
            f"{plural(counts['initiative'], 'initiative', 'initiatives')} skipped."
        )
    if counts["kpi_values"]:
        words.append(
            "Perdoo KPI values are not carried "
            f"({plural(counts['kpi_values'], 'current value', 'current values')}): the KPIs "
            "arrive without measurements; enter or connect their values on the KPI pages."
        )
    if counts["accomplished"]:
        words.append(
            f"{plural(counts['accomplished'], 'key result', 'key results')} accomplished in "
            "Perdoo: the last check-in of each carries a confidence of 10."
        )
    if unaligned:
        words.append(
            f"{plural(unaligned, 'objective is', 'objectives are')} aligned to a goal that is "
            "not in the export (a strategic pillar, or another timeframe): imported without "
            "that alignment."
        )


IMPORTER = Importer(name="perdoo", label="Perdoo export (XLSX or CSV)", convert=convert)

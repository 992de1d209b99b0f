"""Tability: a workspace's outcomes exported to CSV or Excel (docs/importers.md, "Tability").

One row per outcome (or initiative) with its plan and objective. Tability has plans where
Goalkeeper has teams and cycles: a plan becomes a team named after the plan without its
time period ("Sales OKRs Q4 2026" -> "Sales"), a sub-plan a team below its parent plan's,
and the plan's dates its cycle. An outcome aligned to another outcome contributes to it,
and its objective supports that outcome. Initiatives are left out with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from goalkeeper.importers.vendors.base import Converted, Importer
from goalkeeper.importers.vendors.document import Builder, period_dates, plural
from goalkeeper.importers.vendors.tables import Column, Row, read_table

COLUMNS = (
    Column("plan", ("Plan", "Plan Title"), required=True),
    Column("parent_plan", ("Parent Plan",)),
    Column("plan_start", ("Plan Start", "Start Date")),
    Column("plan_end", ("Plan End", "End Date")),
    Column("objective", ("Objective",), required=True),
    Column("outcome", ("Outcome", "Title"), required=True),
    Column("outcome_id", ("Outcome ID", "ID")),
    Column("type", ("Type",)),
    Column("owner", ("Owner",)),
    Column("owner_email", ("Owner Email",)),
    Column("progress_type", ("Progress Type", "Outcome Type")),
    Column("start", ("Start", "Start Value")),
    Column("target", ("Target", "Target Value")),
    Column("current", ("Current", "Current Value", "Score")),
    Column("unit", ("Unit",)),
    Column("confidence", ("Confidence",)),
    Column("checked", ("Last Check-in", "Last Check-in Date")),
    Column("analysis", ("Analysis", "Check-in Analysis")),
    Column("aligned_to", ("Aligned To", "Parent Outcome ID")),
)

TYPES = {"Outcome": "outcome", "Initiative": "initiative"}
PROGRESS_TYPES = {
    "Increase": "increase",
    "Decrease": "decrease",
    "Stay above": "above",
    "Stay below": "below",
    "Achieve": "milestone",
}
# The confidence of the latest check-in, out of 10 (docs/importers.md).
CONFIDENCES: dict[str, int | None] = {
    "On track": 8,
    "At risk": 5,
    "Off track": 2,
    "Pending": None,
}
_PERIOD = re.compile(
    r"\s*\b(q[1-4]\s*(fy)?\s*\d{4}|(fy)?\s*\d{4}\s*[-/ ]?\s*[qh][1-4]|h[12]\s*\d{4}|(fy)?\d{4})$",
    re.IGNORECASE,
)
_PLAN_WORDS = re.compile(r"\s*\b(okrs?|plan|goals)$", re.IGNORECASE)


def team_name(plan: str) -> str:
    """The team a plan stands for: its name without a trailing time period and the words
    OKRs, plan or goals (`Sales OKRs Q4 2026` -> `Sales`); the plan's name when nothing
    is left."""
    name = _PLAN_WORDS.sub("", _PERIOD.sub("", plan)).strip(" -:\u2013\u2014")
    return name or plan


def cycle_name(plan: str, start: dt.date, end: dt.date) -> str:
    """A plan's cycle: named after its period when the plan's name ends with one whose
    dates match, else after its dates."""
    match = _PERIOD.search(plan)
    if match and period_dates(match[0].strip()) == (start, end):
        return match[0].strip()
    return f"{start.isoformat()} to {end.isoformat()}"


def convert(data: bytes, filename: str, mapping: Mapping[str, str] | None = None) -> Converted:
    """The open-format document of a Tability export, with what did not map."""
    table = read_table(data, filename, COLUMNS)
    builder = Builder(table=table, company="Company", tool="Tability")
    for row in table.rows:
        builder.learn_email(table.text(row, "owner"), table.text(row, "owner_email"))
    plans: dict[str, str] = {}
    objectives: dict[tuple[str, str], dict[str, Any]] = {}
    outcomes: dict[str, tuple[dict[str, Any], dict[str, Any], Row]] = {}
    initiatives = 0
    for row in table.rows:
        if table.choice(row, "type", TYPES, "outcome") == "initiative":
            initiatives += 1
            continue
        plan = table.required(row, "plan")
        team = _plan_team(builder, row, plan, plans)
        cycle = _cycle(builder, row, plan)
        title = builder.title(row, "objective")
        objective = objectives.get((plan, title))
        if objective is None:
            objective = objectives[(plan, title)] = builder.objective(
                row, title=title, cycle=cycle, team=team
            )
        kr = builder.key_result(
            objective,
            row,
            title=builder.title(row, "outcome"),
            owner=builder.person(
                row, table.text(row, "owner"), table.text(row, "owner_email"), "owner_email"
            ),
            how=table.choice(row, "progress_type", PROGRESS_TYPES, "increase"),
            columns={"start": "start", "target": "target", "current": "current"},
            unit=builder.unit(row, "unit"),
            confidence=table.choice(row, "confidence", CONFIDENCES, None),
            note=table.text(row, "analysis"),
            checked_at=table.day(row, "checked"),
        )
        outcome_id = table.text(row, "outcome_id")
        if outcome_id in outcomes:
            table.problem(row, "outcome_id", f"{outcome_id!r} appears twice")
        elif outcome_id:
            outcomes[outcome_id] = (objective, kr, row)
    unaligned = _align(builder, outcomes)
    document = builder.document()
    if initiatives:
        builder.warnings.append(
            "Tability initiatives are work, not outcomes: "
            f"{plural(initiatives, 'initiative', 'initiatives')} skipped."
        )
    if unaligned:
        builder.warnings.append(
            f"{plural(unaligned, 'outcome is', 'outcomes are')} aligned to an outcome that is "
            "not in the export: imported without that alignment."
        )
    return Converted(document=document, warnings=builder.warnings, lines=builder.lines(document))


def _plan_team(builder: Builder, row: Row, plan: str, plans: dict[str, str]) -> str:
    if plan not in plans:
        parent_plan = builder.table.text(row, "parent_plan")
        parent = builder.team(row, team_name(parent_plan)) if parent_plan else None
        plans[plan] = builder.team(row, team_name(plan), parent)
    return plans[plan]


def _cycle(builder: Builder, row: Row, plan: str) -> str:
    table = builder.table
    start, end = table.day(row, "plan_start"), table.day(row, "plan_end")
    if start is not None and end is not None:
        return builder.cycle(row, cycle_name(plan, start, end), "plan_end", start, end)
    match = _PERIOD.search(plan)
    return builder.cycle(row, match[0].strip() if match else plan, "plan", None, None)


def _align(
    builder: Builder, outcomes: dict[str, tuple[dict[str, Any], dict[str, Any], Row]]
) -> int:
    """Each aligned outcome contributes to its parent, and its objective supports that
    parent (first found); the count of alignments to outcomes not in the file."""
    unaligned = 0
    for objective, kr, row in outcomes.values():
        parent = builder.table.text(row, "aligned_to")
        if not parent:
            continue
        if parent not in outcomes:
            unaligned += 1
            continue
        above, target, _ = outcomes[parent]
        name = f"{above['key']}/{target['key']}"
        if above is not objective:
            kr["contributes_to"] = name
            if name not in objective.setdefault("supports", []):
                objective["supports"].append(name)
    return unaligned


IMPORTER = Importer(name="tability", label="Tability export (XLSX or CSV)", convert=convert)

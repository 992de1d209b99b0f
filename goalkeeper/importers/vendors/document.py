"""Building an open-format document from the rows of another tool's export.

The rules every vendor importer shares (docs/importers.md, "From other tools"):

- The company is the document's root team (the workspace's own root once imported); every
  other team hangs below it unless the export says otherwise.
- People are known by email. Someone the export names without an email, anywhere in the
  file, is not added: what they own is imported without an owner and a warning names them,
  so an admin can add them and assign their items. No address is ever made up.
- Keys come from titles in the order of the file, so the same file gives the same keys and
  importing it again changes nothing.
- A current value becomes a check-in on the day the export gives for it; without a day it is
  dated at its cycle's start and a warning says how many were.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from goalkeeper.importers.vendors.tables import Row, Table
from goalkeeper.portability.document import VERSION, Path_
from goalkeeper.portability.fields import number
from goalkeeper.portability.keys import slug_of, unique_key

TITLE_LENGTH = 200
UNIT_LENGTH = 30

_QUARTER = re.compile(r"^(?:q([1-4])\s*(?:fy)?\s*(\d{4})|(?:fy)?\s*(\d{4})\s*[-/ ]?\s*q([1-4]))$")
_HALF = re.compile(r"^(?:h([12])\s*(?:fy)?\s*(\d{4})|(?:fy)?\s*(\d{4})\s*[-/ ]?\s*h([12]))$")
_YEAR = re.compile(r"^(?:fy|year)?\s*(\d{4})$")


def period_dates(name: str) -> tuple[dt.date, dt.date] | None:
    """The calendar dates a period's name stands for: `Q1 2027`, `2027-Q1`, `H2 2027`,
    `FY2027`, `2027`; `None` for any other name."""
    text = " ".join(name.lower().split())
    if match := _QUARTER.match(text):
        quarter, year = (
            (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[3]))
        )
        month = 3 * quarter - 2
        end = dt.date(year + (month + 3 > 12), (month + 2) % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(year, month, 1), end
    if match := _HALF.match(text):
        half, year = (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[3]))
        if half == 1:
            return dt.date(year, 1, 1), dt.date(year, 6, 30)
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    if match := _YEAR.match(text):
        year = int(match[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None


@dataclass
class Builder:
    """A document being built from one table, with what did not map one to one."""

    table: Table
    company: str
    tool: str
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    cycles: dict[str, dict[str, Any]] = field(default_factory=dict)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    objectives: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unnamed: Counter[str] = field(default_factory=Counter)
    undated: int = 0
    _emails: dict[str, str] = field(default_factory=dict)
    _team_names: dict[str, str] = field(default_factory=dict)
    _objective_keys: set[str] = field(default_factory=set)
    _kpi_keys: set[str] = field(default_factory=set)
    # The line each item of the document came from, by the item's identity.
    _lines: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = slug_of(self.company)
        self.teams[self.root] = {"key": self.root, "name": self.company}
        self._team_names[self.company.lower()] = self.root

    # --- Teams, people, cycles --------------------------------------------------------------

    def team(self, row: Row, name: str, parent: str | None = None) -> str:
        """The key of the team `name` (the company for an empty name or the company's own
        name), added below `parent` (a key; the company by default) the first time."""
        if not name or name.lower() == self.company.lower():
            return self.root
        known = self._team_names.get(name.lower())
        if known is not None:
            return known
        key = unique_key(name, set(self.teams))
        self.teams[key] = {"key": key, "name": name[:120], "parent": parent or self.root}
        self._lines[id(self.teams[key])] = row.line
        self._team_names[name.lower()] = key
        return key

    def learn_email(self, name: str, email: str) -> None:
        """Remember `email` for `name`, so a row naming the person without it finds it."""
        if name and email:
            self._emails.setdefault(name.lower(), email.lower())

    def person(self, row: Row, name: str, email: str, column: str) -> str | None:
        """The email of the person a row names (added to the document the first time), or
        `None` when the file gives no email for them anywhere (then counted for a warning)."""
        email = (email or self._emails.get(name.lower(), "")).strip().lower()
        if not email:
            if name:
                self.unnamed[name] += 1
            return None
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            self.table.problem(row, column, f"{email!r} is not an email address")
            return None
        if email not in self.people:
            self.people[email] = {"email": email, "name": (name or email)[:150]}
            self._lines[id(self.people[email])] = row.line
        return email

    def cycle(
        self, row: Row, name: str, column: str, start: dt.date | None, end: dt.date | None
    ) -> str:
        """The name of the cycle a row belongs to, added the first time; its dates come from
        the export, else from its name (`Q1 2027`...)."""
        name = name[:60]
        if name in self.cycles:
            return name
        if start is None or end is None:
            dates = period_dates(name)
            if dates is None:
                self.table.problem(
                    row,
                    column,
                    f"{name!r} does not say its dates: give its start and end, or name it "
                    "like Q1 2027, H1 2027 or 2027",
                )
                return name
            start, end = start or dates[0], end or dates[1]
        if end <= start:
            self.table.problem(row, column, f"{name!r} ends before it starts")
        self.cycles[name] = {
            "name": name,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "state": "active",
        }
        self._lines[id(self.cycles[name])] = row.line
        return name

    # --- Objectives, key results, KPIs ------------------------------------------------------

    def title(self, row: Row, column: str) -> str:
        title = self.table.required(row, column)
        if len(title) > TITLE_LENGTH:
            self.table.problem(row, column, f"is longer than {TITLE_LENGTH} characters")
        return title[:TITLE_LENGTH]

    def unit(self, row: Row, column: str) -> str:
        unit = self.table.text(row, column)
        if len(unit) > UNIT_LENGTH:
            self.table.problem(row, column, f"is longer than {UNIT_LENGTH} characters")
        return unit[:UNIT_LENGTH]

    def objective(self, row: Row, **item: Any) -> dict[str, Any]:
        """Add an objective (`title`, `cycle`, `team`, ...); its key comes from its title."""
        key = unique_key(item["title"], self._objective_keys)
        self._objective_keys.add(key)
        objective = {"key": key, **item, "key_results": []}
        self.objectives.append(objective)
        self._lines[id(objective)] = row.line
        return objective

    def kpi(self, row: Row, **item: Any) -> dict[str, Any]:
        key = unique_key(item["name"], self._kpi_keys)
        self._kpi_keys.add(key)
        kpi = {"key": key, **item}
        self.kpis.append(kpi)
        self._lines[id(kpi)] = row.line
        return kpi

    def key_result(
        self,
        objective: dict[str, Any],
        row: Row,
        *,
        title: str,
        owner: str | None,
        how: str,
        columns: dict[str, str],
        unit: str,
        confidence: int | None,
        note: str,
        checked_at: dt.date | None,
    ) -> dict[str, Any]:
        """Add a key result to `objective`. `how` is `increase`, `decrease` or `metric` (by
        start and target), `milestone`, `above` or `below` (a level to keep); `columns`
        names the start, target and current columns of the row; a milestone's current
        value is 1 once done, 0 before."""
        table = self.table
        start = table.number(row, columns["start"])
        target = table.number(row, columns["target"])
        current = table.number(row, columns["current"])
        item: dict[str, Any] = {"title": title, "owner": owner, "unit": unit}
        done = how == "milestone" and current is not None and current >= 1
        if how == "milestone":
            item["kind"] = "milestone"
        elif how in ("above", "below"):
            if not table.text(row, columns["target"]):
                table.problem(row, columns["target"], "is empty: a level to keep needs one")
            item["kind"] = "maintain"
            item["low" if how == "above" else "high"] = number(target)
        else:
            if not table.text(row, columns["target"]):
                table.problem(row, columns["target"], "is empty: a key result needs a target")
            start = 0.0 if start is None else start
            kind = how
            if target is not None and target == start:
                table.problem(row, columns["target"], "equals the start value")
            elif how == "metric" and target is not None:
                kind = "increase" if target > start else "decrease"
            elif target is not None and (target > start) != (how == "increase"):
                side = "above" if how == "increase" else "below"
                table.problem(row, columns["target"], f"must be {side} the start for {how}")
            item.update(kind=kind, start=number(start), target=number(target))
        key = unique_key(title, {kr["key"] for kr in objective["key_results"]})
        kr = {"key": key, **{k: v for k, v in item.items() if v not in (None, "")}}
        check_in = self._check_in(
            objective, how, start, current, done, confidence, note, checked_at, owner
        )
        if check_in:
            kr["check_ins"] = [check_in]
        objective["key_results"].append(kr)
        self._lines[id(kr)] = row.line
        return kr

    def _check_in(
        self,
        objective: dict[str, Any],
        how: str,
        start: float | None,
        current: float | None,
        done: bool,
        confidence: int | None,
        note: str,
        at: dt.date | None,
        author: str | None,
    ) -> dict[str, Any] | None:
        if how == "milestone":
            if not done and confidence is None and not note:
                return None
            value: dict[str, Any] = {"done": True} if done else {}
        else:
            if current is None or (at is None and current == start and not note):
                return None
            value = {"value": number(current)}
        if at is None:
            self.undated += 1
            cycle = self.cycles.get(objective["cycle"])
            at = dt.date.fromisoformat(cycle["start"]) if cycle else dt.date(1970, 1, 1)
        check_in = {"at": f"{at.isoformat()}T00:00:00Z", **value}
        if confidence is not None:
            check_in["confidence"] = confidence
        if note:
            check_in["note"] = note
        if author:
            check_in["author"] = author
        return check_in

    # --- The document -----------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The document, once the table has been read without a problem."""
        self.table.check()
        if self.unnamed:
            named = ", ".join(
                f"{name} ({count} {'item' if count == 1 else 'items'})"
                for name, count in sorted(self.unnamed.items())
            )
            self.warnings.append(
                f"No email for {len(self.unnamed)} "
                f"{'person' if len(self.unnamed) == 1 else 'people'} in the {self.tool} export, "
                f"so they are not added and what they own is imported without an owner: "
                f"{named}. Add them with their email and assign their items."
            )
        if self.undated:
            self.warnings.append(
                f"{self.undated} current {'value has' if self.undated == 1 else 'values have'} "
                "no date in the export: their check-ins are dated at their cycle's start."
            )
        if self.table.ignored:
            self.warnings.append(f"Columns not read: {', '.join(self.table.ignored)}.")
        document: dict[str, Any] = {
            "version": VERSION,
            "teams": list(self.teams.values()),
            "people": sorted(self.people.values(), key=lambda p: str(p["email"])),
            "cycles": sorted(self.cycles.values(), key=lambda c: (c["start"], c["name"])),
        }
        if self.kpis:
            document["kpis"] = self.kpis
        for item in (*self.objectives, *self.kpis):
            for name in ("owner", "description"):
                if not item.get(name):
                    item.pop(name, None)
        document["objectives"] = self.objectives
        return document

    def lines(self, document: dict[str, Any]) -> dict[Path_, int]:
        """The line of the file each item of `document` came from, by its path."""
        found: dict[Path_, int] = {}
        for section in ("teams", "people", "cycles", "kpis", "objectives"):
            for index, item in enumerate(document.get(section, [])):
                if id(item) in self._lines:
                    found[(section, index)] = self._lines[id(item)]
                for kr_index, kr in enumerate(item.get("key_results", [])):
                    found[(section, index, "key_results", kr_index)] = self._lines[id(kr)]
        return found


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"

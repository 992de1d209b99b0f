"""The generic importer: a CSV or XLSX file with one row per key result (docs/importers.md).

Rows of the same objective (its title, team and cycle) make one objective; a row without a
key result title names its objective only. Keys come from the titles. Teams, cycles and
people are named as the file names them; `fitting` matches them to the workspace.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from goalkeeper.importers.columns import BY_NAME, column_fields
from goalkeeper.importers.registry import Converted, Importer
from goalkeeper.importers.table import Cell, Row, Table, read_csv, read_table, read_xlsx
from goalkeeper.portability.document import DocumentError, Path_, Problem
from goalkeeper.portability.keys import slug_of, unique_key

KINDS = {
    "increase": "increase", "higher": "increase", "higherisbetter": "increase", "up": "increase",
    "grow": "increase", "steigern": "increase", "erhohen": "increase", "hoher": "increase",
    "decrease": "decrease", "lower": "decrease", "lowerisbetter": "decrease", "down": "decrease",
    "reduce": "decrease", "senken": "decrease", "verringern": "decrease", "niedriger": "decrease",
    "maintain": "maintain", "keep": "maintain", "range": "maintain", "inrange": "maintain",
    "halten": "maintain", "bereich": "maintain",
    "milestone": "milestone", "binary": "milestone", "done": "milestone", "yesno": "milestone",
    "meilenstein": "milestone",
}  # fmt: skip
OBJECTIVE_KINDS = {
    "committed": "committed", "commit": "committed", "roofshot": "committed",
    "verbindlich": "committed", "zugesagt": "committed",
    "aspirational": "aspirational", "moonshot": "aspirational", "stretch": "aspirational",
    "ambitioniert": "aspirational", "ambitionen": "aspirational",
}  # fmt: skip
DONE = {"yes", "true", "done", "1", "100", "100%", "x", "ja", "erledigt", "fertig", "complete"}
NOT_DONE = {"no", "false", "0", "0%", "", "nein", "offen", "open", "todo"}
NUMBERS = ("start", "target", "current", "commit", "stretch", "low", "high", "weight")
# Separators of two dates in a cycle cell: "2027-01-01..2027-03-31", "... to ...",
# "... bis ...", or an en or em dash.
DATE = r"(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}/\d{1,2}/\d{4})"
RANGE = re.compile(rf"^{DATE}\s*(?:\.\.|\u2013|\u2014|-|to|bis)\s*{DATE}$", re.IGNORECASE)
QUARTER = re.compile(r"^(?:(\d{4})\s*-?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))$", re.IGNORECASE)


def _word(value: Cell) -> str:
    return re.sub(r"[\W_]+", "", str(value).casefold().replace("ö", "o").replace("ä", "a"))


def parse_number(value: Cell) -> float | None:
    """A number as spreadsheets write it: `1234.5`, `1,234.5`, `1.234,5`, `12,5`, `45 %`,
    `€ 1,000`; None for an empty cell. Raises ValueError for anything else."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.date):
        raise ValueError
    text = re.sub(r"[\s\u00a0€$£%]|EUR|USD", "", value)
    if not text:
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif text.count(",") == 1 and not re.fullmatch(r"-?\d{1,3},\d{3}", text):
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        raise ValueError
    return float(text)


def parse_date(value: Cell) -> dt.date:
    """A date: ISO (`2027-01-31`), German (`31.1.2027`) or US (`1/31/2027`)."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a day, no time)
        except ValueError:
            continue
    raise ValueError


def quarter_dates(name: str) -> tuple[dt.date, dt.date] | None:
    """The calendar quarter a cycle name like `2027-Q1` or `Q1 2027` names."""
    found = QUARTER.match(name.strip())
    if found is None:
        return None
    year = int(found.group(1) or found.group(4))
    quarter = int(found.group(2) or found.group(3))
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def cycle_name(start: dt.date, end: dt.date) -> str:
    """The name of a cycle the file gives by its dates: `2027-Q1` for a calendar quarter."""
    quarter = (start.month + 2) // 3
    if (
        start.day == 1
        and start.month % 3 == 1
        and quarter_dates(f"{start.year}-Q{quarter}")
        == (
            start,
            end,
        )
    ):
        return f"{start.year}-Q{quarter}"
    return f"{start.isoformat()}..{end.isoformat()}"


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


@dataclass
class _Objective:
    item: dict[str, Any]
    line: int
    kr_keys: set[str] = field(default_factory=set)


class _Reader:
    """One pass over the rows, collecting the document, its lines, warnings and problems."""

    def __init__(self, table: Table, columns: dict[int, str], now: dt.datetime) -> None:
        self.table = table
        self.columns = columns
        self.headers = {name: table.headers[index] for index, name in columns.items()}
        self.at = now.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        self.problems: list[Problem] = []
        self.warnings: list[str] = list(table.warnings)
        self.teams: dict[str, dict[str, Any]] = {}
        self.people: dict[str, dict[str, Any]] = {}
        self.cycles: dict[str, dict[str, Any]] = {}
        self.objectives: dict[tuple[str, str, str], _Objective] = {}
        self.objective_keys: set[str] = set()
        self.lines: dict[Path_, int] = {}

    def problem(self, row: Row, name: str, message: str) -> None:
        self.problems.append(Problem(self.table.file, row.line, self.headers[name], message))

    def values(self, row: Row) -> dict[str, Cell]:
        return {name: row.get(index) for index, name in self.columns.items()}

    def text(self, values: Mapping[str, Cell], name: str) -> str:
        value = values.get(name, "")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float):
            return str(_number(value))
        return str(value).strip()

    def person(self, row: Row, values: Mapping[str, Cell], name: str) -> str | None:
        """An owner: an email (a new person is named after it), or a name `fitting` finds."""
        text = self.text(values, name)
        if not text:
            return None
        if "@" not in text:
            return text
        email = text.lower()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
            self.problem(row, name, f"{text!r} is not an email address")
            return None
        if email not in self.people:
            local = email.partition("@")[0]
            words = re.split(r"[._-]+", local)
            self.people[email] = {
                "email": email,
                "name": " ".join(word.capitalize() for word in words if word) or email,
            }
        return email

    def cycle(self, row: Row, values: Mapping[str, Cell]) -> str | None:
        name = self.text(values, "cycle")
        start = end = None
        try:
            if values.get("cycle_start", "") != "":
                start = parse_date(values["cycle_start"])
        except ValueError:
            self.problem(row, "cycle_start", f"{self.text(values, 'cycle_start')!r} is not a date")
        try:
            if values.get("cycle_end", "") != "":
                end = parse_date(values["cycle_end"])
        except ValueError:
            self.problem(row, "cycle_end", f"{self.text(values, 'cycle_end')!r} is not a date")
        found = RANGE.match(name)
        if found is not None:
            try:
                start, end = parse_date(found.group(1)), parse_date(found.group(2))
            except ValueError:
                self.problem(row, "cycle", f"{name!r} names no dates")
                return None
            name = cycle_name(start, end)
        if not name and start and end:
            name = cycle_name(start, end)
        if not name:
            if "cycle" in self.headers or "cycle_start" in self.headers:
                self.problem(row, "cycle" if "cycle" in self.headers else "cycle_start", "is empty")
            return None
        if start is None or end is None:
            start, end = quarter_dates(name) or (None, None)
        if start is not None and end is not None and name not in self.cycles:
            if end < start:
                self.problem(row, "cycle" if "cycle" in self.headers else "cycle_end",
                             "the cycle ends before it starts")  # fmt: skip
                return None
            self.cycles[name] = {"name": name, "start": start.isoformat(), "end": end.isoformat()}
        return name

    def numbers(
        self, row: Row, values: Mapping[str, Cell], skip: tuple[str, ...] = ()
    ) -> dict[str, float | int | None]:
        found: dict[str, float | int | None] = {}
        for name in NUMBERS:
            if name not in values or name in skip:
                continue
            try:
                number = parse_number(values[name])
            except ValueError:
                self.problem(row, name, f"{self.text(values, name)!r} is not a number")
                continue
            found[name] = None if number is None else _number(number)
        return found

    def row(self, row: Row) -> None:
        values = self.values(row)
        title = self.text(values, "objective")
        if not title:
            self.problem(row, "objective", "is empty: every row names its objective")
            return
        team_name = self.text(values, "team")
        team = slug_of(team_name) if team_name else None
        if team is not None and team not in self.teams:
            self.teams[team] = {"key": team, "name": team_name}
        cycle = self.cycle(row, values)
        group = (title.casefold(), team or "", (cycle or "").casefold())
        objective = self.objectives.get(group)
        if objective is None:
            key = unique_key(title, self.objective_keys)
            self.objective_keys.add(key)
            item: dict[str, Any] = {"key": key, "cycle": cycle, "team": team, "title": title}
            objective = self.objectives[group] = _Objective(item, row.line)
            self.lines[("objectives", len(self.objectives) - 1)] = row.line
        self.objective_fields(row, values, objective)
        kr_title = self.text(values, "key_result")
        if kr_title:
            self.key_result(row, values, objective, kr_title)
        elif any(values.get(name, "") != "" for name in ("target", "start", "current", "owner")):
            self.warnings.append(
                f"{self.table.file}:{row.line}: the row has values but no key result title; "
                "its values were left out."
            )

    def objective_fields(self, row: Row, values: Mapping[str, Cell], objective: _Objective) -> None:
        item = objective.item
        wanted: dict[str, Any] = {}
        owner = self.person(row, values, "objective_owner")
        if owner:
            wanted["owner"] = owner
        if self.text(values, "description"):
            wanted["description"] = self.text(values, "description")
        kind = self.text(values, "objective_kind")
        if kind:
            if _word(kind) in OBJECTIVE_KINDS:
                wanted["kind"] = OBJECTIVE_KINDS[_word(kind)]
            else:
                self.problem(row, "objective_kind", f"{kind!r} is not committed or aspirational")
        for name, value in wanted.items():
            if name not in item:
                item[name] = value
            elif item[name] != value:
                self.warnings.append(
                    f"{self.table.file}:{row.line}: the objective {item['title']!r} has another "
                    f"{BY_NAME[name if name != 'kind' else 'objective_kind'].label} on line "
                    f"{objective.line}; the first one was kept."
                    if name != "owner"
                    else f"{self.table.file}:{row.line}: the objective {item['title']!r} has "
                    f"another owner on line {objective.line}; the first one was kept."
                )

    def key_result(
        self, row: Row, values: Mapping[str, Cell], objective: _Objective, title: str
    ) -> None:
        item = objective.item
        key = unique_key(title, objective.kr_keys)
        objective.kr_keys.add(key)
        kr: dict[str, Any] = {"key": key, "title": title}
        owner = self.person(row, values, "owner")
        if owner:
            kr["owner"] = owner
        direction = self.text(values, "direction")
        if direction:
            if _word(direction) in KINDS:
                kr["kind"] = KINDS[_word(direction)]
            else:
                self.problem(
                    row,
                    "direction",
                    f"{direction!r} is not increase, decrease, maintain or milestone",
                )
        if self.text(values, "unit"):
            kr["unit"] = self.text(values, "unit")[:30]
        milestone = kr.get("kind") == "milestone"
        numbers = self.numbers(row, values, skip=("current",) if milestone else ())
        for name in ("start", "target", "commit", "stretch", "low", "high", "weight"):
            if numbers.get(name) is not None:
                kr[name] = numbers[name]
        if "kind" not in kr and "start" in kr and "target" in kr and kr["target"] < kr["start"]:
            kr["kind"] = "decrease"
        current = values.get("current", "")
        if milestone and current != "":
            word = str(current).strip().casefold()
            if word in DONE or word in NOT_DONE:
                kr["check_ins"] = [{"at": self.at, "done": word in DONE}]
            else:
                self.problem(
                    row, "current", f"{self.text(values, 'current')!r} is not done or open"
                )
        elif numbers.get("current") is not None:
            kr["check_ins"] = [{"at": self.at, "value": numbers["current"]}]
        item.setdefault("key_results", []).append(kr)
        index = list(self.objectives.values()).index(objective)
        self.lines[("objectives", index, "key_results", len(item["key_results"]) - 1)] = row.line

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"version": 1}
        if self.teams:
            document["teams"] = list(self.teams.values())
        if self.people:
            document["people"] = list(self.people.values())
        if self.cycles:
            document["cycles"] = list(self.cycles.values())
        document["objectives"] = [objective.item for objective in self.objectives.values()]
        return document


def convert_table(
    table: Table, mapping: Mapping[str, str] | None, now: dt.datetime | None = None
) -> Converted:
    """The document of a table of key results; refuses with every problem of every row."""
    columns = column_fields(table.headers, mapping, table.file)
    reader = _Reader(table, columns, now or dt.datetime.now(dt.UTC))
    for row in table.rows:
        reader.row(row)
    if reader.problems:
        raise DocumentError(reader.problems)
    if not table.rows:
        reader.warnings.append(f"{table.file} has a header but no rows.")
    return Converted(document=reader.document(), warnings=reader.warnings, lines=reader.lines)


def convert(data: bytes, filename: str, mapping: Mapping[str, str] | None) -> Converted:
    return convert_table(read_table(data, filename), mapping)


def _convert_csv(data: bytes, filename: str, mapping: Mapping[str, str] | None) -> Converted:
    return convert_table(read_csv(data, filename), mapping)


def _convert_xlsx(data: bytes, filename: str, mapping: Mapping[str, str] | None) -> Converted:
    return convert_table(read_xlsx(data, filename), mapping)


IMPORTERS = (
    Importer("csv", "CSV: one row per key result", _convert_csv),
    Importer("xlsx", "XLSX: one row per key result", _convert_xlsx),
)

"""What an export is asked for: the list, the format and the page's filters, checked.

The boards' own parsers read the filters (`okrs.pages.board.parse_board_filters`,
`kpis.board.parse_filters`): an export holds exactly the rows its board shows. Those parsers
drop a malformed value silently, which suits a page; an export says what it refused
instead, so each value is checked here first and a bad one raises `FilterError` naming the
field (docs/exports.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Person
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.periods import Frequency
from goalkeeper.exports.models import Format, ListKind
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.kpis.board import BoardFilters as KpiFilters
from goalkeeper.kpis.board import Sort
from goalkeeper.kpis.board import parse_filters as parse_kpi_filters
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_key_result_by_id,
    access_objective_by_id,
)
from goalkeeper.okrs.models import Cycle, ObjectiveKind
from goalkeeper.okrs.pages.board import parse_board_filters
from goalkeeper.okrs.view_models import BoardFilters

# The parameters each list reads; any other (a page number, a view) is ignored.
OKR_FIELDS = ("cycle", "team", "owner", "status", "kind", "q")
PARAMETERS: dict[str, tuple[str, ...]] = {
    ListKind.OBJECTIVES: OKR_FIELDS,
    ListKind.CHECK_INS: (*OKR_FIELDS, "objective", "key_result", "from", "to"),
    ListKind.KPIS: ("team", "owner", "health", "frequency", "q", "archived", "sort"),
    ListKind.MEASUREMENTS: (
        "kpi",
        "team",
        "owner",
        "health",
        "frequency",
        "q",
        "archived",
        "sort",
        "from",
        "to",
    ),
}
TEXT_MAX = 100


class FilterError(ValueError):
    """A filter value refused: `field` names it, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ObjectivesQuery:
    cycle: Cycle
    board: BoardFilters


@dataclass(frozen=True)
class CheckInsQuery:
    cycle: Cycle
    board: BoardFilters
    objective_id: int | None
    key_result_id: int | None
    start: dt.datetime | None
    end: dt.datetime | None


@dataclass(frozen=True)
class KpisQuery:
    board: KpiFilters


@dataclass(frozen=True)
class MeasurementsQuery:
    kpi: Kpi | None
    board: KpiFilters
    start: dt.datetime | None
    end: dt.datetime | None


Query = ObjectivesQuery | CheckInsQuery | KpisQuery | MeasurementsQuery


def list_kind(value: Any) -> ListKind:
    """The list named `value`."""
    text = str(value or "").strip()
    if text not in ListKind.values:
        raise FilterError("list", f"must be one of {', '.join(ListKind.values)}")
    return ListKind(text)


def file_format(value: Any) -> Format:
    """The format named `value`."""
    text = str(value or "").strip().lower()
    if text not in Format.values:
        raise FilterError("format", f"must be one of {', '.join(Format.values)}")
    return Format(text)


def kept_filters(kind: ListKind, params: Mapping[str, Any]) -> dict[str, str]:
    """The parameters `kind` reads, as text, empty ones left out (what an `Export` keeps)."""
    kept = {}
    for name in PARAMETERS[kind]:
        raw = params.get(name)
        if isinstance(raw, list | tuple):
            raw = raw[0] if raw else None
        text = "" if raw is None else str(raw).strip()
        if text:
            kept[name] = text[: TEXT_MAX * 2]
    return kept


def parse_query(kind: ListKind, params: Mapping[str, Any], person: Person, clock: Clock) -> Query:
    """The checked filters of `kind`, with the cycle, objective, key result or KPI they
    name reached through `person`'s access (another workspace's is missing: Http404)."""
    values = kept_filters(kind, params)
    if kind in (ListKind.OBJECTIVES, ListKind.CHECK_INS):
        _check_okr_filters(values)
        board = parse_board_filters(values)
        if kind == ListKind.OBJECTIVES:
            return ObjectivesQuery(_cycle(values, person), board)
        objective_id = _number(values, "objective")
        key_result_id = _number(values, "key_result")
        if key_result_id is not None:
            cycle = access_key_result_by_id(person, key_result_id).objective.cycle
        elif objective_id is not None:
            cycle = access_objective_by_id(person, objective_id).cycle
        else:
            cycle = _cycle(values, person)
        start, end = _dates(values, clock)
        return CheckInsQuery(cycle, board, objective_id, key_result_id, start, end)
    _check_kpi_filters(values)
    kpi_board = parse_kpi_filters(values)
    if kind == ListKind.KPIS:
        return KpisQuery(kpi_board)
    kpi_id = _number(values, "kpi")
    kpi = access_kpi_by_id(person, kpi_id) if kpi_id is not None else None
    start, end = _dates(values, clock)
    return MeasurementsQuery(kpi, kpi_board, start, end)


def _number(values: Mapping[str, str], name: str) -> int | None:
    raw = values.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise FilterError(name, gettext_noop("must be a whole number (an id)"))
    return int(raw)


def _choice(values: Mapping[str, str], name: str, allowed: set[str]) -> None:
    raw = values.get(name, "")
    if raw and raw not in allowed:
        raise FilterError(name, f"must be one of {', '.join(sorted(allowed))}")


def _text(values: Mapping[str, str], name: str) -> None:
    if len(values.get(name, "")) > TEXT_MAX:
        raise FilterError(name, f"must be at most {TEXT_MAX} characters")


def _check_okr_filters(values: Mapping[str, str]) -> None:
    for name in ("cycle", "team", "owner"):
        _number(values, name)
    _choice(values, "status", {s.value for s in PaceStatus})
    _choice(values, "kind", set(ObjectiveKind.values))
    _text(values, "q")


def _check_kpi_filters(values: Mapping[str, str]) -> None:
    for name in ("team", "kpi"):
        _number(values, name)
    if values.get("owner", "") not in ("", "mine"):
        _number(values, "owner")
    _choice(values, "health", {h.value for h in Health})
    _choice(values, "frequency", {f.value for f in Frequency})
    _choice(values, "sort", {s.value for s in Sort})
    _choice(values, "archived", {"0", "1", "true", "false", "on"})
    _text(values, "q")


def _cycle(values: Mapping[str, str], person: Person) -> Cycle:
    pk = _number(values, "cycle")
    if pk is None:
        raise FilterError("cycle", gettext_noop("choose a cycle"))
    cycle = access_cycle_by_id(person, pk)
    cycle.workspace = person.workspace
    return cycle


def _dates(
    values: Mapping[str, str], clock: Clock
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """`from` and `to` (days in the workspace's zone, both included) as instants: the start
    of `from` and the start of the day after `to`."""
    days = {name: _date(values, name) for name in ("from", "to")}
    first, last = days["from"], days["to"]
    if first is not None and last is not None and last < first:
        raise FilterError("to", gettext_noop("must not be before from"))
    start = _midnight(first, clock) if first is not None else None
    end = _midnight(last + dt.timedelta(days=1), clock) if last is not None else None
    return start, end


def _date(values: Mapping[str, str], name: str) -> dt.date | None:
    raw = values.get(name, "")
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FilterError(name, gettext_noop("must be a date as YYYY-MM-DD")) from None


def _midnight(day: dt.date, clock: Clock) -> dt.datetime:
    # A day starts at its first instant in the zone, whatever daylight saving does to it.
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.zone)

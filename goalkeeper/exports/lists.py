"""The exporters: each list's header and rows, read in pages (bounded memory), every figure
from the read models (`okrs.rows` over `okrs.figures`, `kpis.queries` over
`kpis.figures`), never recomputed here (docs/exports.md).

    table_for(workspace, person, clock, query)  the list asked for, as a `Table`

A `Table`'s rows are a generator: nothing is read before the first row is asked for, and
no more than one page (`PAGE_ROWS` rows, `CHUNK` objectives or KPIs) is held at a time.
`count()` says how many rows it will give, from cheap counting queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.documents.sheets import Cell
from goalkeeper.exports.filters import (
    CheckInsQuery,
    KpisQuery,
    MeasurementsQuery,
    ObjectivesQuery,
    Query,
)
from goalkeeper.kpis.board import HEALTH_NOW, matching_kpis, ordered
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.queries import kpi_statuses
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, ObjectiveState
from goalkeeper.okrs.pages.board import matching_standings
from goalkeeper.okrs.rows import CycleIndex, load_rows
from goalkeeper.okrs.standing import Standing
from goalkeeper.okrs.view_models import KeyResultRow, ObjectiveRow

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Rows read per query (check-ins, measurements), and objectives or KPIs per page.
PAGE_ROWS = 5000
CHUNK = 200
# Figures are written to this many decimals (a progress of 0.4523 is 45.23%).
DECIMALS = 6

Row = tuple[Cell, ...]


@dataclass
class Table:
    """One list to write: a title, its columns, its rows (read as they are asked for) and
    how many rows there will be."""

    title: str
    header: tuple[str, ...]
    rows: Iterable[Row]
    count: Callable[[], int]


def table_for(workspace: Workspace, person: Person, clock: Clock, query: Query) -> Table:
    """The list `query` asks for, as `person` sees it at `clock`."""
    if isinstance(query, ObjectivesQuery):
        return _objectives(workspace, clock, query)
    if isinstance(query, CheckInsQuery):
        return _check_ins(workspace, clock, query)
    if isinstance(query, KpisQuery):
        return _kpis(workspace, person, clock, query)
    return _measurements(workspace, person, clock, query)


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _local(moment: dt.datetime | None, clock: Clock) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(clock.zone)


# --- Objectives with key results --------------------------------------------------------------


def _words(header: Sequence[StrOrPromise]) -> tuple[str, ...]:
    """A header in the active language (the person's: see `services.running`)."""
    return tuple(str(name) for name in header)


OBJECTIVE_HEADER = (
    _("Cycle"),
    _("Team"),
    _("Objective"),
    _("Objective owner"),
    _("Objective kind"),
    _("Objective state"),
    _("Objective progress"),
    _("Objective score"),
    _("Objective pace"),
    _("Key result"),
    _("Key result owner"),
    _("Key result kind"),
    _("Unit"),
    _("Start"),
    _("Target"),
    _("Current"),
    _("Progress"),
    _("Score"),
    _("Pace"),
    _("Confidence"),
    _("Last check-in"),
)


def _board_order(workspace: Workspace, standings: Sequence[Standing]) -> list[Standing]:
    """The board's order: the company first, then teams by name; objectives by creation."""
    teams = {
        pk: (parent is not None, name.lower(), pk)
        for pk, name, parent in Team.objects.filter(workspace=workspace).values_list(
            "id", "name", "parent_id"
        )
    }
    return sorted(standings, key=lambda s: (teams.get(s.team_id, (True, "", 0)), s.id))


def _objective_rows(
    workspace: Workspace, cycle: Cycle, clock: Clock, standings: Sequence[Standing]
) -> Iterator[ObjectiveRow]:
    """The rows of `standings`, CHUNK objectives (and what their roll-ups count) a time."""
    for first in range(0, len(standings), CHUNK):
        chunk = standings[first : first + CHUNK]
        ids = [s.id for s in chunk]
        wanted = set(ids)
        if any(s.roll_up for s in chunk):
            wanted = CycleIndex.around(workspace, cycle, ids).with_rollups(ids)
        found = {row.id: row for row in load_rows(workspace, cycle, clock, wanted)}
        yield from (found[pk] for pk in ids if pk in found)


def _objective_cells(cycle: Cycle, row: ObjectiveRow) -> Row:
    return (
        cycle.name,
        row.team_name,
        row.title,
        row.owner.name if row.owner else None,
        row.kind,
        row.state,
        _number(row.progress),
        row.score,
        row.pace.value if row.pace else None,
    )


def _key_result_cells(row: KeyResultRow, clock: Clock) -> Row:
    return (
        row.title,
        row.owner.name if row.owner else None,
        row.kind.value,
        row.unit,
        row.start,
        row.target,
        row.done if row.kind == "milestone" else row.current,
        _number(row.progress),
        _number(row.score),
        row.status.value if row.live else None,
        row.confidence,
        _local(row.last_check_in_at, clock),
    )


def _objectives(workspace: Workspace, clock: Clock, query: ObjectivesQuery) -> Table:
    cycle = query.cycle
    standings: list[Standing] = []

    def matching() -> list[Standing]:
        if not standings:
            standings.extend(
                _board_order(
                    workspace, matching_standings(workspace, cycle, clock.now, query.board)
                )
            )
        return standings

    def rows() -> Iterator[Row]:
        blank: Row = (None,) * (len(OBJECTIVE_HEADER) - 9)
        for objective in _objective_rows(workspace, cycle, clock, matching()):
            cells = _objective_cells(cycle, objective)
            if not objective.key_results:
                yield cells + blank
            for key_result in objective.key_results:
                yield cells + _key_result_cells(key_result, clock)

    def count() -> int:
        per_objective = dict(
            KeyResult.objects.filter(objective__cycle=cycle, objective__workspace=workspace)
            .values_list("objective_id")
            .annotate(n=Count("id"))
            .values_list("objective_id", "n")
        )
        return sum(max(per_objective.get(s.id, 0), 1) for s in matching())

    return Table(
        gettext("%(cycle)s objectives") % {"cycle": cycle.name},
        _words(OBJECTIVE_HEADER),
        rows(),
        count,
    )


# --- Check-ins ----------------------------------------------------------------------------------

CHECK_IN_HEADER = (
    _("Cycle"),
    _("Team"),
    _("Objective"),
    _("Key result"),
    _("Unit"),
    _("Value"),
    _("Done"),
    _("Confidence"),
    _("Note"),
    _("Author"),
    _("Automatic"),
    _("Time"),
)
_CHECK_IN_FIELDS = (
    "id",
    "created_at",
    "key_result__objective_id",
    "key_result__objective__team__name",
    "key_result__objective__title",
    "key_result__title",
    "key_result__unit",
    "value",
    "done",
    "confidence",
    "note",
    "author__name",
    "automatic",
)


def _keyset(
    queryset: QuerySet[Any], fields: Sequence[str], order: tuple[str, str], size: int
) -> Iterator[dict[str, Any]]:
    """Every row of `queryset` as `values(*fields)`, a page of `size` at a time, in the
    order of two columns that are unique together (the second is the id): each page starts
    after the last row of the one before, so no page costs more than the first."""
    first, second = order
    after: tuple[Any, Any] | None = None
    while True:
        page = queryset
        if after is not None:
            page = page.filter(
                Q(**{f"{first}__gt": after[0]}) | Q(**{first: after[0], f"{second}__gt": after[1]})
            )
        rows = list(page.order_by(first, second).values(*fields)[:size])
        yield from rows
        if len(rows) < size:
            return
        after = (rows[-1][first], rows[-1][second])


def _check_in_scope(workspace: Workspace, query: CheckInsQuery) -> QuerySet[CheckIn]:
    check_ins = CheckIn.objects.filter(
        key_result__objective__workspace=workspace, key_result__objective__cycle=query.cycle
    )
    if query.key_result_id is not None:
        check_ins = check_ins.filter(key_result_id=query.key_result_id)
    elif query.objective_id is not None:
        check_ins = check_ins.filter(key_result__objective_id=query.objective_id)
    else:
        check_ins = check_ins.exclude(key_result__objective__state=ObjectiveState.DRAFT)
    if query.start is not None:
        check_ins = check_ins.filter(created_at__gte=query.start)
    if query.end is not None:
        check_ins = check_ins.filter(created_at__lt=query.end)
    return check_ins


def _check_ins(workspace: Workspace, clock: Clock, query: CheckInsQuery) -> Table:
    scope = _check_in_scope(workspace, query)
    cycle = query.cycle
    narrowed = query.board.active and query.key_result_id is None and query.objective_id is None
    wanted: set[int] = set()

    def objectives() -> set[int] | None:
        if not narrowed:
            return None
        if not wanted:
            wanted.update(
                s.id for s in matching_standings(workspace, cycle, clock.now, query.board)
            )
            wanted.add(0)  # known, even when nothing matches
        return wanted

    def rows() -> Iterator[Row]:
        keep = objectives()
        for c in _keyset(scope, _CHECK_IN_FIELDS, ("created_at", "id"), PAGE_ROWS):
            if keep is not None and c["key_result__objective_id"] not in keep:
                continue
            yield (
                cycle.name,
                c["key_result__objective__team__name"],
                c["key_result__objective__title"],
                c["key_result__title"],
                c["key_result__unit"],
                c["value"],
                c["done"],
                c["confidence"],
                c["note"],
                c["author__name"],
                c["automatic"],
                _local(c["created_at"], clock),
            )

    def count() -> int:
        keep = objectives()
        if keep is None:
            return scope.count()
        per_objective = (
            scope.values_list("key_result__objective_id")
            .annotate(n=Count("id"))
            .values_list("key_result__objective_id", "n")
        )
        return sum(n for pk, n in per_objective if pk in keep)

    return Table(
        gettext("%(cycle)s check-ins") % {"cycle": cycle.name},
        _words(CHECK_IN_HEADER),
        rows(),
        count,
    )


# --- KPIs -----------------------------------------------------------------------------------

KPI_HEADER = (
    "KPI",
    _("Team"),
    _("Owner"),
    _("Unit"),
    _("Direction"),
    _("Frequency"),
    _("Aggregation"),
    _("Target"),
    _("Warning"),
    _("Low"),
    _("High"),
    _("Latest value"),
    _("Period"),
    _("Provisional"),
    _("Health"),
    _("Trend"),
    _("Last measurement"),
)


def _kpi_scope(
    workspace: Workspace, person: Person, clock: Clock, query: KpisQuery | MeasurementsQuery
) -> QuerySet[Kpi]:
    """The board's KPIs for its filters, health included, in the board's order."""
    board = query.board
    kpis = matching_kpis(workspace, clock.now, board, person)
    if board.health:
        kpis = kpis.filter(**{HEALTH_NOW: board.health})
    return ordered(kpis, board.sort, clock.now)


def _kpis(workspace: Workspace, person: Person, clock: Clock, query: KpisQuery) -> Table:
    scope = _kpi_scope(workspace, person, clock, query)

    def rows() -> Iterator[Row]:
        ids = list(scope.values_list("id", flat=True))
        for first in range(0, len(ids), CHUNK):
            chunk = ids[first : first + CHUNK]
            found = Kpi.objects.filter(pk__in=chunk).select_related("team", "owner").in_bulk()
            kpis = [found[pk] for pk in chunk if pk in found]
            statuses = kpi_statuses(kpis, workspace, clock.now)
            for kpi in kpis:
                status = statuses[kpi.pk]
                yield (
                    kpi.name,
                    kpi.team.name,
                    kpi.owner.name if kpi.owner else None,
                    kpi.unit,
                    kpi.direction,
                    kpi.frequency,
                    kpi.aggregation,
                    kpi.target,
                    kpi.warning,
                    kpi.low,
                    kpi.high,
                    _number(status.value),
                    status.period_label,
                    status.provisional,
                    status.health.value,
                    status.trend.value,
                    _local(kpi.last_measurement_at, clock),
                )

    return Table("KPIs", _words(KPI_HEADER), rows(), lambda: scope.order_by().count())


# --- Measurements ------------------------------------------------------------------------------

MEASUREMENT_HEADER = ("KPI", _("Unit"), _("Timestamp"), _("Value"))


def _measurements(
    workspace: Workspace, person: Person, clock: Clock, query: MeasurementsQuery
) -> Table:
    measurements = Measurement.objects.all()
    if query.start is not None:
        measurements = measurements.filter(timestamp__gte=query.start)
    if query.end is not None:
        measurements = measurements.filter(timestamp__lt=query.end)
    if query.kpi is not None:
        kpi = query.kpi
        kpis: QuerySet[Kpi] = Kpi.objects.filter(pk=kpi.pk, workspace=workspace)
        title = kpi.name
    else:
        kpis = _kpi_scope(workspace, person, clock, query)
        title = gettext("Measurements")

    def rows() -> Iterator[Row]:
        listed = list(kpis.values_list("id", "name", "unit"))
        for pk, name, unit in listed:
            values = measurements.filter(kpi_id=pk)
            for m in _keyset(values, ("id", "timestamp", "value"), ("timestamp", "id"), PAGE_ROWS):
                yield (name, unit, _local(m["timestamp"], clock), m["value"])

    def count() -> int:
        return measurements.filter(kpi__in=kpis.order_by().values("id")).count()

    return Table(title, _words(MEASUREMENT_HEADER), rows(), count)

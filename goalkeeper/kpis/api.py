"""REST endpoints for KPIs and their measurements."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import (
    ConfigDict,
    GetJsonSchemaHandler,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from goalkeeper.accounts.access import access_person_by_id, access_team_by_id, require_editor
from goalkeeper.accounts.api import PersonOut, TeamOut, people_by_id, team_out
from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Person, Team
from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing, referenced
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import (
    MAX_CURSOR,
    MAX_OFFSET,
    AnyOf,
    Day,
    Id,
    Input,
    Instant,
    KpiName,
    Note,
    Number,
    Page,
    Patch,
    Ref,
    SyncParams,
    Unit,
)
from goalkeeper.domain.kpis import Direction, Health, Trend
from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis import imports, services
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.kpis.board import (
    HEALTH_NOW,
    MAX_SEARCH,
    SIGNAL_NOW,
    BoardFilters,
    Sort,
    matching_kpis,
    ordered,
)
from goalkeeper.kpis.figures import (
    KpiFigures,
    kpi_figures,
    kpi_trend,
    periods_for,
    with_kpi_figures,
    with_kpi_trends,
)
from goalkeeper.kpis.limits import KpiLimits, baseline_history, kpi_limits, kpi_signal
from goalkeeper.kpis.models import Kpi, KpiBaseline, Measurement
from goalkeeper.kpis.series import series_by_period

router = Router(tags=["KPIs"])

MAX_BATCH = services.MAX_BATCH
MAX_MEASUREMENTS_PAGE = 10_000
# Aggregating by period runs in the database over the periods between the range's first
# and last value; past this many periods the range must be narrowed (the answer says so).
MAX_PERIODS = 20_000


class MeasurementOut(Schema):
    timestamp: dt.datetime
    value: float


class PeriodOut(Schema):
    start: dt.datetime
    end: dt.datetime
    value: float | None = Field(description="the period's value by the KPI's aggregation")


class KpiOut(Schema):
    id: int
    name: str
    description: str
    team: int
    owner: int | None
    unit: str
    direction: Direction
    target: float | None
    warning: float | None
    low: float | None
    high: float | None
    frequency: Frequency
    aggregation: Aggregation
    origin_key_result: int | None = Field(
        None,
        description="the key result this KPI was promoted or handed down from (it reads the KPI)",
    )
    health: Health = Field(description="health of the latest complete period")
    health_provisional: bool = Field(
        description=(
            "true when the latest complete period holds no value, so `health` judges the "
            "current period so far (the KPI is not stale)"
        )
    )
    trend: Trend = Field(
        description=(
            "improving, flat or worsening over the last 6 complete periods; "
            "not_enough_data with fewer than 3 of them holding a value"
        )
    )
    signal: Literal["outside_limits", "three_of_four", "run_of_eight"] | None = Field(
        None,
        description=(
            "the process signal of the latest complete period (docs/signals.md), "
            "null when it shows none or there is not enough data"
        ),
    )
    signal_side: Literal["upper", "lower"] | None = Field(
        None, description="the side of the centre line `signal` lies on"
    )
    latest: MeasurementOut | None = Field(description="the newest measurement")
    period: PeriodOut = Field(description="the latest complete period, which health judges")
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime = Field(
        description=(
            "moves with every change, new values included; not with the clock alone (a "
            "period ending changes `health`, not `updated_at`)"
        )
    )
    expanded: KpiExpanded | None = Field(
        None, description="the related objects `expand` asked for (null when it asked none)"
    )


class KpiExpanded(Schema):
    owner: PersonOut | None = Field(None, description="with expand=owner: its owner")
    team: TeamOut | None = Field(None, description="with expand=team: its team")


class KpiPage(Page):
    items: list[KpiOut]


class KpiIn(Input):
    team: Ref
    name: KpiName
    description: Note = ""
    owner: Ref | None = Field(None, description="a person id; omitted: the token's person")
    unit: Unit = ""
    direction: Direction = Direction.HIGHER_IS_BETTER
    target: Number | None = Field(None, description="higher/lower_is_better: required")
    warning: Number | None = Field(
        None, description="threshold of yellow (for in_range: the margin outside the band)"
    )
    low: Number | None = Field(None, description="in_range: lower bound")
    high: Number | None = Field(None, description="in_range: upper bound")
    frequency: Frequency = Frequency.MONTHLY
    aggregation: Aggregation = Aggregation.LAST


class KpiUpdate(Input):
    team: Patch[Ref] = Field(None)
    name: Patch[KpiName] = Field(None)
    description: Patch[Note] = Field(None)
    owner: Ref | None = Field(None)
    unit: Patch[Unit] = Field(None)
    direction: Patch[Direction] = Field(None)
    target: Number | None = Field(None)
    warning: Number | None = Field(None)
    low: Number | None = Field(None)
    high: Number | None = Field(None)
    frequency: Patch[Frequency] = Field(None)
    aggregation: Patch[Aggregation] = Field(None)


class KpiFilters(SyncParams):
    team: AnyOf[Id] = None
    owner: AnyOf[Id] = None
    direction: AnyOf[Direction] = None
    frequency: AnyOf[Frequency] = None
    q: str | None = Field(
        None, max_length=MAX_SEARCH, description="words that the KPI's or its team's name holds"
    )
    health: AnyOf[Health] = Field(None, description="only KPIs of this health now (or these)")
    archived: bool | None = Field(
        None, description="true: archived KPIs only; false: the others; omitted: all"
    )
    signal: bool | None = Field(
        None,
        description=(
            "true: only KPIs whose latest complete period shows a process signal; "
            "false: only those that show none; omitted: all"
        ),
    )
    sort: Literal[
        "id",
        "-id",
        "health",
        "name",
        "team",
        "change",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
    ] = Field(
        "id",
        description=(
            "id (the default), health (worst first), name, team, change (biggest "
            "movement from the period before first), created_at or updated_at (`-` for "
            "newest first)"
        ),
    )
    expand: AnyOf[Literal["owner", "team"]] = Field(
        None, description="inline related objects in `expanded`: owner, team"
    )


def _kpis(person: Person) -> QuerySet[Kpi]:
    return Kpi.objects.filter(workspace_id=person.workspace_id).order_by("id")


def kpi_out(kpi: Kpi, figures: KpiFigures, now: dt.datetime | None = None) -> KpiOut:
    """A KPI annotated by `with_kpi_figures` and `with_kpi_trends`, as the API shows it;
    its stored signal read at `now` (default: the current time)."""
    rule, side = kpi_signal(kpi, now or timezone.now())
    latest = (
        MeasurementOut(timestamp=figures.latest_at, value=figures.latest_value)
        if figures.latest_at is not None and figures.latest_value is not None
        else None
    )
    return KpiOut(
        id=kpi.pk,
        name=kpi.name,
        description=kpi.description,
        team=kpi.team_id,
        owner=kpi.owner_id,
        unit=kpi.unit,
        direction=Direction(kpi.direction),
        target=kpi.target,
        warning=kpi.warning,
        low=kpi.low,
        high=kpi.high,
        frequency=Frequency(kpi.frequency),
        aggregation=Aggregation(kpi.aggregation),
        origin_key_result=kpi.origin_key_result_id,
        health=figures.health,
        health_provisional=figures.provisional,
        trend=kpi_trend(kpi),
        signal=rule.value if rule else None,
        signal_side=side.value if side else None,
        latest=latest,
        period=PeriodOut(
            start=figures.period.start.astimezone(dt.UTC),
            end=figures.period.end.astimezone(dt.UTC),
            value=figures.period_value,
        ),
        archived_at=kpi.archived_at,
        created_at=kpi.created_at,
        updated_at=kpi.updated_at,
        expanded=None,
    )


def one_kpi(person: Person, kpi_id: int, clock: Clock) -> KpiOut:
    """The KPI `kpi_id` of the caller's workspace with its figures, as the API shows it."""
    kpi = with_kpi_trends(with_kpi_figures(_kpis(person).filter(pk=kpi_id), clock), clock).get()
    return kpi_out(kpi, kpi_figures(kpi, clock, periods_for(clock)))


@router.get("/kpis", response=responses({200: KpiPage}, READ_MANY))
def list_kpis(request: HttpRequest, filters: Query[KpiFilters]) -> KpiPage:
    """KPIs with their health and newest value; filter by team, owner, direction,
    frequency, health, archived or words of the name (`q`); sort by id, health, name,
    team or change."""
    person = caller(request)
    clock = person.workspace.clock()
    kpis = matching_kpis(
        person.workspace,
        clock.now,
        BoardFilters(q=" ".join((filters.q or "").split()), archived=bool(filters.archived)),
        person,
        with_archived=filters.archived is None,
    )
    if filters.signal is not None:
        none = {SIGNAL_NOW: ""}
        kpis = kpis.exclude(**none) if filters.signal else kpis.filter(**none)
    if filters.health is not None:
        kpis = kpis.filter(**{f"{HEALTH_NOW}__in": [health.value for health in filters.health]})
    for name in ("team", "owner"):
        value = getattr(filters, name)
        if value is not None:
            kpis = kpis.filter(**{f"{name}_id__in": value})
    for name in ("direction", "frequency"):
        value = getattr(filters, name)
        if value is not None:
            kpis = kpis.filter(**{f"{name}__in": [item.value for item in value]})
    periods = periods_for(clock)
    found = listing(
        request,
        with_kpi_trends(with_kpi_figures(kpis, clock), clock),
        filters,
        sort=filters.sort,
        keys={"created_at": "created_at", "updated_at": "updated_at"},
        ordered=lambda queryset, sort: ordered(queryset, Sort(sort), clock.now),
    )
    items = [kpi_out(kpi, kpi_figures(kpi, clock, periods), clock.now) for kpi in found.items]
    expand = set(filters.expand or ())
    if expand:
        owners = (
            people_by_id(person, [k.owner_id for k in found.items]) if "owner" in expand else {}
        )
        teams = (
            {
                team.pk: team_out(team)
                for team in Team.objects.filter(
                    workspace_id=person.workspace_id, pk__in={k.team_id for k in found.items}
                )
            }
            if "team" in expand
            else {}
        )
        for item, kpi in zip(items, found.items, strict=True):
            item.expanded = KpiExpanded(
                owner=owners.get(kpi.owner_id) if kpi.owner_id is not None else None,
                team=teams.get(kpi.team_id),
            )
    return KpiPage(count=found.count, next=found.next, items=items)


@router.get("/kpis/{id}", response=responses({200: KpiOut}, READ_ONE))
def get_kpi(request: HttpRequest, id: Id) -> KpiOut:
    """One KPI."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id)
    return one_kpi(person, kpi.pk, person.workspace.clock())


def _refs(person: Person, changes: dict[str, Any]) -> dict[str, Any]:
    resolved = dict(changes)
    if "team" in changes:
        resolved["team"] = referenced("team", lambda: access_team_by_id(person, changes["team"]))
    if changes.get("owner") is not None:
        resolved["owner"] = referenced(
            "owner", lambda: access_person_by_id(person, changes["owner"])
        )
    return resolved


@router.post("/kpis", response=responses({201: KpiOut}, CREATE))
def create_kpi(request: HttpRequest, payload: KpiIn) -> Status[KpiOut]:
    """Create a KPI (editors)."""
    person = caller(request)
    require_editor(person)
    fields = payload.model_dump()
    if "owner" not in payload.model_fields_set:
        fields["owner"] = person.pk
    fields = _refs(person, fields)
    kpi = services.create_kpi(actor=person, **fields)  # sends kpi.created
    return Status(201, one_kpi(person, kpi.pk, person.workspace.clock()))


@router.patch("/kpis/{id}", response=responses({200: KpiOut}, UPDATE))
def update_kpi(request: HttpRequest, id: Id, payload: KpiUpdate) -> KpiOut:
    """Change a KPI's definition (editors)."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    changes = _refs(person, payload.model_dump(exclude_unset=True))
    kpi = services.update_kpi(actor=person, kpi=kpi, **changes)  # sends its webhooks
    return one_kpi(person, kpi.pk, person.workspace.clock())


@router.delete("/kpis/{id}", response=responses({204: None}, DELETE))
def delete_kpi(request: HttpRequest, id: Id) -> Status[None]:
    """Delete a KPI with all its measurements (editors)."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    services.delete_kpi(actor=person, kpi=kpi)  # sends kpi.deleted
    return Status(204, None)


@router.post("/kpis/{id}/archive", response=responses({200: KpiOut}, UPDATE))
def archive_kpi(request: HttpRequest, id: Id) -> KpiOut:
    """Archive a KPI (editors): it leaves the board, the pickers and the alerts; its values
    and links stay. What the KPI page's "Archive" does."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    kpi.workspace = person.workspace
    services.archive_kpi(actor=person, kpi=kpi)
    return one_kpi(person, kpi.pk, person.workspace.clock())


@router.post("/kpis/{id}/restore", response=responses({200: KpiOut}, UPDATE))
def restore_kpi(request: HttpRequest, id: Id) -> KpiOut:
    """Bring an archived KPI back (editors)."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    kpi.workspace = person.workspace
    services.restore_kpi(actor=person, kpi=kpi)
    return one_kpi(person, kpi.pk, person.workspace.clock())


# --- Measurements ---------------------------------------------------------------------------


class MeasurementIn(Input):
    timestamp: Instant = Field(description="ISO 8601 with a time zone")
    value: Number


class MeasurementBatch(Input):
    """`{"items": [...]}` or, as well, the bare list `[...]` of up to 10,000 values."""

    items: list[MeasurementIn] = Field(max_length=MAX_BATCH)

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data: Any) -> Any:
        return {"items": data} if isinstance(data, list) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # Document both shapes the validator above accepts.
        as_object = handler.resolve_ref_schema(handler(core_schema))
        as_list = dict(as_object["properties"]["items"])
        as_list.pop("title", None)
        return {"anyOf": [as_list, as_object], "description": cls.__doc__}


class UpsertOut(Schema):
    created: int = Field(description="values new to the series")
    updated: int = Field(description="values that replaced one at the same timestamp")


def _without_serializer(schema: Any) -> Any:
    """`schema` (a core schema) and the schemas it wraps, without their serializer."""
    if not isinstance(schema, dict):
        return schema
    return {
        key: _without_serializer(value) if key == "schema" else value
        for key, value in schema.items()
        if key != "serialization"
    }


class _PeriodFieldsWithAPeriod(Schema):
    """Leaves out the fields that only a period has when there is none: a raw value has no
    `end`; but keeps a null `value`, which says the period's values add up beyond a number."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The document shows the fields (those a raw value leaves out are optional), not
        # the serializer below, which JSON Schema would only know as "some object".
        return handler(_without_serializer(core_schema))

    @model_serializer(mode="wrap")
    def _without_absent_period(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {
            name: value
            for name, value in data.items()
            if value is not None or name not in PERIOD_FIELDS
        }


# The fields a raw value or list leaves out (see _PeriodFieldsWithAPeriod), and the `id` a
# period leaves out.
PERIOD_FIELDS = frozenset({"end", "count", "period", "aggregation", "id"})


class PointOut(_PeriodFieldsWithAPeriod):
    id: int | None = Field(
        None, description="a raw value's id (as the changes feed names it); periods have none"
    )
    timestamp: dt.datetime = Field(description="the measurement's instant, or its period's start")
    value: float | None = Field(
        description="null only where values stored before the limits add up beyond a number"
    )
    end: dt.datetime | None = Field(None, description="with `period`: the period's end")
    count: int | None = Field(None, description="with `period`: how many values it combines")


class MeasurementList(_PeriodFieldsWithAPeriod):
    count: int
    next: str | None = Field(
        None, description="raw values: the URL of the next page (also in the `Link` header)"
    )
    period: Frequency | None = Field(None, description="the period asked for, if any")
    aggregation: Aggregation | None = Field(None, description="with `period`: how values combine")
    items: list[PointOut]


class MeasurementFilters(Schema):
    from_: Instant | None = Field(None, alias="from", description="from this instant (included)")
    to: Instant | None = Field(None, description="up to this instant (excluded)")
    period: Frequency | None = Field(
        None,
        description=(
            "aggregate by periods of this length with the KPI's aggregation, in the "
            f"workspace's time zone; the range may span at most {MAX_PERIODS} periods"
        ),
    )
    limit: int = Field(500, ge=1, le=MAX_MEASUREMENTS_PAGE)
    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR,
        description="raw values: where the page starts (the `cursor` of the `next` link)",
    )
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description="deprecated for raw values (use `cursor`)"
    )
    updated_since: Instant | None = Field(
        None,
        description=(
            "raw values: only those recorded or corrected at or after this instant (included); "
            "deleted values are in `GET /changes`"
        ),
    )


@router.get(
    "/kpis/{id}/measurements",
    response=responses({200: MeasurementList}, READ_ONE),
)
def list_measurements(
    request: HttpRequest, id: Id, filters: Query[MeasurementFilters]
) -> MeasurementList:
    """A KPI's values, oldest first: raw, or aggregated by `period`."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id)
    series = Measurement.objects.filter(kpi=kpi).order_by("timestamp")
    if filters.from_ is not None:
        series = series.filter(timestamp__gte=filters.from_)
    if filters.to is not None:
        series = series.filter(timestamp__lt=filters.to)
    if filters.period is None:
        found = listing(request, series, filters, sort="timestamp", keys={"timestamp": "timestamp"})
        return MeasurementList(
            count=found.count,
            next=found.next,
            period=None,
            aggregation=None,
            items=[
                PointOut(id=m.pk, timestamp=m.timestamp, value=m.value, end=None, count=None)
                for m in found.items
            ],
        )
    if filters.cursor is not None:
        raise ValidationError({"cursor": "only for raw values: page periods by `offset`"})
    if filters.updated_since is not None:
        raise ValidationError({"updated_since": "only for raw values, not with `period`"})
    aggregation = Aggregation(kpi.aggregation)
    periods = series_by_period(
        kpi,
        filters.period,
        person.workspace.zone,
        person.workspace.fiscal_year_start_month,
        since=filters.from_,
        until=filters.to,
        max_periods=MAX_PERIODS,
    )
    if periods is None:
        frequency = filters.period.value
        raise ValidationError(
            {"from": f"the range spans more than {MAX_PERIODS} {frequency} periods: narrow it"}
        )
    chosen = periods[filters.offset : filters.offset + filters.limit]
    return MeasurementList(
        count=len(periods),
        next=None,
        period=filters.period,
        aggregation=aggregation,
        items=[
            PointOut(
                id=None,
                timestamp=p.period.start.astimezone(dt.UTC),
                end=p.period.end.astimezone(dt.UTC),
                value=p.stats.value(aggregation),
                count=p.stats.count,
            )
            for p in chosen
        ],
    )


@router.post("/kpis/{id}/measurements", response=responses({200: UpsertOut}, CREATE))
def record_measurements(request: HttpRequest, id: Id, payload: MeasurementBatch) -> UpsertOut:
    """Upsert up to 10,000 values in one transaction (editors).

    The body is a list of `{timestamp, value}` or `{"items": [...]}`. A value at a timestamp
    the KPI already has replaces it; a bad item refuses the whole batch.
    """
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    _refuse_repeated_instants(payload.items)
    # One service call: the values, their audit entry and events, the driven key results,
    # and the batch's run on the KPI's push source (if it has one), in one transaction.
    result = services.record_measurements(
        actor=person,
        kpi=kpi,
        points=[(item.timestamp, item.value) for item in payload.items],
        source="api",
    )
    return UpsertOut(created=result.created, updated=result.updated)


def _refuse_repeated_instants(items: list[MeasurementIn]) -> None:
    """A batch naming one instant twice is refused, naming both items: which value was meant
    cannot be told (`2026-11-01T01:00:00+01:00` and `2026-11-01T00:00:00Z` are one instant)."""
    first: dict[dt.datetime, int] = {}
    problems: dict[str, str] = {}
    for index, item in enumerate(items):
        earlier = first.setdefault(item.timestamp, index)
        if earlier != index:
            problems.setdefault(
                f"items.{earlier}.timestamp", f"the same instant as items.{index}.timestamp"
            )
            problems[f"items.{index}.timestamp"] = (
                f"the same instant as items.{earlier}.timestamp: send each instant once"
            )
    if problems:
        raise ValidationError(problems)


@router.post("/kpis/{id}/uploads", response=responses({200: UpsertOut}, CREATE))
def upload_measurements(
    request: HttpRequest,
    id: Id,
    file: File[UploadedFile],
    date_format: Form[imports.DateFormat] = imports.DateFormat.ISO,
    date_column: Form[str] = "",
    value_column: Form[str] = "",
) -> UpsertOut:
    """Write the values of a CSV or XLSX file (editors): what the upload page writes once its
    preview is confirmed, in one request.

    The file is read as the page reads it (the same columns, date formats and limits); a
    line that cannot be read refuses the whole file, naming the line (`file`).
    """
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    parsed = imports.parse_file(
        file.name or "",
        file,
        file.size or 0,
        date_format=date_format,
        zone=person.workspace.zone,
        kpi_name=kpi.name,
        date_column=date_column,
        value_column=value_column,
    )
    if not parsed.ok:
        reasons = [*parsed.problems, *(str(error) for error in parsed.errors)]
        raise ValidationError({"file": reasons or ["the file holds no values"]})
    result = services.record_measurements(
        actor=person, kpi=kpi, points=parsed.points, source="upload"
    )
    return UpsertOut(created=result.created, updated=result.updated)


class MeasurementCorrection(Input):
    value: Number
    timestamp: Instant | None = Field(
        None, description="a new instant for the value (omitted: it keeps its own)"
    )
    reason: Annotated[str, StringConstraints(max_length=services.MAX_REASON)] = Field(
        "", description="why, kept in the audit trail with the old and the new value"
    )


@router.patch("/kpis/{id}/measurements/{at}", response=responses({200: MeasurementOut}, UPDATE))
def correct_measurement(
    request: HttpRequest, id: Id, at: Instant, payload: MeasurementCorrection
) -> MeasurementOut:
    """Correct the value stored at the instant `at` (ISO 8601 with a time zone), and
    optionally move it (editors): what "Correct" on the KPI page's values does. The figures
    and the key results the KPI drives follow at once."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    kpi.workspace = person.workspace
    found = services.correct_measurement(
        actor=person,
        kpi=kpi,
        timestamp=at,
        value=payload.value,
        new_timestamp=payload.timestamp,
        reason=payload.reason,
    )
    return MeasurementOut(timestamp=found.timestamp, value=found.value)


@router.delete("/kpis/{id}/measurements/{at}", response=responses({204: None}, DELETE))
def delete_measurement(
    request: HttpRequest,
    id: Id,
    at: Instant,
    reason: Annotated[str, StringConstraints(max_length=services.MAX_REASON)] = "",
) -> Status[None]:
    """Delete the value stored at the instant `at` (editors), with an optional `reason`."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    kpi.workspace = person.workspace
    services.delete_measurement(actor=person, kpi=kpi, timestamp=at, reason=reason)
    return Status(204, None)


# --- Process limits (docs/signals.md) ------------------------------------------------------------

SignalRule = Literal["outside_limits", "three_of_four", "run_of_eight"]
SignalSide = Literal["upper", "lower"]


class LimitsBaselineOut(Schema):
    # Read back by name as well: the answer is validated again from these objects.
    model_config = ConfigDict(populate_by_name=True)

    from_: dt.datetime | None = Field(
        alias="from", description="the start of the baseline's first period (null: not enough data)"
    )
    to: dt.datetime | None = Field(description="the start of its last period")
    count: int = Field(description="how many periods with a value it holds")


class SignalOut(Schema):
    period: dt.datetime = Field(description="the start of the period (UTC)")
    value: float = Field(description="the period's value by the KPI's aggregation")
    rule: SignalRule
    side: SignalSide


class KpiLimitsOut(Schema):
    centre: float | None = Field(description="the mean of the baseline values")
    lower: float | None = Field(description="the lower natural process limit")
    upper: float | None = Field(description="the upper natural process limit")
    moving_range_upper: float | None = Field(description="the upper range limit (3.268 mR)")
    baseline: LimitsBaselineOut
    signals: list[SignalOut] = Field(description="every signalled period, oldest first")


class KpiBaselineOut(Schema):
    # Read back by name as well: the answer is validated again from these objects.
    model_config = ConfigDict(populate_by_name=True)

    id: int
    from_: dt.datetime | None = Field(
        alias="from", description="the start of the first period (null: the window's first)"
    )
    to: dt.datetime | None = Field(description="the start of the last period (null: the latest)")
    note: str = Field(description="what changed in the process")
    created_by: int | None
    created_at: dt.datetime


class BaselineIn(Input):
    from_: Day | Instant | None = Field(
        None,
        alias="from",
        description=(
            "a day or an instant: the baseline starts with the period holding it "
            "(omitted: the first period of the window)"
        ),
    )
    to: Day | Instant | None = Field(
        None,
        description=(
            "a day or an instant: the baseline ends with the period holding it "
            "(omitted: the latest complete period)"
        ),
    )
    note: Note = Field(description="what changed in the process (required)")


def kpi_limits_out(found: KpiLimits) -> KpiLimitsOut:
    """A KPI's limits and signals as the API shows them."""
    chart = found.chart
    if chart is None:
        return KpiLimitsOut.model_validate(
            {
                "centre": None,
                "lower": None,
                "upper": None,
                "moving_range_upper": None,
                "baseline": {"from": None, "to": None, "count": 0},
                "signals": [],
            }
        )
    limits = chart.limits
    return KpiLimitsOut.model_validate(
        {
            "centre": limits.centre,
            "lower": limits.lower,
            "upper": limits.upper,
            "moving_range_upper": limits.moving_range_upper,
            "baseline": {
                "from": limits.baseline.first,
                "to": limits.baseline.last,
                "count": limits.baseline.count,
            },
            "signals": [
                {
                    "period": s.period,
                    "value": s.value,
                    "rule": s.rule.value,
                    "side": s.side.value,
                }
                for s in chart.signals
            ],
        }
    )


def baseline_out(baseline: KpiBaseline) -> KpiBaselineOut:
    return KpiBaselineOut.model_validate(
        {
            "id": baseline.pk,
            "from": baseline.first,
            "to": baseline.last,
            "note": baseline.note,
            "created_by": baseline.created_by_id,
            "created_at": baseline.created_at,
        }
    )


@router.get("/kpis/{id}/limits", response=responses({200: KpiLimitsOut}, READ_ONE), by_alias=True)
def get_kpi_limits(request: HttpRequest, id: Id) -> KpiLimitsOut:
    """The KPI's process limits (XmR) and signals over its last 60 complete periods, from
    its newest baseline or the first 20 periods with a value. With fewer than 6 baseline
    values: the numbers null, `count` 0 and no signals. Periods are named by their start,
    an ISO 8601 instant in UTC."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id)
    return kpi_limits_out(kpi_limits(kpi, person.workspace.clock()))


@router.post(
    "/kpis/{id}/baselines", response=responses({201: KpiBaselineOut}, CREATE), by_alias=True
)
def set_kpi_baseline(request: HttpRequest, id: Id, payload: BaselineIn) -> Status[KpiBaselineOut]:
    """Set a new baseline for the KPI's process limits after a process change (editors):
    the periods from `from` to `to`, with a note. Earlier baselines stay in the history
    (`GET /kpis/{id}/baselines`)."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    kpi.workspace = person.workspace
    baseline = services.set_baseline(
        actor=person, kpi=kpi, first=payload.from_, last=payload.to, note=payload.note
    )
    return Status(201, baseline_out(baseline))


@router.get(
    "/kpis/{id}/baselines", response=responses({200: list[KpiBaselineOut]}, READ_ONE), by_alias=True
)
def list_kpi_baselines(request: HttpRequest, id: Id) -> list[KpiBaselineOut]:
    """Every baseline set for the KPI, newest first (the newest is in use)."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id)
    return [baseline_out(baseline) for baseline in baseline_history(kpi)]

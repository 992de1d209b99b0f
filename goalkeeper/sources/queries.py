"""Reads for the data source pages, as plain view models.

Each read runs a fixed number of SQL queries whatever the number of sources and runs. The
parameters of a source (where it reads, how) are for admins only: `parameters` is filled
only when the caller may configure the source, and a secret is never more than masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources.connectors import REGISTRY, Connector, Context, is_pulled, kind_label
from goalkeeper.sources.models import DataSource, RunStatus, SourceStatus, SyncRun
from goalkeeper.sources.secrets import mask, open_secrets

# The run history shows this many runs, newest first.
HISTORY_RUNS = 25
# Worst news first: a list of sources is read top-down.
STATUS_ORDER: tuple[SourceStatus, ...] = (
    SourceStatus.BROKEN,
    SourceStatus.FAILING,
    SourceStatus.NEW,
    SourceStatus.OK,
)
# A status as the design system colours it (see the tones in app.css).
STATUS_TONES: dict[str, str] = {
    SourceStatus.OK: "green",
    SourceStatus.FAILING: "yellow",
    SourceStatus.BROKEN: "red",
    SourceStatus.NEW: "no_data",
}
RUN_TONES: dict[str, str] = {
    RunStatus.QUEUED: "no_data",
    RunStatus.RUNNING: "neutral",
    RunStatus.SUCCEEDED: "green",
    RunStatus.FAILED: "red",
}
# A describe() line needs no time bound and no zone; this one never reaches the source.
_DESCRIBE_CONTEXT = Context(timeout=0.0, zone=dt.UTC)


def every(minutes: int) -> str:
    """An interval as a schedule reads: "every 15 minutes", "hourly", "every 2 days"."""
    if minutes == 60:
        return _("hourly")
    if minutes == 24 * 60:
        return _("daily")
    if minutes == 7 * 24 * 60:
        return _("weekly")
    if minutes % (7 * 24 * 60) == 0:
        count = minutes // (7 * 24 * 60)
        return ngettext("every %(count)s week", "every %(count)s weeks", count) % {"count": count}
    if minutes % (24 * 60) == 0:
        count = minutes // (24 * 60)
        return ngettext("every %(count)s day", "every %(count)s days", count) % {"count": count}
    if minutes % 60 == 0:
        count = minutes // 60
        return ngettext("every %(count)s hour", "every %(count)s hours", count) % {"count": count}
    return ngettext("every %(count)s minute", "every %(count)s minutes", minutes) % {
        "count": minutes
    }


def schedule_text(source: DataSource) -> str:
    """When a source is pulled: "Every 15 minutes", "Paused", "Pushed over the API"."""
    if not is_pulled(source.kind):
        return _("Pushed over the API") if source.kind == "push" else _("Not pulled")
    if not source.is_active:
        return _("Paused")
    return capfirst(every(source.interval_minutes))


def describe(source: DataSource) -> str:
    """The connector's one line about where the values come from (no secret in it)."""
    cls = REGISTRY.get(source.kind)
    if cls is None:
        return _("Unknown kind of source “%(kind)s”") % {"kind": source.kind}
    connector: Connector = cls(source.settings, {}, _DESCRIBE_CONTEXT)
    return connector.describe()


@dataclass(frozen=True)
class ParameterValue:
    """One parameter of a source as an admin sees it: secrets masked, never in full."""

    label: str
    value: str
    secret: bool


@dataclass(frozen=True)
class SourceSummary:
    """A source with what its page shows about it."""

    source: DataSource
    kind_label: str
    description: str
    schedule: str
    pulled: bool
    tone: str
    # Admins only: where the values come from, and the parameters (empty for others).
    describe: str
    parameters: tuple[ParameterValue, ...]
    secrets_unreadable: bool

    @property
    def status(self) -> str:
        return self.source.status

    @property
    def status_label(self) -> str:
        return str(SourceStatus(self.source.status).label)


def summary(source: DataSource, *, for_admin: bool) -> SourceSummary:
    """What the source page says about `source`; its parameters only `for_admin`."""
    cls = REGISTRY.get(source.kind)
    parameters: list[ParameterValue] = []
    unreadable = False
    if for_admin and cls is not None:
        secrets, unreadable = open_secrets(source.sealed_secrets)
        for spec in cls.parameters:
            if spec.secret:
                shown = mask(secrets.get(spec.name, ""))
            else:
                typed = str(source.settings.get(spec.name, "") or "")
                # A choice reads as its label ("ISO: 2026-11-20"), not its code ("iso").
                shown = str(dict(spec.choices).get(typed or spec.default, typed or spec.default))
                if not typed and spec.default:
                    shown = _("%(value)s (default)") % {"value": shown}
            parameters.append(ParameterValue(str(spec.label), str(shown), spec.secret))
    return SourceSummary(
        source=source,
        kind_label=kind_label(source.kind),
        description=str(cls.description) if cls is not None else "",
        schedule=schedule_text(source),
        pulled=is_pulled(source.kind),
        tone=STATUS_TONES.get(source.status, "no_data"),
        describe=describe(source) if for_admin else "",
        parameters=tuple(parameters),
        secrets_unreadable=unreadable,
    )


def recent_runs(source: DataSource) -> list[SyncRun]:
    """The source's last HISTORY_RUNS runs, newest first, in one query."""
    return list(
        SyncRun.objects.filter(source=source)
        .select_related("requested_by")
        .order_by("-queued_at", "-id")[:HISTORY_RUNS]
    )


def active_run(runs: list[SyncRun]) -> SyncRun | None:
    """The run in progress among `runs` (newest first), if any."""
    return next((run for run in runs if not run.is_finished), None)


def source_of(kpi: Kpi) -> DataSource | None:
    """The KPI's source, if it has one (one query)."""
    return DataSource.objects.filter(kpi=kpi).first()


# --- The workspace's sources ---------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """One source in the workspace's list."""

    source: DataSource
    kpi_id: int
    kpi_name: str
    owner_name: str
    kind_label: str
    schedule: str
    tone: str

    @property
    def status(self) -> str:
        return self.source.status

    @property
    def paused(self) -> bool:
        """A pulled source whose schedule is paused."""
        return is_pulled(self.source.kind) and not self.source.is_active

    @property
    def status_label(self) -> str:
        return str(SourceStatus(self.source.status).label)


def _status_rank() -> Case:
    return Case(
        *(When(status=status, then=Value(index)) for index, status in enumerate(STATUS_ORDER)),
        default=Value(len(STATUS_ORDER)),
        output_field=IntegerField(),
    )


def workspace_sources(workspace: Workspace) -> list[SourceRow]:
    """Every source of the workspace, broken ones first, then by KPI name (one query)."""
    sources = (
        DataSource.objects.filter(workspace=workspace)
        .select_related("kpi", "kpi__owner")
        .annotate(rank=_status_rank())
        .order_by("rank", "kpi__name", "id")
    )
    return [
        SourceRow(
            source=source,
            kpi_id=source.kpi_id,
            kpi_name=source.kpi.name,
            owner_name=source.kpi.owner.name if source.kpi.owner else "",
            kind_label=kind_label(source.kind),
            schedule=schedule_text(source),
            tone=STATUS_TONES.get(source.status, "no_data"),
        )
        for source in sources
    ]


# --- Elsewhere: the KPI page and home --------------------------------------------------------


@dataclass(frozen=True)
class SourceCard:
    """The compact "Data source" card of a KPI page."""

    kind_label: str
    status: str
    status_label: str
    tone: str
    schedule: str
    last_run_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_error: str


def kpi_source_card(kpi: Kpi) -> SourceCard | None:
    """The KPI's source for its page, or None without one (one query)."""
    source = source_of(kpi)
    if source is None:
        return None
    return SourceCard(
        kind_label=kind_label(source.kind),
        status=source.status,
        status_label=str(SourceStatus(source.status).label),
        tone=STATUS_TONES.get(source.status, "no_data"),
        schedule=schedule_text(source),
        last_run_at=source.last_run_at,
        last_success_at=source.last_success_at,
        last_error=source.last_error,
    )


@dataclass(frozen=True)
class BrokenSource:
    """A broken source of a KPI the person owns, for their home page."""

    kpi_id: int
    kpi_name: str
    last_error: str


def broken_sources_owned_by(person: Person) -> list[BrokenSource]:
    """Broken sources of the KPIs `person` owns, by KPI name (one query)."""
    rows = (
        DataSource.objects.filter(
            workspace_id=person.workspace_id, status=SourceStatus.BROKEN, kpi__owner=person
        )
        .order_by("kpi__name", "id")
        .values_list("kpi_id", "kpi__name", "last_error")
    )
    return [BrokenSource(kpi_id, name, error) for kpi_id, name, error in rows]

"""Data source alerts: a push source gone silent, a source broken (docs/alerts.md).

A push source is silent once nothing arrived for two periods of its KPI's frequency; its
owner hears of it once per silence (claimed by one conditional UPDATE of the source's state
row), and the item clears when data arrives again. A source that turns broken tells its
owner and the KPI's watchers at once, inside the run's transaction (`source.broken`); its
recovery (`source.recovered`) clears the item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import DateTimeField, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from goalkeeper.alerts.messages import (
    SOURCE_BROKEN,
    SOURCE_SILENT,
    Alert,
    source_broken_alert,
    source_silent_alert,
)
from goalkeeper.alerts.models import SourceAlertState
from goalkeeper.alerts.services.chat import post_alert
from goalkeeper.domain.periods import Frequency, nominal_length
from goalkeeper.kpis.models import Kpi
from goalkeeper.notifications import services as notifications
from goalkeeper.notifications.watching import watchers
from goalkeeper.sources.models import DataSource

PUSH = "push"
# A push source is silent after this many periods of its KPI's frequency without data.
SILENT_PERIODS = 2


def owner_of(source: DataSource) -> int | None:
    """Who answers for a source: whoever set it up, else the KPI's owner."""
    return source.created_by_id or source.kpi.owner_id


def _silent(now: dt.datetime) -> Q:
    """Sources whose silence (`_since`) is older than two periods of their KPI's frequency."""
    condition = Q(pk__in=[])
    for frequency in Frequency:
        condition |= Q(
            kpi__frequency=frequency.value,
            _since__lt=now - SILENT_PERIODS * nominal_length(frequency),
        )
    return condition


def silent_sources(now: dt.datetime) -> QuerySet[DataSource]:
    """Active push sources silent for two periods whose silence nobody was told of yet,
    in one query (`_since`: the last success, else the source's creation)."""
    return (
        DataSource.objects.filter(kind=PUSH, is_active=True, kpi__archived_at__isnull=True)
        .select_related("kpi__workspace")
        .annotate(
            _since=Coalesce("last_success_at", "created_at", output_field=DateTimeField()),
            _told=F("alert_state__silent_since"),
        )
        .filter(_silent(now))
        .filter(Q(_told__isnull=True) | ~Q(_told=F("_since")))
        .order_by("pk")
    )


@transaction.atomic
def tell_silent(source: DataSource, since: dt.datetime, *, now: dt.datetime | None = None) -> int:
    """Tell the source's owner of its silence since `since`, unless somebody already did
    (the conditional UPDATE is the claim). Returns how many people were told."""
    now = now or timezone.now()
    SourceAlertState.objects.bulk_create(
        [SourceAlertState(source_id=source.pk)], ignore_conflicts=True
    )
    claimed = (
        SourceAlertState.objects.filter(source_id=source.pk)
        .exclude(silent_since=since)
        .update(silent_since=since, notified_at=now)
    )
    if not claimed:
        return 0
    kpi = source.kpi

    def write() -> Alert:
        return source_silent_alert(source, kpi, since=since, zone=kpi.workspace.zone)

    alert = write()
    owner = owner_of(source)
    told = notifications.notify(
        workspace_id=source.workspace_id,
        people=[owner] if owner is not None else [],
        kind=alert.kind,
        title=lambda: write().title,
        url=alert.url,
        subject=alert.subject,
        body=lambda: write().body,
        key=alert.key,
    )
    post_alert(write)
    return told


@transaction.atomic
def clear_silence(*, kpi_ids: Iterable[int] | None = None) -> int:
    """Clear the silence items of push sources that received data since (of these KPIs,
    or of every one); returns how many sources spoke again."""
    spoke = SourceAlertState.objects.filter(
        silent_since__isnull=False, source__last_success_at__gt=F("silent_since")
    )
    if kpi_ids is not None:
        spoke = spoke.filter(source__kpi_id__in=list(kpi_ids))
    found = list(spoke.values_list("pk", "source_id", "source__workspace_id"))
    for _, source_id, workspace_id in found:
        notifications.resolve(
            workspace_id=workspace_id, kind=SOURCE_SILENT, subject=("source", source_id)
        )
    SourceAlertState.objects.filter(pk__in=[pk for pk, _, _ in found]).update(silent_since=None)
    return len(found)


def send_silent(*, now: dt.datetime | None = None) -> int:
    """The sweep's part for sources: clear the silences that ended, tell the new ones."""
    now = now or timezone.now()
    clear_silence()
    told = 0
    for source in silent_sources(now):
        since: dt.datetime = source._since  # type: ignore[attr-defined]
        told += tell_silent(source, since, now=now)
    return told


@transaction.atomic
def source_broke(*, workspace_id: int, source_id: int, kpi_id: int, error: str) -> int:
    """Tell the source's owner and the KPI's watchers that it broke (from `source.broken`,
    inside the failed run's transaction). Returns how many people were told."""
    kpi = Kpi.objects.filter(pk=kpi_id, workspace_id=workspace_id).first()
    source = DataSource.objects.filter(pk=source_id).first()
    if kpi is None or source is None:
        return 0
    people = set(watchers(workspace_id, ("kpi", kpi.pk)))
    owner = source.created_by_id or kpi.owner_id
    if owner is not None:
        people.add(owner)

    def write() -> Alert:
        return source_broken_alert(source_id, kpi, error=error)

    alert = write()
    told = notifications.notify(
        workspace_id=workspace_id,
        people=sorted(people),
        kind=alert.kind,
        title=lambda: write().title,
        url=alert.url,
        subject=alert.subject,
        body=lambda: write().body,
        key=alert.key,
    )
    post_alert(write)
    return told


@transaction.atomic
def source_recovered(*, workspace_id: int, source_id: int) -> int:
    """Clear the broken source's items (from `source.recovered`)."""
    return notifications.resolve(
        workspace_id=workspace_id, kind=SOURCE_BROKEN, subject=("source", source_id)
    )

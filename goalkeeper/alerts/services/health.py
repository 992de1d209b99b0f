"""KPI health alerts: a change is observed when it happens and told once it held.

Two paths see a KPI's health move. A write that moves it emits `kpi.health_changed`, and
`observe_health` records the new health and since when, inside that write's transaction
(the row only: nothing leaves the process from there). Time alone moves it too (a KPI
turns stale, a period ends), with no write and no event; the sweep (`evaluate`, every 10
minutes) reads the stored health of every KPI in SQL and notices those. The sweep then
tells the changes that held for the workspace's hold, each claimed by one conditional
UPDATE so that two workers never tell one twice (docs/adr/0003-claims-not-queues.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.utils import timezone

from goalkeeper.accounts.models import Workspace
from goalkeeper.alerts.messages import KPI_HEALTH, Alert, kpi_health_alert
from goalkeeper.alerts.models import KpiAlertState
from goalkeeper.alerts.services.chat import post_alert
from goalkeeper.domain.alerting import Decision, Outcome, decide, observe
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.periods import Frequency, nominal_length
from goalkeeper.kpis.figures import health_now
from goalkeeper.kpis.models import Kpi
from goalkeeper.notifications import services as notifications
from goalkeeper.notifications.subjects import describe
from goalkeeper.notifications.watching import watchers, watchers_of


def period_of(frequency: str) -> dt.timedelta:
    """The length of one period of a KPI's frequency, as the hold counts it."""
    return nominal_length(Frequency(frequency))


@dataclass(frozen=True)
class Observed:
    """What `observe_health` made of a new health: the decision, and for `NOTIFY` (a
    workspace that tells at once) the KPI to tell after the write commits."""

    kpi_id: int
    decision: Decision


@transaction.atomic
def observe_health(*, kpi_id: int, health: str, now: dt.datetime | None = None) -> Observed:
    """Remember that the KPI's health is now `health` (from `kpi.health_changed`).

    Only the KPI's state row is written: a first green health is adopted silently, any
    other change starts its hold. Telling people is the sweep's (or, with a hold of 0,
    the job the receiver queues after the commit).
    """
    now = now or timezone.now()
    KpiAlertState.objects.bulk_create([KpiAlertState(kpi_id=kpi_id)], ignore_conflicts=True)
    state = KpiAlertState.objects.select_for_update().get(kpi_id=kpi_id)
    frequency, hold = (
        Kpi.objects.filter(pk=kpi_id)
        .values_list("frequency", "workspace__alert_hold_periods")
        .get()
    )
    state.seen_health, seen_since = observe(state.seen_health, state.seen_since, health, now)
    state.seen_since = seen_since
    decision = decide(
        notified=state.notified_health,
        current=state.seen_health,
        seen_since=seen_since,
        now=now,
        period=period_of(frequency),
        hold=hold,
    )
    if decision.outcome is Outcome.ADOPT:
        state.notified_health = state.seen_health
    state.save(update_fields=["seen_health", "seen_since", "notified_health"])
    return Observed(kpi_id=kpi_id, decision=decision)


def _since_now(now: dt.datetime) -> Case:
    """Since when each KPI's stored health holds, when the sweep is first to see it: the
    two changes time alone makes have a known instant (turning stale at `stale_from`, a
    period's end at `health_turns_at`); any other is counted from now."""
    return Case(
        When(figures_at__isnull=True, then=Value(now)),
        When(Q(stale_from__isnull=False) & Q(stale_from__lt=now), then=F("stale_from")),
        When(health_turns_at__lte=now, then=F("health_turns_at")),
        default=Value(now),
        output_field=DateTimeField(),
    )


def candidates(now: dt.datetime, kpi_ids: Iterable[int] | None = None) -> QuerySet[Kpi]:
    """The KPIs the sweep must look at, in one query: those whose stored health moved on
    from the one last seen, and those with a change pending (seen is not what was told).
    KPIs without a state row count once they have a health."""
    kpis = Kpi.objects.filter(archived_at__isnull=True)
    if kpi_ids is not None:
        kpis = kpis.filter(pk__in=list(kpi_ids))
    return (
        kpis.select_related("workspace")
        .annotate(
            _health=health_now(now),
            _since=_since_now(now),
            _alert_row=F("alert_state__id"),
            _seen=F("alert_state__seen_health"),
            _seen_since=F("alert_state__seen_since"),
            _notified=F("alert_state__notified_health"),
        )
        .filter(
            Q(_alert_row__isnull=True, figures_at__isnull=False) & ~Q(_health=Health.NO_DATA.value)
            | Q(_alert_row__isnull=False) & (~Q(_seen=F("_health")) | ~Q(_seen=F("_notified")))
        )
        .order_by("pk")
    )


@dataclass(frozen=True)
class Due:
    """A change that held: tell `health` (last told: `before`) about `kpi`."""

    kpi: Kpi
    before: str
    health: str
    since: dt.datetime


@transaction.atomic
def evaluate(*, now: dt.datetime | None = None, kpi_ids: Iterable[int] | None = None) -> list[Due]:
    """Bring every candidate's state up to date (one read, two bulk writes) and return the
    changes due to be told; `tell` tells each, claimed on its own."""
    now = now or timezone.now()
    found = list(candidates(now, kpi_ids))
    missing = [kpi.pk for kpi in found if kpi._alert_row is None]  # type: ignore[attr-defined]
    ids: dict[int, int] = {}
    if missing:
        KpiAlertState.objects.bulk_create(
            [KpiAlertState(kpi_id=pk) for pk in missing], ignore_conflicts=True
        )
        ids = dict(KpiAlertState.objects.filter(kpi_id__in=missing).values_list("kpi_id", "pk"))
    changed: list[KpiAlertState] = []
    due: list[Due] = []
    for kpi in found:
        seen_before: str = kpi._seen or ""  # type: ignore[attr-defined]
        notified: str = kpi._notified or ""  # type: ignore[attr-defined]
        seen, since = observe(
            seen_before,
            kpi._seen_since,  # type: ignore[attr-defined]
            kpi._health,  # type: ignore[attr-defined]
            kpi._since,  # type: ignore[attr-defined]
        )
        decision = decide(
            notified=notified,
            current=seen,
            seen_since=since,
            now=now,
            period=period_of(kpi.frequency),
            hold=kpi.workspace.alert_hold_periods,
        )
        if decision.outcome is Outcome.ADOPT:
            notified = seen
        pk = kpi._alert_row or ids.get(kpi.pk)  # type: ignore[attr-defined]
        if pk is None:
            continue  # deleted meanwhile
        if (seen, since, notified) != (seen_before, kpi._seen_since, kpi._notified):  # type: ignore[attr-defined]
            changed.append(
                KpiAlertState(
                    pk=pk,
                    kpi_id=kpi.pk,
                    seen_health=seen,
                    seen_since=since,
                    notified_health=notified,
                )
            )
        if decision.outcome is Outcome.NOTIFY:
            due.append(Due(kpi=kpi, before=notified, health=seen, since=since))
    if changed:
        KpiAlertState.objects.bulk_update(
            changed, ["seen_health", "seen_since", "notified_health"], batch_size=500
        )
    return due


@transaction.atomic
def tell(due: Due, *, now: dt.datetime | None = None, people: Iterable[int] | None = None) -> int:
    """Tell one change that held to the KPI's watchers (`people`, when the caller read them
    for many KPIs at once), unless another worker already did: the conditional UPDATE is
    the claim (on PostgreSQL the second waits on the row, then finds it told). Clears the
    KPI's open health items first, so the inbox holds its latest news only. Returns how
    many people were told."""
    now = now or timezone.now()
    claimed = KpiAlertState.objects.filter(
        kpi_id=due.kpi.pk, notified_health=due.before, seen_health=due.health
    ).update(notified_health=due.health, notified_at=now)
    if not claimed:
        return 0
    kpi = due.kpi
    subject = ("kpi", kpi.pk)

    def write() -> Alert:
        return kpi_health_alert(kpi, before=due.before, health=due.health, now=now, zone=_zone(kpi))

    alert = write()
    notifications.resolve(workspace_id=kpi.workspace_id, kind=KPI_HEALTH, subject=subject)
    if people is None:
        people = watchers(kpi.workspace_id, subject)
    told = notifications.notify(
        workspace_id=kpi.workspace_id,
        people=sorted(people),
        kind=alert.kind,
        title=lambda: write().title,
        url=alert.url,
        subject=subject,
        body=lambda: write().body,
        key=alert.key,
    )
    post_alert(write)
    return told


def _zone(kpi: Kpi) -> dt.tzinfo:
    workspace: Workspace = kpi.workspace
    return workspace.zone


def send_due(*, now: dt.datetime | None = None, kpi_ids: Iterable[int] | None = None) -> int:
    """The sweep: evaluate every candidate, then tell each change that held, each in its
    own transaction (one failing alert does not hold back the others). Returns how many
    people were told."""
    now = now or timezone.now()
    due = evaluate(now=now, kpi_ids=kpi_ids)
    if not due:
        return 0
    # Everyone's watchers in three queries, rather than three per alert.
    watching = watchers_of(describe([("kpi", d.kpi.pk) for d in due]).values())
    return sum(tell(d, now=now, people=watching.get(("kpi", d.kpi.pk), set())) for d in due)

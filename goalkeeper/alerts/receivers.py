"""What the alerts app does when the apps below it emit events (subscribed in `ready`).

Each runs inside the emitting write's transaction and only writes rows there; anything to
send later is queued with `transaction.on_commit`, so a rolled-back write tells nobody.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from goalkeeper.alerts.services import health, sources
from goalkeeper.alerts.tasks import send_kpi_alerts
from goalkeeper.domain.alerting import Outcome
from goalkeeper.events import Event


def on_event(event: Event) -> None:
    """Route the events alerts listen to."""
    handler = HANDLERS.get(event.name)
    if handler is not None:
        handler(event)


def kpi_health_changed(event: Event) -> None:
    """Remember the new health; a workspace that alerts at once gets it told after the
    commit, by the worker (the write itself only records the state row)."""
    kpi_id = int(event.payload["kpi"]["id"])
    observed = health.observe_health(kpi_id=kpi_id, health=str(event.payload["after"]))
    if observed.decision.outcome is Outcome.NOTIFY:
        transaction.on_commit(partial(send_kpi_alerts, [kpi_id]))


def measurements_recorded(event: Event) -> None:
    """Data arrived: a push source that was silent speaks again."""
    sources.clear_silence(kpi_ids=[int(event.payload["kpi"]["id"])])


def source_broken(event: Event) -> None:
    payload = event.payload["source"]
    sources.source_broke(
        workspace_id=event.workspace_id,
        source_id=int(payload["id"]),
        kpi_id=int(payload["kpi"]),
        error=str(payload.get("error") or ""),
    )


def source_recovered(event: Event) -> None:
    sources.source_recovered(
        workspace_id=event.workspace_id, source_id=int(event.payload["source"]["id"])
    )


HANDLERS = {
    "kpi.health_changed": kpi_health_changed,
    "kpi.measurements_recorded": measurements_recorded,
    "source.broken": source_broken,
    "source.recovered": source_recovered,
}

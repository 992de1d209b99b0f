"""Background jobs of the alerts app, run by `goalkeeper worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from goalkeeper.alerts.services import health, sources
from goalkeeper.kpis.services import refresh_figures


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def send_due_alerts() -> None:
    """Tell the KPI health changes that held and the push sources gone silent; notice the
    changes time alone made (a KPI turned stale, a period ended). Safe with any number of
    workers: each alert is claimed by one conditional UPDATE.

    The stored figures of KPIs whose period ended are moved on first (the kpis refresh
    job does the same on its own schedule), so that the alerts read and quote them fresh.
    """
    refresh_figures(due_only=True)
    health.send_due()
    sources.send_silent()


@db_task()  # type: ignore[untyped-decorator]
def send_kpi_alerts(kpi_ids: list[int]) -> None:
    """Tell at once what these KPIs' new health calls for (a workspace with no hold)."""
    health.send_due(kpi_ids=kpi_ids)

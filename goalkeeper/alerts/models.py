"""What the alerts remember per KPI and per data source (docs/alerts.md)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class KpiAlertState(models.Model):
    """A KPI's health as last told to people and as last seen, with since when.

    `notified_health` is "" until a first health is adopted or told. A row whose
    `seen_health` differs from `notified_health` has a change pending: the sweep only
    reads those (and KPIs whose stored health moved on from `seen_health`).
    """

    kpi = models.OneToOneField("kpis.Kpi", on_delete=models.CASCADE, related_name="alert_state")
    notified_health = models.CharField(max_length=8, blank=True)
    seen_health = models.CharField(max_length=8, blank=True)
    seen_since = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["seen_health", "notified_health"], name="alert_kpi_pending"),
        ]

    def __str__(self) -> str:
        return f"KPI {self.kpi_id}: told {self.notified_health or '-'}, seen {self.seen_health}"


class SourceAlertState(models.Model):
    """The silence of a push source already told: `silent_since` is the instant its silence
    started (its last success, or its creation), None while it is not silent."""

    source = models.OneToOneField(
        "sources.DataSource", on_delete=models.CASCADE, related_name="alert_state"
    )
    silent_since = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"source {self.source_id}: silent since {self.silent_since}"

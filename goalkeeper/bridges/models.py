"""Rows the bridges own: guardrail KPIs of objectives and driver links between KPIs and key
results (docs/okrs.md "Guardrails", docs/kpis.md "Drivers"). Kept here, above both apps, so
that neither the OKR tables nor the KPI tables depend on the other."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

NOTE_MAX = 200


class Guardrail(models.Model):
    """A KPI that must stay healthy while the objective is pursued (a counter-metric)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        "okrs.Objective", on_delete=models.CASCADE, related_name="guardrails"
    )
    kpi = models.ForeignKey("kpis.Kpi", on_delete=models.CASCADE, related_name="guarded")
    note = models.CharField(max_length=NOTE_MAX, blank=True)
    created_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["objective", "kpi"], name="guardrail_objective_kpi"),
        ]
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.objective_id} guarded by {self.kpi_id}"


class DriverLink(models.Model):
    """A declared "leading KPI drives this KPI or key result" (leading -> lagging).

    Exactly one of `lagging_kpi` and `lagging_key_result` is set.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    leading = models.ForeignKey("kpis.Kpi", on_delete=models.CASCADE, related_name="drives")
    lagging_kpi = models.ForeignKey(
        "kpis.Kpi", null=True, blank=True, on_delete=models.CASCADE, related_name="driven_by"
    )
    lagging_key_result = models.ForeignKey(
        "okrs.KeyResult",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="driven_by",
    )
    note = models.CharField(max_length=NOTE_MAX, blank=True)
    created_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(lagging_kpi__isnull=False, lagging_key_result__isnull=True)
                    | models.Q(lagging_kpi__isnull=True, lagging_key_result__isnull=False)
                ),
                name="driver_link_one_lagging",
            ),
            models.UniqueConstraint(
                fields=["leading", "lagging_kpi"],
                condition=models.Q(lagging_kpi__isnull=False),
                name="driver_link_kpi",
            ),
            models.UniqueConstraint(
                fields=["leading", "lagging_key_result"],
                condition=models.Q(lagging_key_result__isnull=False),
                name="driver_link_key_result",
            ),
        ]
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        lagging = self.lagging_kpi_id or f"kr {self.lagging_key_result_id}"
        return f"{self.leading_id} drives {lagging}"

"""Dashboards, their tiles and their share links (docs/dashboards.md)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Sharing(models.TextChoices):
    PRIVATE = "private", _("Only me")
    TEAM = "team", _("A team")
    WORKSPACE = "workspace", _("The whole workspace")


class TileKind(models.TextChoices):
    KPI_CHART = "kpi_chart", _("KPI chart")
    KPI_GROUP = "kpi_group", _("KPI group")
    OBJECTIVE = "objective", _("Objective with its key results")
    TEAM_SUMMARY = "team_summary", _("Team summary")
    HEALTH_COUNTS = "health_counts", _("KPI health counts")
    INSIGHT_CHART = "insight_chart", _("Insight chart")
    TEXT = "text", _("Text")


class Dashboard(models.Model):
    """Tiles on a grid, owned by a person, kept private or shared with a team or everyone."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        "accounts.Person", null=True, on_delete=models.SET_NULL, related_name="dashboards"
    )
    title = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "title", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["workspace", "sharing"]),
            models.Index(fields=["workspace", "owner"]),
        ]

    def __str__(self) -> str:
        return self.title


class Tile(models.Model):
    """One tile of a dashboard: what it shows (`kind` and `config`) and where it sits."""

    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="tiles")
    kind = models.CharField(max_length=16, choices=TileKind.choices)
    title = models.CharField(max_length=120, blank=True)
    # Checked per kind by `goalkeeper.dashboards.configs` before it is stored.
    config = models.JSONField(default=dict)
    x = models.PositiveSmallIntegerField(default=0)
    y = models.PositiveSmallIntegerField(default=0)
    w = models.PositiveSmallIntegerField(default=4)
    h = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering: ClassVar[list[str]] = ["y", "x", "id"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class ShareLink(models.Model):
    """A read-only link to one dashboard for people without an account.

    Only a keyed hash of the token is stored (`token_hash`); the link itself is shown once,
    when it is made. It stops working when it expires or is revoked.
    """

    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        "accounts.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Share link of {self.dashboard_id}"

    def working(self, now: dt.datetime | None = None) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

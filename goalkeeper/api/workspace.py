"""`GET /workspace`: the settings of the token's workspace that answers depend on."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from goalkeeper.api.auth import caller
from goalkeeper.api.errors import READ_MANY, responses

router = Router(tags=["workspace"])


class PaceThresholdsOut(Schema):
    """When a key result is on track, at risk or behind (docs/scoring.md, "Pace")."""

    on_track: float
    at_risk: float
    stale_days: int


class WorkspaceOut(Schema):
    """The token's workspace: its periods are read in `timezone`, its fiscal year starts
    on the first day of `fiscal_year_start_month`."""

    id: int
    name: str
    slug: str
    timezone: str
    fiscal_year_start_month: int
    pace_thresholds: PaceThresholdsOut


@router.get("/workspace", response=responses({200: WorkspaceOut}, READ_MANY))
def get_workspace(request: HttpRequest) -> WorkspaceOut:
    """The token's workspace: name, time zone, fiscal year start, pace thresholds."""
    workspace = caller(request).workspace
    return WorkspaceOut(
        id=workspace.pk,
        name=workspace.name,
        slug=workspace.slug,
        timezone=workspace.timezone,
        fiscal_year_start_month=workspace.fiscal_year_start_month,
        pace_thresholds=PaceThresholdsOut(
            on_track=workspace.on_track_gap,
            at_risk=workspace.at_risk_gap,
            stale_days=workspace.stale_days,
        ),
    )

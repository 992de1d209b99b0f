"""What an alert says: its title, body and link, from the stored figures alone.

Nothing here computes a health: the KPI row's stored figures (docs/kpis.md, "Stored
figures") say what the value and the target are; this module only words them. The same
`Alert` feeds the inbox item and, through `chat_message_for`, the chat post to the KPI's
team's and the workspace's channels that take alerts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse

from goalkeeper.channels.messages import ChatMessage
from goalkeeper.domain.alerting import is_none
from goalkeeper.domain.formatting import with_unit
from goalkeeper.domain.kpis import Direction, Health
from goalkeeper.kpis.models import Kpi
from goalkeeper.notifications.tokens import absolute
from goalkeeper.sources.models import DataSource

KPI_HEALTH = "kpi_health"
SOURCE_SILENT = "source_silent"
SOURCE_BROKEN = "source_broken"

# "two weeks": what two periods of each frequency are called.
PERIOD_NAMES = {
    "hourly": "hours",
    "daily": "days",
    "weekly": "weeks",
    "monthly": "months",
    "quarterly": "quarters",
    "yearly": "years",
}

# How a chat post colours an alert (the channels' palette).
TONES = {
    Health.GREEN.value: "green",
    Health.YELLOW.value: "yellow",
    Health.RED.value: "red",
    Health.STALE.value: "grey",
}


@dataclass(frozen=True)
class Alert:
    """One alert about one subject, ready to be told (inbox) or posted (chat)."""

    workspace_id: int
    kind: str
    subject: tuple[str, int]
    key: str
    title: str
    url: str
    body: str = ""
    tone: str = "grey"
    team_id: int | None = None
    link_label: str = "Open"
    fields: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _day(moment: dt.datetime | None, zone: dt.tzinfo) -> str:
    """ "3 Nov 2026" in the workspace's zone."""
    if moment is None:
        return "-"
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y}"


def _goal(kpi: Kpi) -> str:
    """ "a target of 3%", "a range of 2% to 4%"."""
    if kpi.direction == Direction.IN_RANGE.value:
        return f"a range of {with_unit(kpi.low, kpi.unit)} to {with_unit(kpi.high, kpi.unit)}"
    return f"a target of {with_unit(kpi.target, kpi.unit)}"


def stored_value(kpi: Kpi, now: dt.datetime) -> float | None:
    """The value the stored health judges, while the stored period holds (after its end the
    row keeps only the next period's health and change until the refresh job moves it)."""
    if kpi.health_turns_at is not None and kpi.health_turns_at <= now:
        return None
    return kpi.period_value


def kpi_health_alert(
    kpi: Kpi, *, before: str, health: str, now: dt.datetime, zone: dt.tzinfo
) -> Alert:
    """ "Churn rate turned red (4.1% against a target of 3%)", "... improved to yellow (...)",
    "... is back to green (...)", "... turned stale (no value since 3 Nov 2026)"."""
    value = stored_value(kpi, now)
    figures = f" ({with_unit(value, kpi.unit)} against {_goal(kpi)})" if value is not None else ""
    if health == Health.STALE.value:
        title = f"{kpi.name} turned stale (no value since {_day(kpi.last_measurement_at, zone)})"
    elif health == Health.GREEN.value:
        title = f"{kpi.name} is back to green{figures}"
    elif (before, health) == (Health.RED.value, Health.YELLOW.value):
        title = f"{kpi.name} improved to yellow{figures}"
    else:
        title = f"{kpi.name} turned {health}{figures}"
    told_before = not is_none(before)
    body = f"It was {before} before." if told_before else ""
    fields = [("Health", health)] + ([("Before", before)] if told_before else [])
    return Alert(
        workspace_id=kpi.workspace_id,
        kind=KPI_HEALTH,
        subject=("kpi", kpi.pk),
        key=f"kpi:{kpi.pk}:{health}",
        title=title[:200],
        url=reverse("kpi_detail", args=[kpi.pk]),
        body=body,
        tone=TONES.get(health, "grey"),
        team_id=kpi.team_id,
        link_label="Open the KPI",
        fields=tuple(fields),
    )


def source_silent_alert(
    source: DataSource, kpi: Kpi, *, since: dt.datetime, zone: dt.tzinfo
) -> Alert:
    """ "Nothing pushed to Signups since 3 Nov 2026"."""
    return Alert(
        workspace_id=source.workspace_id,
        kind=SOURCE_SILENT,
        subject=("source", source.pk),
        key=f"source:{source.pk}:{since.isoformat()}",
        title=f"Nothing pushed to {kpi.name} since {_day(since, zone)}"[:200],
        url=reverse("source_detail", args=[kpi.pk]),
        body=f"Its push source has received nothing for two {PERIOD_NAMES[kpi.frequency]}.",
        tone="yellow",
        team_id=kpi.team_id,
        link_label="Open the data source",
    )


def source_broken_alert(source_id: int, kpi: Kpi, *, error: str) -> Alert:
    """ "The data source of Signups is broken", with the (scrubbed) error as the body."""
    return Alert(
        workspace_id=kpi.workspace_id,
        kind=SOURCE_BROKEN,
        subject=("source", source_id),
        key=f"source:{source_id}:broken",
        title=f"The data source of {kpi.name} is broken"[:200],
        url=reverse("source_detail", args=[kpi.pk]),
        body=error[:1000],
        tone="red",
        team_id=kpi.team_id,
        link_label="Open the data source",
    )


def chat_message_for(alert: Alert) -> ChatMessage:
    """The chat post of `alert`: its words, a link to the page (absolute: it is read outside
    Goalkeeper), its fields and its colour."""
    return ChatMessage(
        title=alert.title,
        text=alert.body,
        url=absolute(alert.url),
        link_label=alert.link_label,
        fields=alert.fields,
        tone=alert.tone,
    )

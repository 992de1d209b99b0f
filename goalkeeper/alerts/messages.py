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
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from goalkeeper.channels.messages import ChatMessage
from goalkeeper.domain.alerting import is_none
from goalkeeper.domain.kpis import Direction, Health
from goalkeeper.kpis.models import Kpi
from goalkeeper.l10n import with_unit
from goalkeeper.notifications.tokens import absolute
from goalkeeper.sources.models import DataSource

KPI_HEALTH = "kpi_health"
SOURCE_SILENT = "source_silent"
SOURCE_BROKEN = "source_broken"

# "two weeks": what two periods of each frequency are called.
PERIOD_NAMES = {
    "hourly": gettext_lazy("two hours"),
    "daily": gettext_lazy("two days"),
    "weekly": gettext_lazy("two weeks"),
    "monthly": gettext_lazy("two months"),
    "quarterly": gettext_lazy("two quarters"),
    "yearly": gettext_lazy("two years"),
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
    """One alert about one subject, ready to be told (inbox) or posted (chat), worded in
    the language active when it was made (callers make it again in each reader's)."""

    workspace_id: int
    kind: str
    subject: tuple[str, int]
    key: str
    title: str
    url: str
    body: str = ""
    tone: str = "grey"
    team_id: int | None = None
    link_label: str = ""
    fields: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _day(moment: dt.datetime | None, zone: dt.tzinfo) -> str:
    """ "3 Nov 2026" in the workspace's zone."""
    if moment is None:
        return "-"
    return date_format(moment.astimezone(zone).date(), "DATE_FORMAT")


def _goal(kpi: Kpi) -> str:
    """ "a target of 3%", "a range of 2% to 4%"."""
    if kpi.direction == Direction.IN_RANGE.value:
        return _("a range of %(low)s to %(high)s") % {
            "low": with_unit(kpi.low, kpi.unit),
            "high": with_unit(kpi.high, kpi.unit),
        }
    return _("a target of %(target)s") % {"target": with_unit(kpi.target, kpi.unit)}


def _health(health: str) -> str:
    """A health in words: "red", "rot"."""
    words = {
        Health.GREEN.value: pgettext("health", "green"),
        Health.YELLOW.value: pgettext("health", "yellow"),
        Health.RED.value: pgettext("health", "red"),
        Health.STALE.value: pgettext("health", "stale"),
    }
    return words.get(health, health)


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
    figures = (
        " ("
        + _("%(value)s against %(goal)s")
        % {"value": with_unit(value, kpi.unit), "goal": _goal(kpi)}
        + ")"
        if value is not None
        else ""
    )
    words = {"kpi": kpi.name, "figures": figures}
    if health == Health.STALE.value:
        title = _("%(kpi)s turned stale (no value since %(day)s)") % {
            "kpi": kpi.name,
            "day": _day(kpi.last_measurement_at, zone),
        }
    elif health == Health.GREEN.value:
        title = _("%(kpi)s is back to green%(figures)s") % words
    elif (before, health) == (Health.RED.value, Health.YELLOW.value):
        title = _("%(kpi)s improved to yellow%(figures)s") % words
    else:
        title = _("%(kpi)s turned %(health)s%(figures)s") % {**words, "health": _health(health)}
    told_before = not is_none(before)
    body = _("It was %(health)s before.") % {"health": _health(before)} if told_before else ""
    fields = [(_("Health"), _health(health))] + (
        [(_("Before"), _health(before))] if told_before else []
    )
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
        link_label=_("Open the KPI"),
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
        title=(
            _("Nothing pushed to %(kpi)s since %(day)s")
            % {"kpi": kpi.name, "day": _day(since, zone)}
        )[:200],
        url=reverse("source_detail", args=[kpi.pk]),
        body=_("Its push source has received nothing for %(periods)s.")
        % {"periods": PERIOD_NAMES[kpi.frequency]},
        tone="yellow",
        team_id=kpi.team_id,
        link_label=_("Open the data source"),
    )


def source_broken_alert(source_id: int, kpi: Kpi, *, error: str) -> Alert:
    """ "The data source of Signups is broken", with the (scrubbed) error as the body."""
    return Alert(
        workspace_id=kpi.workspace_id,
        kind=SOURCE_BROKEN,
        subject=("source", source_id),
        key=f"source:{source_id}:broken",
        title=(_("The data source of %(kpi)s is broken") % {"kpi": kpi.name})[:200],
        url=reverse("source_detail", args=[kpi.pk]),
        body=error[:1000],
        tone="red",
        team_id=kpi.team_id,
        link_label=_("Open the data source"),
    )


def chat_message_for(alert: Alert) -> ChatMessage:
    """The chat post of `alert`: its words, a link to the page (absolute: it is read outside
    Goalkeeper), its fields and its colour."""
    return ChatMessage(
        title=alert.title,
        text=alert.body,
        url=absolute(alert.url),
        link_label=alert.link_label or _("Open"),
        fields=alert.fields,
        tone=alert.tone,
    )

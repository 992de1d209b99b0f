"""Reminders and digests as email: what the templates render.

The HTML part is a 600px table layout with its styles inline (mail clients drop `<style>`
blocks and most CSS), the app's status colours, progress bars made of table cells, and a
plain-text part saying the same. The message itself (unsubscribe link, List-Unsubscribe
headers) is built by the notifications app's mail builder, as every email of Goalkeeper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goalkeeper.digests import links
from goalkeeper.digests.content import Digest, Line, Section
from goalkeeper.digests.models import DigestKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HTML_TEMPLATE = "digests/email/digest.html"
TEXT_TEMPLATE = "digests/email/digest.txt"
# The app's status palette (web/static/goalkeeper/css/app.css): fill, soft, ink.
TONES: dict[str, tuple[str, str, str]] = {
    "green": ("#16a34a", "#dcfce7", "#14532d"),
    "amber": ("#f59e0b", "#fef3c7", "#7c3a06"),
    "red": ("#dc2626", "#fee2e2", "#8f1c1c"),
    "grey": ("#98a2b3", "#eef0f3", "#434b58"),
    "brand": ("#4338ca", "#eef0ff", "#3730a3"),
}
STATUS_TONES = {
    "on_track": "green",
    "green": "green",
    "at_risk": "amber",
    "yellow": "amber",
    "off_track": "red",
    "red": "red",
    "not_started": "grey",
    "stale": "grey",
    "no_data": "grey",
}
TITLES: dict[str, StrOrPromise] = {
    DigestKind.REMINDER: gettext_lazy("Time to check in"),
    DigestKind.PERSONAL: gettext_lazy("Your week in Goalkeeper"),
    DigestKind.TEAM: gettext_lazy("Your team's week"),
    DigestKind.COMPANY: gettext_lazy("The company's week"),
}
FOOTERS: dict[str, StrOrPromise] = {
    DigestKind.REMINDER: gettext_lazy(
        "You get this because you own key results in an active cycle."
    ),
    DigestKind.PERSONAL: gettext_lazy("Your weekly digest."),
    DigestKind.TEAM: gettext_lazy("You get this because you lead the team."),
    DigestKind.COMPANY: gettext_lazy("You get this because you are an admin of the workspace."),
}


@dataclass(frozen=True)
class ShownLine:
    """A line with its colours and bar width resolved for the templates."""

    title: str
    url: str
    label: str
    detail: str
    fill: str
    soft: str
    ink: str
    bar: int | None


@dataclass(frozen=True)
class ShownSection:
    title: str
    lines: tuple[ShownLine, ...]
    more: int


def _shown(line: Line) -> ShownLine:
    tone = TONES[STATUS_TONES.get(line.status, "brand")]
    bar = None if line.progress is None else round(min(max(line.progress, 0.0), 1.0) * 100)
    return ShownLine(line.title, line.url, line.label, line.detail, *tone, bar)


def _section(section: Section) -> ShownSection:
    return ShownSection(section.title, tuple(map(_shown, section.lines)), section.more)


def title_of(digest: Digest) -> str:
    """The heading of the message."""
    if digest.kind == DigestKind.TEAM:
        return _("%(team)s: the week") % {"team": digest.team_name}
    return str(TITLES.get(digest.kind, "Goalkeeper"))


def context(digest: Digest, unsubscribe_url: str = "") -> dict[str, Any]:
    """What both templates render (in the active language: the recipient's)."""
    _year, number = digest.week.iso
    return {
        "digest": digest,
        "title": title_of(digest),
        "subject_line": digest.subject,
        "week_label": _("%(monday)s (week %(number)s)")
        % {"monday": date_format(digest.week.monday, "DATE_FORMAT"), "number": number},
        "sections": tuple(_section(section) for section in digest.sections),
        "footer": str(FOOTERS.get(digest.kind, "")),
        "inbox_url": links.inbox(),
        "unsubscribe_url": unsubscribe_url,
    }

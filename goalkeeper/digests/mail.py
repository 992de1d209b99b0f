"""Reminders and digests as email: what the templates render.

The HTML part is a 600px table layout with its styles inline (mail clients drop `<style>`
blocks and most CSS), the app's status colours, progress bars made of table cells, and a
plain-text part saying the same. The message itself (unsubscribe link, List-Unsubscribe
headers) is built by the notifications app's mail builder, as every email of Goalkeeper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from goalkeeper.digests import links
from goalkeeper.digests.content import Digest, Line, Section
from goalkeeper.digests.models import DigestKind

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
TITLES: dict[str, str] = {
    DigestKind.REMINDER: "Time to check in",
    DigestKind.PERSONAL: "Your week in Goalkeeper",
    DigestKind.TEAM: "Your team's week",
    DigestKind.COMPANY: "The company's week",
}
FOOTERS: dict[str, str] = {
    DigestKind.REMINDER: "You get this because you own key results in an active cycle.",
    DigestKind.PERSONAL: "Your weekly digest.",
    DigestKind.TEAM: "You get this because you lead the team.",
    DigestKind.COMPANY: "You get this because you are an admin of the workspace.",
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
        return f"{digest.team_name}: the week"
    return TITLES.get(digest.kind, "Goalkeeper")


def context(digest: Digest, unsubscribe_url: str = "") -> dict[str, Any]:
    """What both templates render."""
    _, number = digest.week.iso
    return {
        "digest": digest,
        "title": title_of(digest),
        "subject_line": digest.subject,
        "week_label": f"{digest.week.monday:%-d %B %Y} (week {number})",
        "sections": tuple(_section(section) for section in digest.sections),
        "footer": FOOTERS.get(digest.kind, ""),
        "inbox_url": links.inbox(),
        "unsubscribe_url": unsubscribe_url,
    }

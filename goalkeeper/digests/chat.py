"""Digests as chat messages, for the team and workspace channels (docs/digests.md, "Chat").

`chat_message_for` makes the chat app's `ChatMessage` of a team or company digest; the
digests services post it with `channels.services.post_to_scope(..., purpose="digest")`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from goalkeeper.channels.messages import ChatMessage
from goalkeeper.digests.content import Digest

# Lines per section in a chat message: a channel wants the gist, the email has the rest.
CHAT_LINES = 5


def tone_of(digest: Digest) -> str:
    """Red when something is off track or red, yellow when at risk or stale, else green."""
    statuses = {line.status for section in digest.sections for line in section.lines}
    if statuses & {"off_track", "red"}:
        return "red"
    if statuses & {"at_risk", "yellow", "stale"}:
        return "yellow"
    return "green"


def chat_message_for(digest: Digest) -> ChatMessage:
    """The chat message of a team or company digest."""
    fields = []
    for section in digest.sections:
        if not section.lines:
            continue
        lines = [
            f"{line.title}: {line.label}" if line.label else line.title
            for line in section.lines[:CHAT_LINES]
        ]
        left = len(section.lines) - CHAT_LINES + section.more
        if left > 0:
            lines.append(_("and %(count)s more") % {"count": left})
        fields.append((section.title, "\n".join(lines)))
    title = digest.team_name if digest.team_name else digest.workspace_name
    return ChatMessage(
        title=_("%(name)s: the week (%(week)s)") % {"name": title, "week": digest.week.label},
        text=digest.headline,
        url=digest.action_url,
        link_label=digest.action_label,
        fields=tuple(fields),
        tone=tone_of(digest),
    )

"""A chat message, and its payload for each platform's incoming webhook (pure: no Django).

Callers (alerts, digests, notifications) build a `ChatMessage`; `payload_for(kind, message)`
renders it as the JSON body the platform documents (docs/chat.md):

- Slack: Block Kit `blocks` (header, section, fields, actions button, context) and a
  fallback `text` for notifications. mrkdwn needs `&`, `<` and `>` escaped; links are
  `<url|text>`. A header holds 150 characters, a section's text 3000.
- Microsoft Teams (workflow webhook): a `message` whose attachment is an Adaptive Card 1.4.
  Text goes in RichTextBlock/TextRun, which Teams shows as written (no markdown), so user
  text needs no escaping beyond JSON.
- Mattermost and Rocket.Chat: Slack-compatible `text` plus `attachments` (title, title_link,
  text, color, fields). Their text is Markdown: ASCII punctuation is backslash-escaped, and
  an `@` is followed by a word joiner so `@channel`/`@all` in user text pings nobody.
- json: Goalkeeper's own envelope, signed by the sender like outbound webhooks.

Every renderer bounds its text to the platform's limits, cutting before escaping so an
escape sequence is never cut in half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

KINDS = ("slack", "teams", "mattermost", "rocketchat", "json")
TONES = ("green", "yellow", "red", "grey")
ELLIPSIS = "…"

SLACK_HEADER_LIMIT = 150
SLACK_TEXT_LIMIT = 3000
SLACK_FIELD_LIMIT = 2000
SLACK_FIELD_NAME_LIMIT = 200
SLACK_MAX_FIELDS = 10
SLACK_BUTTON_LIMIT = 75
SLACK_URL_LIMIT = 3000
# Mattermost keeps posts up to 16383 characters, Rocket.Chat 5000 by default: stay below.
MARKDOWN_TEXT_LIMIT = 4000
TEAMS_TEXT_LIMIT = 10000
TITLE_LIMIT = 300

TONE_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "grey": "#9e9e9e"}
TONE_EMOJI = {
    "green": ":large_green_circle:",
    "yellow": ":large_yellow_circle:",
    "red": ":red_circle:",
    "grey": ":white_circle:",
}
# Adaptive Card text colours (TextRun.color).
TONE_TEAMS = {"green": "Good", "yellow": "Warning", "red": "Attention", "grey": "Default"}
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
BOT_NAME = "Goalkeeper"
WORD_JOINER = "\u2060"
# CommonMark lets a backslash escape any ASCII punctuation character.
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|<>~&\"'$%,/:;=?^")


@dataclass(frozen=True)
class ChatMessage:
    """What a channel posts: a title, some text, a link to the page, a few name/value fields.

    `tone` colours the message: "green", "yellow", "red" or "grey" (None: no colour).
    """

    title: str
    text: str
    url: str | None = None
    # Worded when the message is made: in the language active then (the channel's).
    link_label: str = field(default_factory=lambda: gettext("Open in Goalkeeper"))
    fields: tuple[tuple[str, str], ...] = ()
    tone: str | None = None

    def __post_init__(self) -> None:
        if self.tone is not None and self.tone not in TONES:
            raise ValueError(f"tone must be one of {', '.join(TONES)}")


# --- Escaping and bounding ---------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Text for Slack mrkdwn or plain_text: the three control characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_escape(text: str) -> str:
    """Text for Mattermost/Rocket.Chat Markdown: punctuation escaped, mentions defused."""
    out: list[str] = []
    for char in text:
        if char in _MARKDOWN_PUNCTUATION:
            out.append("\\" + char)
        elif char == "@":
            out.append("@" + WORD_JOINER)
        else:
            out.append(char)
    return "".join(out)


def fit(text: str, limit: int, escape: Callable[[str], str] = str) -> str:
    """`escape(text)` in at most `limit` characters, cut (with an ellipsis) before escaping."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    # The longest prefix whose escaped form leaves room for the ellipsis (escaping only
    # lengthens, so the escaped length grows with the prefix: a binary search finds it).
    low, high = 0, min(len(text), limit - 1)
    while low < high:
        middle = (low + high + 1) // 2
        if len(escape(text[:middle])) <= limit - 1:
            low = middle
        else:
            high = middle - 1
    return escape(text[:low]) + ELLIPSIS


def _title(message: ChatMessage) -> str:
    return message.title.strip() or BOT_NAME


# --- Slack: Block Kit --------------------------------------------------------------------


def _slack_link(url: str, label: str) -> str:
    # In <url|text> the URL ends at the first "|": percent-encode any in the URL itself.
    return f"<{slack_escape(url.replace('|', '%7C'))}|{slack_escape(label)}>"


def slack(message: ChatMessage) -> dict[str, Any]:
    """Slack incoming webhook body: Block Kit blocks and a fallback `text`."""
    title = _title(message)
    prefix = f"{TONE_EMOJI[message.tone]} " if message.tone else ""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": prefix + fit(title, SLACK_HEADER_LIMIT - len(prefix), slack_escape),
                "emoji": True,
            },
        }
    ]
    if message.text.strip():
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": fit(message.text, SLACK_TEXT_LIMIT, slack_escape),
                },
            }
        )
    if message.fields:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {
                        "type": "mrkdwn",
                        "text": "*"
                        + fit(name, SLACK_FIELD_NAME_LIMIT, slack_escape)
                        + "*\n"
                        + fit(value, SLACK_FIELD_LIMIT - SLACK_FIELD_NAME_LIMIT - 3, slack_escape),
                    }
                    for name, value in message.fields[:SLACK_MAX_FIELDS]
                ],
            }
        )
    if message.url and len(message.url) <= SLACK_URL_LIMIT:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {
                            "type": "plain_text",
                            "text": fit(message.link_label or gettext("Open"), SLACK_BUTTON_LIMIT),
                        },
                        "url": message.url,
                    }
                ],
            }
        )
    context = gettext("Sent by %(bot)s") % {"bot": BOT_NAME}
    if message.url:
        context += " · " + _slack_link(message.url, message.link_label or gettext("Open"))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    fallback = fit(title, TITLE_LIMIT, slack_escape)
    if message.text.strip():
        fallback += ": " + fit(message.text, SLACK_TEXT_LIMIT, slack_escape)
    return {"text": fallback, "blocks": blocks}


# --- Microsoft Teams: Adaptive Card in a workflow message --------------------------------


def _run(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": text, **style}


def teams(message: ChatMessage) -> dict[str, Any]:
    """Teams workflow webhook body: a message with one Adaptive Card 1.4 attachment."""
    title_style: dict[str, Any] = {"weight": "Bolder", "size": "Medium"}
    if message.tone:
        title_style["color"] = TONE_TEAMS[message.tone]
    body: list[dict[str, Any]] = [
        {
            "type": "RichTextBlock",
            "inlines": [_run(fit(_title(message), TITLE_LIMIT), **title_style)],
        }
    ]
    if message.text.strip():
        body.append(
            {"type": "RichTextBlock", "inlines": [_run(fit(message.text, TEAMS_TEXT_LIMIT))]}
        )
    for name, value in message.fields:
        body.append(
            {
                "type": "RichTextBlock",
                "spacing": "Small",
                "inlines": [
                    _run(fit(name, TITLE_LIMIT) + ": ", weight="Bolder"),
                    _run(fit(value, TITLE_LIMIT)),
                ],
            }
        )
    card: dict[str, Any] = {
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "msteams": {"width": "Full"},
    }
    if message.url:
        card["actions"] = [
            {
                "type": "Action.OpenUrl",
                "title": fit(message.link_label or gettext("Open"), TITLE_LIMIT),
                "url": message.url,
            }
        ]
    return {
        "type": "message",
        "attachments": [
            {"contentType": ADAPTIVE_CARD_CONTENT_TYPE, "contentUrl": None, "content": card}
        ],
    }


# --- Mattermost and Rocket.Chat: Slack-compatible text and attachments ------------------


def _markdown_attachment(message: ChatMessage) -> dict[str, Any]:
    title = fit(_title(message), TITLE_LIMIT)
    attachment: dict[str, Any] = {"fallback": title, "title": title}
    if message.url:
        attachment["title_link"] = message.url
    if message.text.strip():
        attachment["text"] = fit(message.text, MARKDOWN_TEXT_LIMIT, markdown_escape)
    if message.tone:
        attachment["color"] = TONE_COLOURS[message.tone]
    if message.fields:
        attachment["fields"] = [
            {
                "short": True,
                "title": fit(name, TITLE_LIMIT),
                "value": fit(value, TITLE_LIMIT, markdown_escape),
            }
            for name, value in message.fields
        ]
    return attachment


def _link_target(url: str) -> str:
    # A Markdown link's target ends at a space or an unbalanced parenthesis.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _markdown_text(message: ChatMessage, bold: str) -> str:
    """The title in bold (`**` on Mattermost, `*` on Rocket.Chat) and the link."""
    text = bold + fit(_title(message), TITLE_LIMIT, markdown_escape) + bold
    if message.url:
        label = fit(message.link_label or gettext("Open"), TITLE_LIMIT, markdown_escape)
        text += f" · [{label}]({_link_target(message.url)})"
    return text


def mattermost(message: ChatMessage) -> dict[str, Any]:
    """Mattermost incoming webhook body: `text`, `username` and one attachment."""
    return {
        "username": BOT_NAME,
        "text": _markdown_text(message, "**"),
        "attachments": [_markdown_attachment(message)],
    }


def rocketchat(message: ChatMessage) -> dict[str, Any]:
    """Rocket.Chat incoming webhook body: `text`, `alias` and one attachment."""
    return {
        "alias": BOT_NAME,
        "text": _markdown_text(message, "*"),
        "attachments": [_markdown_attachment(message)],
    }


# --- Goalkeeper's own envelope -----------------------------------------------------------


def generic(message: ChatMessage) -> dict[str, Any]:
    """The generic JSON body (the sender adds id, purpose, workspace and channel)."""
    return {
        "type": "goalkeeper.chat_message",
        "version": 1,
        "message": {
            "title": message.title,
            "text": message.text,
            "url": message.url,
            "link_label": message.link_label,
            "fields": [{"name": name, "value": value} for name, value in message.fields],
            "tone": message.tone,
        },
    }


RENDERERS: dict[str, Callable[[ChatMessage], dict[str, Any]]] = {
    "slack": slack,
    "teams": teams,
    "mattermost": mattermost,
    "rocketchat": rocketchat,
    "json": generic,
}


def payload_for(kind: str, message: ChatMessage) -> dict[str, Any]:
    """The JSON body a channel of `kind` receives for `message`."""
    try:
        renderer = RENDERERS[kind]
    except KeyError:
        raise ValueError(f"unknown chat channel kind {kind!r}") from None
    return renderer(message)

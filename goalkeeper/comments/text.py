"""A comment's text: the mention tokens it holds and its HTML, as pure functions.

A mention is written in the body as `@[Ada Lovelace](person:42)`: the name is what the
writer saw when they picked the person, the id is who it is. The stored name is only a
fallback; the page shows the person's current name. Everything else is plain text:
escaped, with http(s) URLs turned into links and newlines kept (docs/comments.md).

No Django here: `render` takes the names to show and answers a string of HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

MENTION = re.compile(r"@\[(?P<name>[^\[\]\n]{1,150})\]\(person:(?P<id>\d{1,12})\)")
# A link runs to the first space, quote or angle bracket: those never reach an attribute.
URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the URL ("see https://x.org/a.").
_TRAILING = ".,;:!?"
_TOKENS = re.compile(f"{MENTION.pattern}|(?P<url>{URL.pattern})", re.IGNORECASE)


def mention_token(person_id: int, name: str) -> str:
    """The token that mentions a person, with brackets taken out of the name."""
    clean = re.sub(r"[\[\]\n]", "", name).strip()[:150] or "someone"
    return f"@[{clean}](person:{person_id})"


def mentioned_ids(body: str) -> list[int]:
    """The ids mentioned in `body`, each once, in the order they first appear."""
    seen: dict[int, None] = {}
    for match in MENTION.finditer(body):
        seen.setdefault(int(match.group("id")), None)
    return list(seen)


def plain(body: str, names: Mapping[int, str] | None = None) -> str:
    """The body as plain text, mentions as `@Name` (for emails, chat and previews)."""
    names = names or {}
    return MENTION.sub(lambda m: "@" + names.get(int(m.group("id")), m.group("name")), body)


def _split_url(url: str) -> tuple[str, str]:
    """The link and what follows it: trailing punctuation and an unmatched `)` stay text."""
    tail = ""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        tail = url[-1] + tail
        url = url[:-1]
    return url, tail


def _text(chunk: str) -> str:
    return escape(chunk, quote=True).replace("\r\n", "\n").replace("\n", "<br>\n")


def render(body: str, names: Mapping[int, str] | None = None) -> str:
    """The body as safe HTML: text escaped, links and mention chips, line breaks kept.

    `names` maps person ids to the names to show; a mention of anyone else keeps the name
    written in its token.
    """
    names = names or {}
    out: list[str] = []
    position = 0
    for match in _TOKENS.finditer(body):
        out.append(_text(body[position : match.start()]))
        position = match.end()
        if match.group("url"):
            url, tail = _split_url(match.group("url"))
            if not re.match(r"https?://[^/?#\s]", url, re.IGNORECASE):
                out.append(_text(match.group("url")))
                continue
            href = escape(url, quote=True)
            out.append(
                f'<a href="{href}" rel="nofollow noopener noreferrer" target="_blank">{href}</a>'
            )
            out.append(_text(tail))
            continue
        person_id = int(match.group("id"))
        name = names.get(person_id, match.group("name"))
        out.append(
            f'<span class="mention" data-person-id="{person_id}">@{escape(name, quote=True)}</span>'
        )
    out.append(_text(body[position:]))
    return "".join(out)

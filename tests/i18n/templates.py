"""Find the words of a template that no translate tag covers.

A template is lexed with Django's own Lexer. Text inside `{% translate %}`,
`{% blocktranslate %}` and comments is left out; every other tag or variable becomes a
placeholder without letters. In what remains, the words between HTML tags, and the
attributes a person reads (title, placeholder, aria-label, alt, data-confirm, the value of a
submit button), must have no letters. Literal strings that a tag or filter prints
(`{% empty_state "No cycle yet" ... %}`, `label="Kind"`, `|default:"None"`) must be wrapped
in `_("...")`.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.template.base import Lexer, TokenType

from tests.i18n.catalogues import GOALKEEPER

# Not words to translate: the product's name, abbreviations every language keeps, units.
ALLOWED = frozenset(
    {
        "Goalkeeper",
        "KPI",
        "KPIs",
        "OKR",
        "OKRs",
        "API",
        "CSV",
        "XLSX",
        "PDF",
        "JSON",
        "URL",
        "HTML",
        "SQL",
        "ID",
        "UTC",
        "htmx",
        "ECharts",
        "PowerPoint",
        "Excel",
        "Slack",
        "Teams",
        "Mattermost",
        "Rocket.Chat",
        "x",
        "px",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "h",
        "min",
        "OpenAPI",
        "Swagger",
        "REST",
        "Bearer",
        "Authorization",
        "curl",
        "GET",
        "POST",
        "PATCH",
        "PUT",
        "DELETE",
        "Goalkeeper's",
    }
)
PLACEHOLDER = "\u2400"  # a symbol, no letter
LETTER = re.compile(r"[^\W\d_]")
TAG = re.compile(r"""<[A-Za-z/!][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
ATTRIBUTE = re.compile(
    r"""\s(title|placeholder|aria-label|alt|data-confirm|data-label|label)\s*=\s*("[^"]*"|'[^']*')""",
    re.IGNORECASE,
)
SUBMIT_VALUE = re.compile(r"""\svalue\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)
HIDDEN = re.compile(
    r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>|<svg\b.*?</svg\s*>"
    r"|<code\b.*?</code\s*>|<kbd\b.*?</kbd\s*>",
    re.IGNORECASE | re.DOTALL,
)
ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
LITERAL = re.compile(r"""(_\(\s*)?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
WORD = re.compile(r"[\w.']+")
# Tags whose literal strings are names of templates, routes, formats or conditions.
QUIET_TAGS = frozenset(
    {
        "load",
        "url",
        "extends",
        "static",
        "if",
        "elif",
        "block",
        "endblock",
        "icon",
        "csrf_token",
        "now",
        "url_or_none",
        "cycle",
        "regroup",
        "firstof_quiet",
        "localize",
        "optional_include",
        "templatetag",
        "spaceless",
        "ifchanged",
        "filter",
        "widthratio",
        "get_current_language",
        "get_available_languages",
        "language",
        "json_script",
    }
)
# Keyword arguments of tags that never reach the reader as text.
QUIET_KEYS = frozenset(
    {
        "class",
        "css_class",
        "size",
        "icon",
        "tone",
        "variant",
        "id",
        "kind",
        "mode",
        "suffix",
        "type",
        "url",
        "href",
        "target",
        "action_url",
        "field",
        "name_attr",
        "method",
        "hx",
        "prefix",
        "unit",
        "format",
        "status",
        "band",
        "value",
        "key",
        "sort",
        "order",
    }
)
# Filters whose argument is shown to the reader (date formats and the like are not).
SHOWN_FILTER_ARGS = frozenset({"default", "default_if_none", "yesno", "add", "pluralize"})


def words(text: str) -> list[str]:
    """The words of `text` that need a translation (the allowed ones left out)."""
    found = []
    for word in WORD.findall(text):
        bare = word.strip(".'")
        if bare and LETTER.search(bare) and bare not in ALLOWED:
            found.append(bare)
    return found


def untranslated(source: str) -> list[str]:
    """The texts of a template a person reads that no translate tag covers."""
    problems: list[str] = []
    flat: list[str] = []
    depth_translate = 0
    depth_comment = 0
    for token in Lexer(source).tokenize():
        content = token.contents
        first = content.split(None, 1)[0] if content.split() else ""
        if token.token_type == TokenType.BLOCK:
            if first in {"blocktranslate", "blocktrans"}:
                depth_translate += 1
                flat.append(PLACEHOLDER)
                continue
            if first in {"endblocktranslate", "endblocktrans"}:
                depth_translate -= 1
                continue
            if first == "comment" or (first == "block" and "class" in content):
                # Comments, and blocks that hold CSS classes ({% block body_class %}).
                depth_comment += 1
                continue
            if first == "endcomment" or (first == "endblock" and depth_comment):
                depth_comment -= 1
                continue
            if depth_translate or depth_comment:
                continue
            if first in {"translate", "trans"}:
                # `{% translate "x" as name %}` prints nothing; either way, not a literal.
                flat.append("" if " as " in content else PLACEHOLDER)
                continue
            problems.extend(_tag_literals(first, content))
            flat.append(PLACEHOLDER)
        elif token.token_type == TokenType.VAR:
            if not (depth_translate or depth_comment):
                problems.extend(_filter_literals(content))
            flat.append(PLACEHOLDER)
        elif token.token_type == TokenType.TEXT and not (depth_translate or depth_comment):
            flat.append(content)
    problems.extend(_text_problems("".join(flat)))
    return problems


def _text_problems(html: str) -> list[str]:
    problems: list[str] = []
    html = HIDDEN.sub(" ", html)
    for tag in TAG.findall(html):
        for name, quoted in ATTRIBUTE.findall(tag):
            if words(quoted[1:-1]):
                problems.append(f"{name}={quoted}")
        if re.match(r"<input\b", tag, re.IGNORECASE) and re.search(
            r"""type\s*=\s*["']?(submit|button|reset)""", tag, re.IGNORECASE
        ):
            for quoted in SUBMIT_VALUE.findall(tag):
                if words(quoted[1:-1]):
                    problems.append(f"value={quoted}")
    text = ENTITY.sub(" ", TAG.sub(" ", html))
    for chunk in re.split(r"\s{2,}|\n", text):
        chunk = chunk.strip(PLACEHOLDER + " \t")
        if words(chunk):
            problems.append(chunk)
    return problems


def _tag_literals(tag: str, content: str) -> list[str]:
    if tag in QUIET_TAGS:
        return []
    problems = []
    body = content.split(None, 1)[1] if " " in content.strip() else ""
    if tag == "include":
        body = body.split(None, 1)[1] if " " in body.strip() else ""
    for match in LITERAL.finditer(body):
        wrapped, quoted = match.group(1), match.group(2)
        if wrapped:
            continue
        before = body[: match.start()]
        key = re.search(r"(\w+)\s*=\s*$", before)
        if key and key.group(1) in QUIET_KEYS:
            continue
        if re.search(r"\|\s*(\w+)\s*:\s*$", before) and not _shown_filter(before):
            continue
        text = quoted[1:-1]
        if _prose(text):
            problems.append(f"{{% {tag} %}} {quoted}")
    return problems


def _filter_literals(content: str) -> list[str]:
    problems = []
    for match in LITERAL.finditer(content):
        if match.group(1):
            continue
        before = content[: match.start()]
        quoted = match.group(2)
        if before.strip() == "":
            if words(quoted[1:-1]):
                problems.append(f"{{{{ {content} }}}}")
        elif _shown_filter(before) and re.match(r"[A-Z][a-z]", quoted[1:-1]):
            # "Nobody" is shown; "light dark" (a CSS value in an attribute) is not.
            problems.append(f"{{{{ {content} }}}}")
    return problems


def _shown_filter(before: str) -> bool:
    found = re.search(r"\|\s*(\w+)\s*:\s*$", before)
    return bool(found and found.group(1) in SHOWN_FILTER_ARGS)


def _prose(text: str) -> bool:
    """A literal that reads as words: capitalised, or several words."""
    if "/" in text or text.endswith((".html", ".txt")) or not words(text):
        return False
    return bool(re.match(r"[A-Z][a-z]", text)) or " " in text.strip()


def templates_of(app: str) -> list[Path]:
    folder = GOALKEEPER / app / "templates"
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".html", ".txt"})

"""The fields of each item of the format, with the value a missing field stands for.

An export leaves out every field that holds its default, so a document written by hand
can be short; a comparison fills them in first (`normalized`), so both read the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

REQUIRED = object()

WORKSPACE: dict[str, Any] = {"name": REQUIRED, "fiscal_year_start_month": 1, "timezone": "UTC"}
TEAM: dict[str, Any] = {"key": REQUIRED, "name": REQUIRED, "parent": None, "archived": False}
MEMBERSHIP: dict[str, Any] = {"team": REQUIRED, "lead": False}
PERSON: dict[str, Any] = {
    "email": REQUIRED,
    "name": REQUIRED,
    "title": "",
    "role": "editor",
    "teams": [],
}
CYCLE: dict[str, Any] = {"name": REQUIRED, "start": REQUIRED, "end": REQUIRED, "state": "planning"}
KPI: dict[str, Any] = {
    "key": REQUIRED,
    "name": REQUIRED,
    "team": REQUIRED,
    "owner": None,
    "description": "",
    "unit": "",
    "direction": "higher_is_better",
    "target": None,
    "warning": None,
    "low": None,
    "high": None,
    "frequency": "monthly",
    "aggregation": "last",
    "data_source": "",
    "archived": False,
    "drives": [],
    "comments": [],
}
# A data source of a KPI: its kind and the settings that are not secret (docs/format.md).
DATA_SOURCE: dict[str, Any] = {
    "key": REQUIRED,
    "name": "",
    "kind": REQUIRED,
    "settings": {},
    "interval_minutes": 60,
    "active": True,
}
# What a KPI drives: another KPI or a key result (`objective/key-result`).
DRIVER: dict[str, Any] = {"kpi": None, "key_result": None, "note": ""}
GUARDRAIL: dict[str, Any] = {"kpi": REQUIRED, "note": ""}
PHASE: dict[str, Any] = {"until": REQUIRED, "value": REQUIRED}
# A comment on an objective, key result, KPI or check-in; known by its time and author.
COMMENT: dict[str, Any] = {"at": REQUIRED, "author": None, "body": REQUIRED}
CHECK_IN: dict[str, Any] = {
    "at": REQUIRED,
    "value": None,
    "done": False,
    "confidence": None,
    "note": "",
    "author": None,
    "automatic": False,
    "comments": [],
}
KEY_RESULT: dict[str, Any] = {
    "key": REQUIRED,
    "title": REQUIRED,
    "owner": None,
    "kind": "increase",
    "unit": "",
    "weight": 1.0,
    "start": None,
    "target": None,
    "low": None,
    "high": None,
    "commit": None,
    "stretch": None,
    "phases": [],
    "kpi": None,
    "kpi_mode": "latest",
    "contributes_to": None,
    "rollup": "none",
    "check_ins": [],
    "comments": [],
}
OBJECTIVE: dict[str, Any] = {
    "key": REQUIRED,
    "cycle": REQUIRED,
    "team": REQUIRED,
    "title": REQUIRED,
    "description": "",
    "owner": None,
    "kind": "committed",
    "state": "active",
    "supports": [],
    "roll_up_children": False,
    "final_score": None,
    "retrospective": "",
    "guardrails": [],
    "key_results": [],
    "comments": [],
}
# The number fields: 100 and 100.0 are the same value.
NUMBERS = frozenset(
    {"weight", "start", "target", "low", "high", "commit", "stretch", "value", "warning"}
    | {"final_score"}
)


def number(value: float | None) -> float | int | None:
    """A stored float as a document writes it: `100`, not `100.0`."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def instant(value: dt.datetime) -> str:
    """A timestamp as a document writes it: ISO 8601 in UTC with a `Z`."""
    text = value.astimezone(dt.UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def parse_instant(text: str) -> dt.datetime:
    """A document's timestamp (ISO 8601; no offset means UTC) as an aware datetime."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def compact(item: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """`item` in the order of `spec`, without the fields that hold their default."""
    out: dict[str, Any] = {}
    for name, default in spec.items():
        value = item.get(name, default)
        if default is REQUIRED or value != default:
            out[name] = value
    return out


# The fields that name a person by email: emails compare in lower case.
EMAILS = frozenset({"email", "owner", "author"})


def normalized(item: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """`item` with every field of `spec`, defaults filled in, numbers as floats, emails in
    lower case and a person's teams in the order of their keys."""
    out: dict[str, Any] = {}
    for name, default in spec.items():
        value = item.get(name, None if default is REQUIRED else default)
        if name in NUMBERS and isinstance(value, int | float) and not isinstance(value, bool):
            value = float(value)
        elif name in EMAILS and isinstance(value, str):
            value = value.strip().lower()
        elif spec is DATA_SOURCE and name == "settings":
            # A blank setting is one not given.
            value = {k: str(v) for k, v in sorted(value.items()) if str(v) != ""}
        elif spec is KEY_RESULT and name == "phases":
            value = [normalized(phase, PHASE) for phase in value]
        elif spec is KPI and name == "drives":
            value = sorted(
                (normalized(link, DRIVER) for link in value),
                key=lambda link: (str(link["kpi"] or ""), str(link["key_result"] or "")),
            )
        elif spec is OBJECTIVE and name == "guardrails":
            value = sorted(
                (normalized(link, GUARDRAIL) for link in value), key=lambda g: str(g["kpi"])
            )
        elif name == "comments":
            value = [normalized(comment, COMMENT) for comment in value]
        elif spec is PERSON and name == "teams":
            value = sorted(
                (normalized(membership, MEMBERSHIP) for membership in value),
                key=lambda membership: str(membership["team"]),
            )
        out[name] = value
    return out


# A mention in a comment: stored `@[Name](person:42)`, written `@[Name](person:ada@x.org)` in
# a document, since a person's id differs from one server to the next.
STORED_MENTION = re.compile(r"@\[(?P<name>[^\[\]\n]{1,150})\]\(person:(?P<id>\d{1,12})\)")
MENTION = re.compile(r"@\[(?P<name>[^\[\]\n]{1,150})\]\(person:(?P<email>[^()\s@]+@[^()\s]+)\)")


def portable_body(body: str, emails: Mapping[int, str]) -> str:
    """A stored comment body as a document writes it: mentions by email (a mention of
    someone no longer in the workspace as the plain `@Name` it showed)."""

    def email(match: re.Match[str]) -> str:
        found = emails.get(int(match.group("id")))
        name = match.group("name")
        return f"@[{name}](person:{found})" if found else f"@{name}"

    return STORED_MENTION.sub(email, body)


def mentioned_emails(body: str) -> list[str]:
    """The emails a document's comment body mentions, in lower case."""
    return [match.group("email").lower() for match in MENTION.finditer(body)]


def stored_body(body: str, ids: Mapping[str, int]) -> str:
    """A document's comment body as stored: mentions by the person's id here."""
    return MENTION.sub(
        lambda m: f"@[{m.group('name')}](person:{ids[m.group('email').lower()]})", body
    )

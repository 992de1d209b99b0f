"""The words of the audit trail's sentences (`sentences.py`): how objects, fields and stored
values read, which changes are worth telling, and the escaping every sentence goes through.
See docs/security.md#history-in-sentences.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, translation
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import pgettext_lazy as _p

from goalkeeper.l10n import qty, with_unit

LONG_TEXT = 160

# How an object reads inside a sentence, article included (so that a language whose article
# follows the noun's gender can say it right): "the key result Reach €600k MRR".
THINGS: dict[str, Any] = {
    "objective": gettext_lazy("the objective %(name)s"),
    "keyresult": gettext_lazy("the key result %(name)s"),
    "kpi": gettext_lazy("the KPI %(name)s"),
    "cycle": gettext_lazy("the cycle %(name)s"),
    "team": gettext_lazy("the team %(name)s"),
    "person": gettext_lazy("%(name)s"),
    "workspace": gettext_lazy("the workspace %(name)s"),
    "invitation": gettext_lazy("the invitation for %(name)s"),
    "comment": gettext_lazy("a comment"),
    "reaction": gettext_lazy("a reaction"),
    "dashboard": gettext_lazy("the dashboard %(name)s"),
    "datasource": gettext_lazy("the data source %(name)s"),
    "subscription": gettext_lazy("the webhook %(name)s"),
    "chatchannel": gettext_lazy("the chat channel %(name)s"),
    "apitoken": gettext_lazy("the API token %(name)s"),
    "export": gettext_lazy("an export"),
    "digestschedule": gettext_lazy("the digest schedule"),
}
SOMETHING = gettext_lazy("%(name)s")
MILESTONE = gettext_lazy("the milestone %(name)s")

# Field names as a person calls them, inside a sentence ("changed the target of ...").
FIELDS: dict[str, Any] = {
    "title": gettext_lazy("title"),
    "name": gettext_lazy("name"),
    "description": gettext_lazy("description"),
    "owner": gettext_lazy("owner"),
    "team": gettext_lazy("team"),
    "teams": gettext_lazy("teams"),
    "kind": gettext_lazy("kind"),
    "parent": gettext_lazy("parent"),
    "parents": gettext_lazy("alignment"),
    "state": gettext_lazy("state"),
    "roll_up_children": gettext_lazy("roll-up of aligned objectives"),
    "unit": gettext_lazy("unit"),
    "weight": gettext_lazy("weight"),
    "start": gettext_lazy("start value"),
    "target": gettext_lazy("target"),
    "low": gettext_lazy("lower bound"),
    "high": gettext_lazy("upper bound"),
    "commit": gettext_lazy("commit value"),
    "stretch": gettext_lazy("stretch value"),
    "warning": gettext_lazy("warning threshold"),
    "current": gettext_lazy("value"),
    "value": gettext_lazy("value"),
    "done": gettext_lazy("milestone"),
    "confidence": gettext_lazy("confidence"),
    "note": gettext_lazy("note"),
    "kpi": gettext_lazy("KPI"),
    "kpis": gettext_lazy("KPIs"),
    "kpi_mode": gettext_lazy("KPI reading"),
    "kpi_formula": gettext_lazy("KPI formula"),
    "contributes_to": gettext_lazy("key result it adds to"),
    "rollup": gettext_lazy("value source"),
    "direction": gettext_lazy("direction"),
    "frequency": gettext_lazy("frequency"),
    "aggregation": gettext_lazy("aggregation"),
    "email": gettext_lazy("email"),
    "role": gettext_lazy("role"),
    "is_active": gettext_lazy("active"),
    "fiscal_year_start_month": gettext_lazy("first month of the fiscal year"),
    "timezone": gettext_lazy("time zone"),
    "on_track_gap": gettext_lazy("on-track gap"),
    "at_risk_gap": gettext_lazy("at-risk gap"),
    "stale_days": gettext_lazy("days before a key result is stale"),
    "alert_hold_periods": gettext_lazy("periods a KPI alert waits"),
    "start_date": gettext_lazy("start date"),
    "end_date": gettext_lazy("end date"),
    "final_score": gettext_lazy("final score"),
    "retrospective": gettext_lazy("retrospective"),
    "reviewer": gettext_lazy("reviewer"),
    "sharing": gettext_lazy("sharing"),
    "url": gettext_lazy("address"),
    "events": gettext_lazy("events"),
    "interval_minutes": gettext_lazy("minutes between pulls"),
    "status": gettext_lazy("status"),
    "body": gettext_lazy("text"),
    "archived": gettext_lazy("archived"),
}

# Fields that mean nothing to a person (an order on screen, bookkeeping).
HIDDEN = frozenset(
    {"position", "last_check_in_at", "revoked_at", "id", "mentions", "subject", "author"}
)

# Fields holding a number in the object's unit.
IN_UNIT = frozenset(
    {"start", "target", "low", "high", "commit", "stretch", "warning", "current", "value"}
)

# Fields that hold ids of another object: (app label, model name).
REFERENCES: dict[str, tuple[str, str]] = {
    "owner": ("accounts", "Person"),
    "member": ("accounts", "Person"),
    "person": ("accounts", "Person"),
    "new_owner": ("accounts", "Person"),
    "reviewer": ("accounts", "Person"),
    "mentions": ("accounts", "Person"),
    "team": ("accounts", "Team"),
    "teams": ("accounts", "Team"),
    "kpi": ("kpis", "Kpi"),
    "kpis": ("kpis", "Kpi"),
    "cycle": ("okrs", "Cycle"),
    "objective": ("okrs", "Objective"),
    "key_result": ("okrs", "KeyResult"),
    "key_results": ("okrs", "KeyResult"),
    "contributes_to": ("okrs", "KeyResult"),
}
# "parent" means the same kind of object as the one it belongs to.
PARENTS: dict[str, tuple[str, str]] = {
    "objective": ("okrs", "Objective"),
    "team": ("accounts", "Team"),
}
GONE: dict[str, Any] = {
    "Person": gettext_lazy("someone no longer here"),
    "Team": gettext_lazy("a deleted team"),
    "Kpi": gettext_lazy("a deleted KPI"),
    "Cycle": gettext_lazy("a deleted cycle"),
    "Objective": gettext_lazy("a deleted objective"),
    "KeyResult": gettext_lazy("a deleted key result"),
}

# Where values came from, for "recorded 12 values of the KPI ... by hand".
SOURCES: dict[str, Any] = {
    "manual": gettext_lazy("by hand"),
    "upload": gettext_lazy("from a file"),
    "api": gettext_lazy("over the API"),
    "hand down": gettext_lazy("from the key result it was handed down from"),
}

NOBODY = gettext_lazy("Goalkeeper")
YES = _p("a yes/no setting", "on")
NO = _p("a yes/no setting", "off")

_MENTION = re.compile(r"@\[([^\]]+)\]\([a-z_]+:\d+\)")
CARRIED_ID = re.compile(r"\s*\(#\d+\)$")
_CODE = re.compile(r"[a-z]+(_[a-z]+)+")


@dataclass(frozen=True)
class Facts:
    """What a sentence needs besides the entry: names of the ids it holds, the object's unit
    and kind (a milestone has no value), and the object's page."""

    name_of: Callable[[tuple[str, str], int], str | None]
    unit: str = ""
    kind: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Told:
    """An entry as a sentence, with one line per change when it changed several things."""

    sentence: SafeString
    details: tuple[SafeString, ...] = ()

    @property
    def text(self) -> str:
        """The sentence and its details as plain text (the CSV export)."""
        parts = [plain(self.sentence), *(plain(d) for d in self.details)]
        return "; ".join(parts)


def plain(fragment: str) -> str:
    return html.unescape(strip_tags(fragment))


def say(message: str, **values: Any) -> SafeString:
    """`message` (already translated) with its named placeholders filled, each value escaped
    unless it is a fragment made here."""
    escaped = {key: conditional_escape(value) for key, value in values.items()}
    return mark_safe(conditional_escape(message) % escaped)  # noqa: S308 (both halves escaped)


def listed(items: Iterable[Any]) -> SafeString:
    """Names or words joined by commas, each escaped unless it is a fragment made here."""
    return mark_safe(", ".join(conditional_escape(item) for item in items))  # noqa: S308


def strong(text: Any) -> SafeString:
    return format_html('<strong class="history__name">{}</strong>', text)


def quoted(text: Any) -> SafeString:
    """Words someone wrote (a note, a title), in quotation marks."""
    cut = _cut(str(text))
    return format_html('<span class="history__quote">{}</span>', _("“%(text)s”") % {"text": cut})


def _cut(text: str) -> str:
    text = _MENTION.sub(r"@\1", text.strip())
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "\u2026"


# --- Values -----------------------------------------------------------------------------------


def reference(object_type: str, field: str) -> tuple[str, str] | None:
    """The model (app label, name) whose ids `field` holds on an `object_type`, if any."""
    if field == "parent":
        return PARENTS.get(object_type)
    return REFERENCES.get(field)


@cache
def _model_of(object_type: str) -> type[models.Model] | None:
    for model in apps.get_models():
        if model._meta.model_name == object_type:
            return model
    return None


def _choice_word(object_type: str, field: str, value: Any) -> str | None:
    """The display word of a stored choice ("lower_is_better" -> "lower is better")."""
    model = _model_of(object_type)
    if model is None:
        return None
    try:
        found = model._meta.get_field(field)
    except FieldDoesNotExist:  # a field the model no longer has: no choices
        return None
    choices = dict(getattr(found, "flatchoices", None) or ())
    if value not in choices:
        return None
    word = str(choices[value])
    # In English, words inside a sentence are lower case; other languages keep their nouns.
    if (translation.get_language() or "en").startswith("en") and word[:2] != word[:2].upper():
        word = word[:1].lower() + word[1:]
    return word


def shown(object_type: str, field: str, value: Any, facts: Facts) -> Any:
    """One stored value as a person reads it: a name, a word, a number with its unit."""
    if value is None or value == "" or value == []:
        return _("nothing")
    model = reference(object_type, field)
    if model is not None:
        if isinstance(value, list | tuple):
            return listed(shown(object_type, field, v, facts) for v in value) or _("nothing")
        if isinstance(value, int) and not isinstance(value, bool):
            name = facts.name_of(model, value)
            return strong(name) if name is not None else GONE[model[1]]
    if isinstance(value, bool):
        return YES if value else NO
    if field == "confidence" and isinstance(value, int | float):
        return _("%(confidence)s of 10") % {"confidence": qty(value)}
    if field == "final_score" and isinstance(value, int | float):
        return f"{value:.1f}"
    if field == "fiscal_year_start_month" and isinstance(value, int) and 1 <= value <= 12:
        return formats.date_format(dt.date(2000, value, 1), "F")
    if isinstance(value, int | float):
        unit = facts.unit if field in IN_UNIT else ""
        return with_unit(value, unit)
    if isinstance(value, str):
        word = _choice_word(object_type, field, value)
        if word is not None:
            return word
        day = _day(value)
        if day is not None:
            return formats.date_format(day, "DATE_FORMAT")
        if field in {"name", "title", "note", "description", "retrospective", "body", "error"}:
            return quoted(value)
        if _CODE.fullmatch(value):
            # A stored code without a display word: its words at least.
            return value.replace("_", " ")
        return _cut(value)
    if isinstance(value, list | tuple):
        return listed(shown(object_type, field, v, facts) for v in value)
    return _("a setting")


def _day(value: str) -> dt.date | None:
    if len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def field_label(field: str) -> str:
    """A field's name as a person says it; an unknown one without its underscores."""
    if field in FIELDS:
        return str(FIELDS[field])
    if field.startswith(("settings.", "secret.")):
        field = field.partition(".")[2]
    return field.replace("_", " ").replace(".", " ")


# --- Which changes are worth a line --------------------------------------------------------


def pairs(changes: Any) -> list[tuple[str, Any, Any]]:
    """The entry's changes as (field, old, new), in a stable order."""
    if not isinstance(changes, dict):
        return []
    found = []
    for field, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            found.append((str(field), value[0], value[1]))
        else:
            found.append((str(field), None, value))
    return sorted(found, key=lambda item: _rank(item[0]))


_ORDER = (
    "title",
    "name",
    "email",
    "role",
    "is_active",
    "owner",
    "new_owner",
    "team",
    "teams",
    "parent",
    "current",
    "done",
    "confidence",
    "note",
    "kind",
    "start",
    "target",
)


def _rank(field: str) -> tuple[int, str]:
    return (_ORDER.index(field), "") if field in _ORDER else (len(_ORDER), field)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def worth_telling(changes: Sequence[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    """The changes a person cares about: changed, meaningful, and not empty on creation."""
    fields = {field: (old, new) for field, old, new in changes}
    linked = any(not is_empty(v) for v in fields.get("kpi", (None, None))) or any(
        not is_empty(v) for v in fields.get("kpi_formula", (None, None))
    )
    kept = []
    for field, old, new in changes:
        if field in HIDDEN or field.startswith("secret."):
            continue
        if old == new or (is_empty(old) and is_empty(new)):
            continue
        # How a KPI is read means nothing while no KPI is linked.
        if field == "kpi_mode" and not linked:
            continue
        # A key result reads its check-ins unless it adds up contributors: nothing to say.
        if field == "rollup" and is_empty(old) and new == "none":
            continue
        if field == "weight" and is_empty(old) and new == 1:
            continue
        if field in {"roll_up_children", "is_active"} and old is None and new is False:
            continue
        kept.append((field, old, new))
    return kept


def the_object(object_type: str, name: str, facts: Facts) -> SafeString:
    """ "the key result <a>Reach €600k MRR</a>": the object, linked to its page if it has one."""
    frame = THINGS.get(object_type, SOMETHING)
    if object_type == "keyresult" and facts.kind == "milestone":
        frame = MILESTONE
    label = CARRIED_ID.sub("", name) or _("(no name)")
    if facts.url:
        shown_name = format_html('<a class="history__object" href="{}">{}</a>', facts.url, label)
    else:
        shown_name = format_html('<span class="history__object">{}</span>', label)
    return say(str(frame), name=shown_name)


def new_of(changes: Mapping[str, tuple[Any, Any]], field: str) -> Any:
    return changes.get(field, (None, None))[1]


def old_of(changes: Mapping[str, tuple[Any, Any]], field: str) -> Any:
    return changes.get(field, (None, None))[0]


def change_line(object_type: str, field: str, old: Any, new: Any, facts: Facts) -> SafeString:
    """One changed field, under a sentence: "target from €500,000 to €600,000"."""
    label = field_label(field)
    if is_empty(old):
        return say(
            _("%(field)s set to %(new)s"), field=label, new=shown(object_type, field, new, facts)
        )
    if is_empty(new):
        return say(
            _("%(field)s cleared (was %(old)s)"),
            field=label,
            old=shown(object_type, field, old, facts),
        )
    return say(
        _("%(field)s from %(old)s to %(new)s"),
        field=label,
        old=shown(object_type, field, old, facts),
        new=shown(object_type, field, new, facts),
    )

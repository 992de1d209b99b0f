"""Audit entries as sentences people read: "Robin Adeyemi changed the target of the key
result Reach €600k MRR from €500,000 to €600,000".

Every history (an object's page, the objective page, the KPI page, the admin audit log) reads
its entries through `tell`, so one change reads the same everywhere. An entry stores field
changes as {field: [old, new]} with related objects by id; the reader (`queries.describe`)
looks the names up, one query per kind of object, and hands them over as `Facts`. Here:

- names instead of ids (an id that no longer resolves reads "a deleted ..." , never "#12");
- labels instead of field names ("direction"), display words instead of stored codes
  ("lower is better"), numbers with the object's unit ("€600,000");
- nothing about fields that mean nothing to a person (a position, a KPI reading mode while
  no KPI is linked), nor about fields that did not change.

Every sentence is a translatable message with named placeholders
(docs/security.md#history-in-sentences).
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
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import pgettext_lazy as _p

from goalkeeper.domain.formatting import qty, with_unit

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
    "webhooksubscription": gettext_lazy("the webhook %(name)s"),
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
    "rollup": gettext_lazy("source of its value"),
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
_CARRIED_ID = re.compile(r"\s*\(#\d+\)$")
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
            return ", ".join(str(shown(object_type, field, v, facts)) for v in value) or _(
                "nothing"
            )
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
        return ", ".join(str(shown(object_type, field, v, facts)) for v in value)
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


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def worth_telling(changes: Sequence[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    """The changes a person cares about: changed, meaningful, and not empty on creation."""
    fields = {field: (old, new) for field, old, new in changes}
    linked = any(not _empty(v) for v in fields.get("kpi", (None, None))) or any(
        not _empty(v) for v in fields.get("kpi_formula", (None, None))
    )
    kept = []
    for field, old, new in changes:
        if field in HIDDEN or field.startswith("secret."):
            continue
        if old == new or (_empty(old) and _empty(new)):
            continue
        # How a KPI is read means nothing while no KPI is linked.
        if field == "kpi_mode" and not linked:
            continue
        # A key result reads its check-ins unless it adds up contributors: nothing to say.
        if field == "rollup" and _empty(old) and new == "none":
            continue
        if field == "weight" and _empty(old) and new == 1:
            continue
        if field in {"roll_up_children", "is_active"} and old is None and new is False:
            continue
        kept.append((field, old, new))
    return kept


# --- Sentences ----------------------------------------------------------------------------


def the_object(object_type: str, name: str, facts: Facts) -> SafeString:
    """ "the key result <a>Reach €600k MRR</a>": the object, linked to its page if it has one."""
    frame = THINGS.get(object_type, SOMETHING)
    if object_type == "keyresult" and facts.kind == "milestone":
        frame = MILESTONE
    label = _CARRIED_ID.sub("", name) or _("(no name)")
    if facts.url:
        shown_name = format_html('<a class="history__object" href="{}">{}</a>', facts.url, label)
    else:
        shown_name = format_html('<span class="history__object">{}</span>', label)
    return say(str(frame), name=shown_name)


def change_line(object_type: str, field: str, old: Any, new: Any, facts: Facts) -> SafeString:
    """One changed field, under a sentence: "target from €500,000 to €600,000"."""
    label = field_label(field)
    if _empty(old):
        return say(
            _("%(field)s set to %(new)s"), field=label, new=shown(object_type, field, new, facts)
        )
    if _empty(new):
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


def one_change(
    person: Any, thing: SafeString, object_type: str, field: str, old: Any, new: Any, facts: Facts
) -> SafeString:
    """A sentence about one changed field of an object."""
    label = field_label(field)
    if field == "kpi" and object_type == "keyresult":
        if _empty(old):
            return say(
                _("%(person)s linked %(object)s to the KPI %(kpi)s"),
                person=person,
                object=thing,
                kpi=shown(object_type, field, new, facts),
            )
        if _empty(new):
            return say(
                _("%(person)s unlinked the KPI %(kpi)s from %(object)s"),
                person=person,
                object=thing,
                kpi=shown(object_type, field, old, facts),
            )
    if field == "parents":
        return say(
            _("%(person)s aligned %(object)s to %(parents)s"),
            person=person,
            object=thing,
            parents=_alignment(new, facts) or _("nothing"),
        )
    if _empty(old):
        return say(
            _("%(person)s set the %(field)s of %(object)s to %(new)s"),
            person=person,
            field=label,
            object=thing,
            new=shown(object_type, field, new, facts),
        )
    if _empty(new):
        return say(
            _("%(person)s cleared the %(field)s of %(object)s (was %(old)s)"),
            person=person,
            field=label,
            object=thing,
            old=shown(object_type, field, old, facts),
        )
    return say(
        _("%(person)s changed the %(field)s of %(object)s from %(old)s to %(new)s"),
        person=person,
        field=label,
        object=thing,
        old=shown(object_type, field, old, facts),
        new=shown(object_type, field, new, facts),
    )


def _alignment(links: Any, facts: Facts) -> str:
    """The parents of an objective ({objective, key_result} facts) as names."""
    if not isinstance(links, list):
        return ""
    names = []
    for link in links:
        if not isinstance(link, dict):
            continue
        if isinstance(link.get("key_result"), int):
            names.append(str(shown("", "key_result", link["key_result"], facts)))
        elif isinstance(link.get("objective"), int):
            names.append(str(shown("", "objective", link["objective"], facts)))
    return ", ".join(names)


def _new(changes: Mapping[str, tuple[Any, Any]], field: str) -> Any:
    return changes.get(field, (None, None))[1]


def _old(changes: Mapping[str, tuple[Any, Any]], field: str) -> Any:
    return changes.get(field, (None, None))[0]


def tell(
    *,
    action: str,
    actor_name: str,
    object_type: str,
    object_repr: str,
    changes: Any,
    facts: Facts,
) -> Told:
    """The sentence for one audit entry (see the module's docstring)."""
    person = strong(actor_name) if actor_name and actor_name != "system" else strong(NOBODY)
    thing = the_object(object_type, object_repr, facts)
    every = pairs(changes)
    by_field = {field: (old, new) for field, old, new in every}
    worth = worth_telling(every)
    special = _SPECIAL.get(action)
    if special is not None:
        told = special(person, thing, object_type, by_field, facts)
        if told is not None:
            return told
    noun, _dot, verb = action.partition(".")
    if verb == "created" or verb == "added":
        return Told(
            say(_("%(person)s created %(object)s"), person=person, object=thing),
            _lines(object_type, [c for c in worth if c[0] not in {"title", "name"}], facts),
        )
    if verb == "deleted":
        return Told(say(_("%(person)s deleted %(object)s"), person=person, object=thing))
    if verb.endswith("updated") or verb.endswith("changed") or verb in {"renamed", "moved"}:
        if len(worth) == 1:
            return Told(one_change(person, thing, object_type, *worth[0], facts))
        if not worth:
            return Told(
                say(_("%(person)s saved %(object)s unchanged"), person=person, object=thing)
            )
        return Told(
            say(_("%(person)s changed %(object)s:"), person=person, object=thing),
            _lines(object_type, worth, facts),
        )
    words = verb.replace("_", " ") or noun.replace("_", " ")
    return Told(
        say(_("%(person)s: %(what)s, %(object)s"), person=person, what=words, object=thing),
        _lines(object_type, worth, facts),
    )


def _lines(
    object_type: str, changes: Iterable[tuple[str, Any, Any]], facts: Facts
) -> tuple[SafeString, ...]:
    return tuple(change_line(object_type, field, old, new, facts) for field, old, new in changes)


# --- Actions that read better in words of their own -------------------------------------------

Special = Callable[[Any, SafeString, str, dict[str, tuple[Any, Any]], Facts], Told | None]


def _check_in(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    note = _new(c, "note")
    confidence = _new(c, "confidence")
    if facts.kind == "milestone" or ("done" in c and "current" not in c):
        done = _new(c, "done")
        if "done" not in c:
            sentence = say(_("%(person)s checked in on %(object)s"), person=person, object=thing)
        elif done:
            sentence = say(_("%(person)s marked %(object)s done"), person=person, object=thing)
        elif _old(c, "done"):
            sentence = say(
                _("%(person)s marked %(object)s not done"),
                person=person,
                object=thing,
            )
        else:
            sentence = say(
                _("%(person)s checked in on %(object)s: not done yet"),
                person=person,
                object=thing,
            )
    elif "current" in c:
        sentence = say(
            _("%(person)s checked in %(value)s on %(object)s"),
            person=person,
            value=strong(with_unit(_new(c, "current"), facts.unit)),
            object=thing,
        )
    else:
        sentence = say(_("%(person)s checked in on %(object)s"), person=person, object=thing)
    if confidence is not None:
        sentence = say(
            _("%(sentence)s (confidence %(confidence)s)"),
            sentence=sentence,
            confidence=shown(object_type, "confidence", confidence, facts),
        )
    if note:
        sentence = say(_("%(sentence)s: %(note)s"), sentence=sentence, note=quoted(note))
    return Told(sentence)


def _owner_changed(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    return Told(
        say(
            _("%(person)s handed %(object)s over to %(owner)s"),
            person=person,
            object=thing,
            owner=shown(object_type, "owner", _new(c, "owner"), facts),
        )
    )


def _closed_objective(
    person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts
) -> Told:
    score = _new(c, "final_score")
    retro = _new(c, "retrospective")
    if isinstance(score, int | float):
        sentence = say(
            _("%(person)s closed %(object)s with a final score of %(score)s"),
            person=person,
            object=thing,
            score=strong(f"{score:.1f}"),
        )
    else:
        sentence = say(_("%(person)s closed %(object)s"), person=person, object=thing)
    return Told(sentence, (say(_("Retrospective: %(note)s"), note=quoted(retro)),) if retro else ())


def _simple(message: Any) -> Special:
    def told(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
        return Told(say(str(message), person=person, object=thing))

    return told


def _with(message: Any, **fields: str) -> Special:
    """A sentence naming the new value of some fields: `fields` maps placeholder -> field."""

    def told(
        person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts
    ) -> Told | None:
        values = {}
        for placeholder, field in fields.items():
            old, new = c.get(field, (None, None))
            value = new if not _empty(new) else old
            if _empty(value):
                return None
            values[placeholder] = shown(object_type, field, value, facts)
        return Told(say(str(message), person=person, object=thing, **values))

    return told


def _measurements(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    created = _new(c, "created") or 0
    updated = _new(c, "updated") or 0
    source = _new(c, "source")
    how = SOURCES.get(source) if isinstance(source, str) else None
    count = created + updated if isinstance(created, int) and isinstance(updated, int) else 0
    sentence = say(
        ngettext(
            "%(person)s recorded %(count)s value of %(object)s",
            "%(person)s recorded %(count)s values of %(object)s",
            count,
        ),
        person=person,
        count=qty(count),
        object=thing,
    )
    if how is not None:
        sentence = say(_("%(sentence)s %(how)s"), sentence=sentence, how=how)
    details = ()
    if isinstance(updated, int) and updated:
        details = (
            say(
                ngettext(
                    "%(count)s of them replaced an earlier value",
                    "%(count)s of them replaced earlier values",
                    updated,
                ),
                count=qty(updated),
            ),
        )
    return Told(sentence, details)


def _recovery(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    objective = shown(object_type, "objective", _new(c, "objective"), facts)
    value = _new(c, "value")
    sentence = say(
        _("%(person)s created the recovery objective %(objective)s for %(object)s"),
        person=person,
        objective=objective,
        object=thing,
    )
    if isinstance(value, int | float):
        details = (say(_("The KPI stood at %(value)s"), value=with_unit(value, facts.unit)),)
        return Told(sentence, details)
    return Told(sentence)


def _promoted(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    key_result = shown(object_type, "key_result", _new(c, "key_result"), facts)
    copied = _new(c, "check_ins_copied")
    sentence = say(
        _("%(person)s promoted the key result %(key_result)s to %(object)s"),
        person=person,
        key_result=key_result,
        object=thing,
    )
    if isinstance(copied, int) and copied:
        return Told(
            sentence,
            (
                say(
                    ngettext(
                        "Its %(count)s check-in became the KPI's first value",
                        "Its %(count)s check-ins became the KPI's first values",
                        copied,
                    ),
                    count=qty(copied),
                ),
            ),
        )
    return Told(sentence)


def _handed_down(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    return Told(
        say(
            _("%(person)s handed the key result %(key_result)s down to %(team)s as %(object)s"),
            person=person,
            key_result=shown(object_type, "key_result", _new(c, "key_result"), facts),
            team=shown(object_type, "team", _new(c, "team"), facts),
            object=thing,
        )
    )


def _split(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    made = _new(c, "key_results")
    return Told(
        say(
            _("%(person)s split the target of %(object)s across %(key_results)s"),
            person=person,
            object=thing,
            key_results=shown(object_type, "key_results", made, facts),
        )
    )


def _teams_changed(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    return Told(
        say(
            _("%(person)s put %(object)s in the teams %(teams)s"),
            person=person,
            object=thing,
            teams=shown(object_type, "teams", _new(c, "teams"), facts),
        )
    )


def _deactivated(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    heir = _new(c, "new_owner")
    if isinstance(heir, int):
        return Told(
            say(
                _("%(person)s deactivated %(object)s and handed their work to %(heir)s"),
                person=person,
                object=thing,
                heir=shown(object_type, "new_owner", heir, facts),
            )
        )
    return Told(say(_("%(person)s deactivated %(object)s"), person=person, object=thing))


def _renamed_team(
    person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts
) -> Told | None:
    if set(c) != {"name"}:
        return None
    return Told(
        say(
            _("%(person)s renamed the team %(old)s to %(new)s"),
            person=person,
            old=quoted(_old(c, "name")),
            new=quoted(_new(c, "name")),
        )
    )


def _carried_over(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    origin = _new(c, "from")
    where = _CARRIED_ID.sub("", origin) if isinstance(origin, str) else ""
    return Told(
        say(
            _("%(person)s carried %(object)s over from %(origin)s"),
            person=person,
            object=thing,
            origin=where or _("an earlier cycle"),
        )
    )


def _cycle_carried(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    count = _new(c, "objectives") or 0
    return Told(
        say(
            ngettext(
                "%(person)s carried %(count)s objective of %(object)s over to %(target)s",
                "%(person)s carried %(count)s objectives of %(object)s over to %(target)s",
                count if isinstance(count, int) else 0,
            ),
            person=person,
            count=qty(count),
            object=thing,
            target=strong(_new(c, "target") or ""),
        )
    )


def _cycle_closed(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    count = _new(c, "objectives")
    if isinstance(count, int):
        return Told(
            say(
                ngettext(
                    "%(person)s closed %(object)s and its %(count)s objective",
                    "%(person)s closed %(object)s and its %(count)s objectives",
                    count,
                ),
                person=person,
                object=thing,
                count=qty(count),
            )
        )
    return Told(say(_("%(person)s closed %(object)s"), person=person, object=thing))


def _comment(message: Any) -> Special:
    def told(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
        body = _new(c, "body") or _old(c, "body")
        sentence = say(str(message), person=person)
        if body:
            sentence = say(_("%(sentence)s: %(note)s"), sentence=sentence, note=quoted(body))
        return Told(sentence)

    return told


def _review_returned(
    person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts
) -> Told:
    note = _new(c, "note")
    sentence = say(_("%(person)s sent %(object)s back for changes"), person=person, object=thing)
    if note:
        sentence = say(_("%(sentence)s: %(note)s"), sentence=sentence, note=quoted(note))
    return Told(sentence)


def _source_broken(person: Any, thing: SafeString, object_type: str, c: dict, facts: Facts) -> Told:
    error = _new(c, "error")
    sentence = say(_("The data source of %(object)s stopped working"), object=thing)
    if error:
        sentence = say(_("%(sentence)s: %(note)s"), sentence=sentence, note=quoted(error))
    return Told(sentence)


_SPECIAL: dict[str, Special] = {
    "check_in.created": _check_in,
    "objective.owner_changed": _owner_changed,
    "key_result.owner_changed": _owner_changed,
    "kpi.owner_changed": _owner_changed,
    "objective.closed": _closed_objective,
    "objective.review_requested": _with(
        gettext_lazy("%(person)s asked %(reviewer)s to review %(object)s"), reviewer="reviewer"
    ),
    "objective.review_approved": _simple(gettext_lazy("%(person)s approved %(object)s")),
    "objective.review_returned": _review_returned,
    "objective.carried_over": _carried_over,
    "cycle.carried_over": _cycle_carried,
    "cycle.activated": _simple(gettext_lazy("%(person)s started %(object)s")),
    "cycle.closed": _cycle_closed,
    "kpi.measurements_recorded": _measurements,
    "kpi.recovery_created": _recovery,
    "kpi.recovery_dismissed": _with(
        gettext_lazy("%(person)s dismissed the recovery objective %(objective)s of %(object)s"),
        objective="objective",
    ),
    "kpi.target_split": _split,
    "key_result.split": _split,
    "key_result.promoted": _promoted,
    "key_result.handed_down": _handed_down,
    "workspace.created": _simple(gettext_lazy("%(person)s created %(object)s")),
    "workspace.settings_changed": lambda *a: None,
    "person.added": _with(gettext_lazy("%(person)s added %(object)s as %(role)s"), role="role"),
    "person.role_changed": _with(gettext_lazy("%(person)s made %(object)s %(role)s"), role="role"),
    "person.teams_changed": _teams_changed,
    "person.deactivated": _deactivated,
    "person.reactivated": _simple(gettext_lazy("%(person)s reactivated %(object)s")),
    "person.password_changed": _simple(
        gettext_lazy("%(person)s changed the password of %(object)s")
    ),
    "invitation.created": _with(
        gettext_lazy("%(person)s invited %(email)s as %(role)s"), email="email", role="role"
    ),
    "invitation.accepted": _simple(gettext_lazy("%(person)s accepted %(object)s")),
    "invitation.revoked": _simple(gettext_lazy("%(person)s revoked %(object)s")),
    "team.created": _simple(gettext_lazy("%(person)s created %(object)s")),
    "team.renamed": _renamed_team,
    "team.moved": _with(
        gettext_lazy("%(person)s moved %(object)s under %(parent)s"), parent="parent"
    ),
    "team.archived": _simple(gettext_lazy("%(person)s archived %(object)s")),
    "team.restored": _simple(gettext_lazy("%(person)s restored %(object)s")),
    "team.member_added": _with(
        gettext_lazy("%(person)s added %(member)s to %(object)s"), member="member"
    ),
    "comment.created": _comment(gettext_lazy("%(person)s commented")),
    "comment.updated": _comment(gettext_lazy("%(person)s edited a comment")),
    "comment.deleted": _comment(gettext_lazy("%(person)s deleted a comment")),
    "reaction.added": _with(
        gettext_lazy("%(person)s reacted %(emoji)s to a check-in"), emoji="emoji"
    ),
    "reaction.removed": _with(
        gettext_lazy("%(person)s took back a %(emoji)s reaction"), emoji="emoji"
    ),
    "source.created": _simple(gettext_lazy("%(person)s connected a data source to %(object)s")),
    "source.updated": lambda *a: None,
    "source.deleted": _simple(
        gettext_lazy("%(person)s disconnected the data source of %(object)s")
    ),
    "source.broken": _source_broken,
    "source.recovered": _simple(gettext_lazy("The data source of %(object)s works again")),
    "dashboard.tile_added": _simple(gettext_lazy("%(person)s added a tile to %(object)s")),
    "dashboard.tile_updated": _simple(gettext_lazy("%(person)s changed a tile of %(object)s")),
    "dashboard.tile_removed": _simple(gettext_lazy("%(person)s removed a tile from %(object)s")),
    "dashboard.arranged": _simple(gettext_lazy("%(person)s rearranged the tiles of %(object)s")),
    "dashboard.shared": _with(
        gettext_lazy("%(person)s shared %(object)s: %(sharing)s"), sharing="sharing"
    ),
    "dashboard.link_created": _simple(gettext_lazy("%(person)s made a share link of %(object)s")),
    "dashboard.link_revoked": _simple(
        gettext_lazy("%(person)s revoked a share link of %(object)s")
    ),
    "webhook.secret_rotated": _simple(gettext_lazy("%(person)s rotated the secret of %(object)s")),
    "webhook.pinged": _simple(gettext_lazy("%(person)s sent a test event to %(object)s")),
    "webhook.redelivered": _simple(gettext_lazy("%(person)s sent an event to %(object)s again")),
    "chat_channel.tested": _simple(gettext_lazy("%(person)s sent a test message to %(object)s")),
    "api_token.revoked": _simple(gettext_lazy("%(person)s revoked %(object)s")),
    "export.requested": _simple(gettext_lazy("%(person)s asked for an export")),
    "export.deleted": _simple(gettext_lazy("%(person)s deleted an export")),
    "notifications.preferences_changed": _simple(
        gettext_lazy("%(person)s changed the notification settings of %(object)s")
    ),
    "notifications.unsubscribed": _simple(gettext_lazy("%(object)s unsubscribed from an email")),
    "digests.schedule_changed": _simple(gettext_lazy("%(person)s changed the digest schedule")),
    "demo.loaded": _simple(gettext_lazy("%(person)s loaded the demo company")),
}

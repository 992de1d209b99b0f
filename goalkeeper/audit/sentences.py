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

How values read lives in `words.py`, the actions with sentences of their own in `actions.py`.
Every sentence is a translatable message with named placeholders
(docs/security.md#history-in-sentences).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from goalkeeper.audit.actions import SPECIAL
from goalkeeper.audit.words import (
    NOBODY,
    Facts,
    Told,
    change_line,
    field_label,
    is_empty,
    listed,
    pairs,
    say,
    shown,
    strong,
    the_object,
    worth_telling,
)


def one_change(
    person: Any, thing: SafeString, object_type: str, field: str, old: Any, new: Any, facts: Facts
) -> SafeString:
    """A sentence about one changed field of an object."""
    label = field_label(field)
    if field == "kpi" and object_type == "keyresult":
        if is_empty(old):
            return say(
                _("%(person)s linked %(object)s to the KPI %(kpi)s"),
                person=person,
                object=thing,
                kpi=shown(object_type, field, new, facts),
            )
        if is_empty(new):
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
    if is_empty(old):
        return say(
            _("%(person)s set the %(field)s of %(object)s to %(new)s"),
            person=person,
            field=label,
            object=thing,
            new=shown(object_type, field, new, facts),
        )
    if is_empty(new):
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


def _alignment(links: Any, facts: Facts) -> SafeString:
    """The parents of an objective ({objective, key_result} facts) as names."""
    if not isinstance(links, list):
        return listed(())
    names = []
    for link in links:
        if not isinstance(link, dict):
            continue
        if isinstance(link.get("key_result"), int):
            names.append(shown("", "key_result", link["key_result"], facts))
        elif isinstance(link.get("objective"), int):
            names.append(shown("", "objective", link["objective"], facts))
    return listed(names)


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
    special = SPECIAL.get(action)
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

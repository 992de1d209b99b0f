"""Sentences of the actions that read better in words of their own than as "changed the
<field> of <object>": a check-in, a hand-over, a recovery, a promotion... (`sentences.tell`
falls back to the generic frames for the others). See docs/security.md#history-in-sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from goalkeeper.audit.words import (
    CARRIED_ID,
    SOURCES,
    Facts,
    Told,
    change_line,
    is_empty,
    new_of,
    old_of,
    quoted,
    say,
    shown,
    strong,
    worth_telling,
)
from goalkeeper.l10n import qty, with_unit

# --- Actions that read better in words of their own -------------------------------------------

Changes = dict[str, tuple[Any, Any]]
Special = Callable[[Any, SafeString, str, dict[str, tuple[Any, Any]], Facts], Told | None]


def _check_in(person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts) -> Told:
    note = new_of(c, "note")
    confidence = new_of(c, "confidence")
    if facts.kind == "milestone" or ("done" in c and "current" not in c):
        done = new_of(c, "done")
        if "done" not in c:
            sentence = say(_("%(person)s checked in on %(object)s"), person=person, object=thing)
        elif done:
            sentence = say(_("%(person)s marked %(object)s done"), person=person, object=thing)
        elif old_of(c, "done"):
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
            value=strong(with_unit(new_of(c, "current"), facts.unit)),
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


def _owner_changed(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    return Told(
        say(
            _("%(person)s handed %(object)s over to %(owner)s"),
            person=person,
            object=thing,
            owner=shown(object_type, "owner", new_of(c, "owner"), facts),
        )
    )


def _closed_objective(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    score = new_of(c, "final_score")
    retro = new_of(c, "retrospective")
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
    def told(person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts) -> Told:
        return Told(say(str(message), person=person, object=thing))

    return told


def _with(message: Any, **fields: str) -> Special:
    """A sentence naming the new value of some fields: `fields` maps placeholder -> field."""

    def told(
        person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
    ) -> Told | None:
        values = {}
        for placeholder, field in fields.items():
            old, new = c.get(field, (None, None))
            value = new if not is_empty(new) else old
            if is_empty(value):
                return None
            values[placeholder] = shown(object_type, field, value, facts)
        # Whatever else changed in the same write gets a line of its own.
        rest = worth_telling(
            [(f, old, new) for f, (old, new) in c.items() if f not in fields.values()]
        )
        return Told(
            say(str(message), person=person, object=thing, **values),
            tuple(change_line(object_type, f, old, new, facts) for f, old, new in rest),
        )

    return told


def _measurements(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    created = new_of(c, "created") or 0
    updated = new_of(c, "updated") or 0
    source = new_of(c, "source")
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
    details: tuple[SafeString, ...] = ()
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


def _recovery(person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts) -> Told:
    objective = shown(object_type, "objective", new_of(c, "objective"), facts)
    value = new_of(c, "value")
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


def _driver(added: bool) -> Special:
    """A driver link declared or removed: the KPI or key result at its lagging end."""
    kpi_words = (
        gettext_lazy("%(person)s declared that %(object)s drives %(other)s")
        if added
        else gettext_lazy("%(person)s removed the driver link from %(object)s to %(other)s")
    )

    def told(
        person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
    ) -> Told | None:
        field = "kpi" if "kpi" in c else "key_result"
        return _with(kpi_words, other=field)(person, thing, object_type, c, facts)

    return told


def _promoted(person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts) -> Told:
    key_result = shown(object_type, "key_result", new_of(c, "key_result"), facts)
    copied = new_of(c, "check_ins_copied")
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


def _handed_down(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    return Told(
        say(
            _("%(person)s handed the key result %(key_result)s down to %(team)s as %(object)s"),
            person=person,
            key_result=shown(object_type, "key_result", new_of(c, "key_result"), facts),
            team=shown(object_type, "team", new_of(c, "team"), facts),
            object=thing,
        )
    )


def _split(person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts) -> Told:
    made = new_of(c, "key_results")
    return Told(
        say(
            _("%(person)s split the target of %(object)s across %(key_results)s"),
            person=person,
            object=thing,
            key_results=shown(object_type, "key_results", made, facts),
        )
    )


def _teams_changed(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    return Told(
        say(
            _("%(person)s put %(object)s in the teams %(teams)s"),
            person=person,
            object=thing,
            teams=shown(object_type, "teams", new_of(c, "teams"), facts),
        )
    )


def _deactivated(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    heir = new_of(c, "new_owner")
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
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told | None:
    if set(c) != {"name"}:
        return None
    return Told(
        say(
            _("%(person)s renamed the team %(old)s to %(new)s"),
            person=person,
            old=quoted(old_of(c, "name")),
            new=quoted(new_of(c, "name")),
        )
    )


def _carried_over(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    origin = new_of(c, "from")
    where = CARRIED_ID.sub("", origin) if isinstance(origin, str) else ""
    return Told(
        say(
            _("%(person)s carried %(object)s over from %(origin)s"),
            person=person,
            object=thing,
            origin=where or _("an earlier cycle"),
        )
    )


def _cycle_carried(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    count = new_of(c, "objectives") or 0
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
            target=strong(new_of(c, "target") or ""),
        )
    )


def _cycle_closed(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    count = new_of(c, "objectives")
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
    def told(person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts) -> Told:
        body = new_of(c, "body") or old_of(c, "body")
        sentence = say(str(message), person=person)
        if body:
            sentence = say(_("%(sentence)s: %(note)s"), sentence=sentence, note=quoted(body))
        return Told(sentence)

    return told


def _review_returned(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    note = new_of(c, "note")
    sentence = say(_("%(person)s sent %(object)s back for changes"), person=person, object=thing)
    if note:
        sentence = say(_("%(sentence)s: %(note)s"), sentence=sentence, note=quoted(note))
    return Told(sentence)


def _source_broken(
    person: Any, thing: SafeString, object_type: str, c: Changes, facts: Facts
) -> Told:
    error = new_of(c, "error")
    sentence = say(_("The data source of %(object)s stopped working"), object=thing)
    if error:
        sentence = say(_("%(sentence)s: %(note)s"), sentence=sentence, note=quoted(error))
    return Told(sentence)


SPECIAL: dict[str, Special] = {
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
    "kpi.driver_added": _driver(added=True),
    "kpi.driver_removed": _driver(added=False),
    "objective.guardrail_added": _with(
        gettext_lazy("%(person)s made %(kpi)s a guardrail of %(object)s"), kpi="kpi"
    ),
    "objective.guardrail_removed": _with(
        gettext_lazy("%(person)s removed the guardrail %(kpi)s from %(object)s"), kpi="kpi"
    ),
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
    "person.removed": _simple(gettext_lazy("%(person)s removed %(object)s from the workspace")),
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

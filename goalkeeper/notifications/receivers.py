"""From domain events to inbox items: who hears of what (docs/notifications.md).

Runs inside the transaction of the write that emitted the event, so it only writes rows;
emails and chat leave after the commit (see `services.notify`). Alerts about KPI health and
data sources have their own rules (goalkeeper/alerts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person
from goalkeeper.domain.process_limits import Rule, Side
from goalkeeper.domain.scoring import final_score
from goalkeeper.events import Event
from goalkeeper.kpis.labels import SIDE_LABELS, SIGNAL_LABELS
from goalkeeper.l10n import score1, with_unit
from goalkeeper.notifications import guardrails, services
from goalkeeper.notifications.subjects import describe_one
from goalkeeper.notifications.watching import watchers, watchers_of

Handler = Callable[[Event], None]


def _name(person_id: int | None) -> str:
    """The person's name, or "" when unknown (`_who` words it)."""
    if person_id is None:
        return ""
    name = Person.objects.filter(pk=person_id).values_list("name", flat=True).first()
    return name or ""


def _who(name: str) -> str:
    return name or _("Someone")


def _check_in(event: Event) -> None:
    check_in: Mapping[str, Any] = event.payload["check_in"]
    key_result: Mapping[str, Any] = event.payload["key_result"]
    subject = ("key_result", int(key_result["id"]))
    # The weekly "check in on this" item is handled by any check-in on the key result.
    services.resolve(workspace_id=event.workspace_id, kind="check_in_due", subject=subject)
    if check_in.get("automatic"):
        return
    info = describe_one(subject)
    if info is None:
        return
    confidence = check_in.get("confidence")
    author = _name(check_in.get("author"))

    def body() -> str:
        shown = (
            _("done")
            if check_in.get("done")
            else with_unit(check_in.get("value"), key_result.get("unit"))
        )
        text = _("Now %(value)s") % {"value": shown}
        if confidence is not None:
            text = _("Now %(value)s, confidence %(confidence)s/10") % {
                "value": shown,
                "confidence": confidence,
            }
        if check_in.get("note"):
            text += f". {check_in['note']}"
        return text

    services.notify(
        workspace_id=event.workspace_id,
        people=watchers_of([info])[subject],
        kind="watched_check_in",
        title=lambda: (
            _("%(person)s checked in on %(subject)s")
            % {"person": _who(author), "subject": info.title}
        ),
        body=body,
        url=f"{info.url}#check-in-{check_in['id']}",
        subject=subject,
        actor_id=check_in.get("author"),
    )


def _objective_closed(event: Event) -> None:
    objective: Mapping[str, Any] = event.payload["objective"]
    subject = ("objective", int(objective["id"]))
    info = describe_one(subject)
    if info is None:
        return
    score = final_score(objective.get("final_score"))

    def title() -> str:
        if score is None:
            return _("%(objective)s was closed") % {"objective": info.title}
        return _("%(objective)s was closed with a score of %(score)s") % {
            "objective": info.title,
            "score": score1(score),
        }

    services.notify(
        workspace_id=event.workspace_id,
        people=watchers_of([info])[subject],
        kind="objective_closed",
        title=title,
        url=info.url,
        subject=subject,
        key=f"closed:{subject[1]}",
    )


def _review_requested(event: Event) -> None:
    objective: Mapping[str, Any] = event.payload["objective"]
    subject = ("objective", int(objective["id"]))
    info = describe_one(subject)
    if info is None:
        return
    requested_by = event.payload.get("requested_by")
    asking = _name(requested_by)
    services.notify(
        workspace_id=event.workspace_id,
        people=[int(event.payload["reviewer"])],
        kind="review_requested",
        title=lambda: (
            _("%(person)s asks you to review %(objective)s")
            % {"person": _who(asking), "objective": info.title}
        ),
        url=info.url,
        subject=subject,
        actor_id=requested_by,
        key=f"review:{subject[1]}",
    )


def _review_returned(event: Event) -> None:
    """The reviewer sent the draft back: its owner hears why."""
    objective: Mapping[str, Any] = event.payload["objective"]
    subject = ("objective", int(objective["id"]))
    info = describe_one(subject)
    owner = objective.get("owner")
    if info is None or owner is None:
        return
    reviewer = event.payload.get("reviewer")
    returning = _name(reviewer)
    services.notify(
        workspace_id=event.workspace_id,
        people=[int(owner)],
        kind="review_returned",
        title=lambda: (
            _("%(person)s sent %(objective)s back")
            % {"person": _who(returning), "objective": info.title}
        ),
        body=str(event.payload.get("note", "")),
        url=info.url,
        subject=subject,
        actor_id=reviewer,
    )


def _review_over(event: Event) -> None:
    """A draft left review (activated, sent back, deleted): the request is handled."""
    objective: Mapping[str, Any] = event.payload["objective"]
    if event.name == "objective.updated" and objective.get("state") == "draft":
        return
    services.resolve(
        workspace_id=event.workspace_id,
        kind="review_requested",
        subject=("objective", int(objective["id"])),
    )


def _comment(event: Event) -> None:
    comment: Mapping[str, Any] = event.payload["comment"]
    subject = (str(comment["subject_type"]), int(comment["subject_id"]))
    info = describe_one(subject)
    if info is None:
        return
    author = comment.get("author")
    who = _name(author)
    # `text` shows mentions as "@Name"; `body` keeps them as tokens.
    excerpt = " ".join(str(comment.get("text") or comment.get("body", "")).split())[:280]
    mentioned = {int(p) for p in comment.get("new_mentions", [])}
    services.notify(
        workspace_id=event.workspace_id,
        people=mentioned,
        kind="mention",
        title=lambda: (
            _("%(person)s mentioned you on %(subject)s")
            % {"person": _who(who), "subject": info.title}
        ),
        body=excerpt,
        url=str(comment.get("url") or info.url),
        subject=subject,
        actor_id=author,
    )
    if event.name != "comment.created":
        return
    services.notify(
        workspace_id=event.workspace_id,
        people=watchers(event.workspace_id, subject) - mentioned,
        kind="comment",
        title=lambda: (
            _("%(person)s commented on %(subject)s") % {"person": _who(who), "subject": info.title}
        ),
        body=excerpt,
        url=str(comment.get("url") or info.url),
        subject=subject,
        actor_id=author,
    )


def _kpi_signal(event: Event) -> None:
    """A KPI's latest period shows a signal (or a new one): its owner and watchers hear of
    it; a signal gone handles the item it left."""
    kpi: Mapping[str, Any] = event.payload["kpi"]
    subject = ("kpi", int(kpi["id"]))
    after = event.payload.get("after")
    if not after:
        services.resolve(workspace_id=event.workspace_id, kind="kpi_signal", subject=subject)
        return
    info = describe_one(subject)
    if info is None:
        return
    rule = Rule(str(after))
    side = event.payload.get("side")

    def title() -> str:
        return _("%(kpi)s shows a signal: %(rule)s") % {
            "kpi": info.title,
            "rule": SIGNAL_LABELS[rule],
        }

    def body() -> str:
        where = SIDE_LABELS[Side(str(side))] if side in Side._value2member_map_ else ""
        text = _("Something changed in the process behind it (%(side)s), beyond its usual spread.")
        return text % {"side": where}

    services.notify(
        workspace_id=event.workspace_id,
        people=watchers_of([info])[subject],
        kind="kpi_signal",
        title=title,
        body=body,
        url=f"{info.url}#limits",
        subject=subject,
        key=f"signal:{subject[1]}:{after}:{event.payload.get('period') or ''}",
    )


def _deleted(subject_type: str, key: str) -> Handler:
    def clear(event: Event) -> None:
        services.resolve_subject(
            workspace_id=event.workspace_id,
            subject=(subject_type, int(event.payload[key]["id"])),
        )

    return clear


HANDLERS: dict[str, list[Handler]] = {
    "check_in.created": [_check_in],
    "objective.closed": [_objective_closed],
    "objective.review_requested": [_review_requested],
    "objective.review_returned": [_review_over, _review_returned],
    "objective.updated": [_review_over],
    "objective.deleted": [_deleted("objective", "objective")],
    "key_result.deleted": [_deleted("key_result", "key_result")],
    "kpi.deleted": [_deleted("kpi", "kpi")],
    "comment.created": [_comment],
    "comment.updated": [_comment],
    "kpi.health_changed": [guardrails.health_changed],
    "kpi.signal": [_kpi_signal, guardrails.signalled],
}


def on_event(event: Event) -> None:
    """Turn one event into inbox items (subscribed in the app's `ready`)."""
    for handler in HANDLERS.get(event.name, []):
        handler(event)

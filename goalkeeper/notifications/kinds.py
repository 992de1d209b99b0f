"""The kinds of notification: what each means and how it reaches a person by default.

A person may change the email and chat delivery of each kind on their preferences page
(docs/notifications.md); the inbox always gets every notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Email(StrEnum):
    """How a kind reaches a person by email."""

    OFF = "off"
    IMMEDIATE = "immediate"
    BATCHED = "batched"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    description: str
    email: Email
    # Weekly mails (digest, reminder) go once a week or not at all: no "batched" choice.
    weekly: bool = False
    # Items of a "heads-up" kind are handled once read: opening one from the inbox clears it.
    cleared_by_reading: bool = False


_KINDS = (
    Kind("check_in_due", "Check-in due", "Key results waiting for your check-in.", Email.OFF),
    Kind(
        "kpi_health",
        "KPI health",
        "A KPI you own or watch turned yellow, red or stale, or recovered.",
        Email.IMMEDIATE,
    ),
    Kind(
        "kpi_signal",
        "KPI signal",
        "A KPI you own or watch shows an unusual run of values.",
        Email.BATCHED,
    ),
    Kind(
        "source_broken", "Source broken", "A data source of yours stopped working.", Email.IMMEDIATE
    ),
    Kind(
        "source_silent",
        "Source silent",
        "A push source of yours received nothing for two periods.",
        Email.IMMEDIATE,
    ),
    Kind(
        "mention",
        "Mention",
        "Someone mentioned you in a comment.",
        Email.IMMEDIATE,
        cleared_by_reading=True,
    ),
    Kind(
        "comment",
        "Comment",
        "A comment on something you own or watch.",
        Email.BATCHED,
        cleared_by_reading=True,
    ),
    Kind(
        "review_requested",
        "Review requested",
        "A draft objective waits for your review.",
        Email.IMMEDIATE,
    ),
    Kind(
        "review_returned",
        "Draft sent back",
        "A reviewer sent your draft objective back with a note.",
        Email.IMMEDIATE,
        cleared_by_reading=True,
    ),
    Kind(
        "watched_check_in",
        "Check-in on what you watch",
        "Someone checked in on a key result you own or watch.",
        Email.BATCHED,
        cleared_by_reading=True,
    ),
    Kind(
        "objective_closed",
        "Objective closed",
        "An objective you own or watch was closed with its score.",
        Email.BATCHED,
        cleared_by_reading=True,
    ),
    Kind(
        "export_ready",
        "Export ready",
        "A large export you asked for is ready to download.",
        Email.OFF,
    ),
    Kind(
        "reminder",
        "Check-in reminder",
        "The weekly reminder when key results wait for your check-in.",
        Email.IMMEDIATE,
        weekly=True,
    ),
    Kind(
        "digest",
        "Weekly digest",
        "Your weekly summary (and your team's or company's, if you lead one).",
        Email.IMMEDIATE,
        weekly=True,
    ),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in _KINDS}

# The preference row that switches every email off at once ("unsubscribe from all").
ALL = "all"


def kind_named(name: str) -> Kind:
    """The kind called `name`; ValueError names the unknown kind."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown notification kind {name!r}") from None

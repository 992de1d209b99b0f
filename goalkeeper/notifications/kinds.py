"""The kinds of notification: what each means and how it reaches a person by default.

A person may change the email and chat delivery of each kind on their preferences page
(docs/notifications.md); the inbox always gets every notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Email(StrEnum):
    """How a kind reaches a person by email."""

    OFF = "off"
    IMMEDIATE = "immediate"
    BATCHED = "batched"


@dataclass(frozen=True)
class Kind:
    name: str
    label: StrOrPromise
    description: StrOrPromise
    email: Email
    # Weekly mails (digest, reminder) go once a week or not at all: no "batched" choice.
    weekly: bool = False
    # Items of a "heads-up" kind are handled once read: opening one from the inbox clears it.
    cleared_by_reading: bool = False


_KINDS = (
    Kind("check_in_due", _("Check-in due"), _("Key results waiting for your check-in."), Email.OFF),
    Kind(
        "kpi_health",
        _("KPI health"),
        _("A KPI you own or watch turned yellow, red or stale, or recovered."),
        Email.IMMEDIATE,
    ),
    Kind(
        "kpi_signal",
        _("KPI signal"),
        _("A KPI you own or watch shows an unusual run of values."),
        Email.BATCHED,
    ),
    Kind(
        "guardrail",
        _("Guardrail tripped"),
        _("A guardrail KPI of an objective you own turned red or signals."),
        Email.IMMEDIATE,
    ),
    Kind(
        "source_broken",
        _("Source broken"),
        _("A data source of yours stopped working."),
        Email.IMMEDIATE,
    ),
    Kind(
        "source_silent",
        _("Source silent"),
        _("A push source of yours received nothing for two periods."),
        Email.IMMEDIATE,
    ),
    Kind(
        "mention",
        _("Mention"),
        _("Someone mentioned you in a comment."),
        Email.IMMEDIATE,
        cleared_by_reading=True,
    ),
    Kind(
        "comment",
        _("Comment"),
        _("A comment on something you own or watch."),
        Email.BATCHED,
        cleared_by_reading=True,
    ),
    Kind(
        "review_requested",
        _("Review requested"),
        _("A draft objective waits for your review."),
        Email.IMMEDIATE,
    ),
    Kind(
        "review_returned",
        _("Draft sent back"),
        _("A reviewer sent your draft objective back with a note."),
        Email.IMMEDIATE,
        cleared_by_reading=True,
    ),
    Kind(
        "watched_check_in",
        _("Check-in on what you watch"),
        _("Someone checked in on a key result you own or watch."),
        Email.BATCHED,
        cleared_by_reading=True,
    ),
    Kind(
        "objective_closed",
        _("Objective closed"),
        _("An objective you own or watch was closed with its score."),
        Email.BATCHED,
        cleared_by_reading=True,
    ),
    Kind(
        "export_ready",
        _("Export ready"),
        _("A large export you asked for is ready to download."),
        Email.OFF,
    ),
    Kind(
        "reminder",
        _("Check-in reminder"),
        _("The weekly reminder when key results wait for your check-in."),
        Email.IMMEDIATE,
        weekly=True,
    ),
    Kind(
        "digest",
        _("Weekly digest"),
        _("Your weekly summary (and your team's or company's, if you lead one)."),
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

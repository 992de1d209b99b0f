"""Sending a workspace's reminders and digests once per person per week (docs/digests.md).

    due_rounds(now)           the (workspace, kind, week) rounds due now, unfinished
    run_round(...)            build one workspace's messages of some kinds, claim, send
    run_due(now)              the periodic job's body: every due round of every workspace

Every message goes through the ledger (`services.claim`): the INSERT of its row is the
claim, so two workers (or the job and an operator's `goalkeeper digests --now`) never send
one twice. A failed send is recorded and claimed again by the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.channels.messages import ChatMessage
from goalkeeper.digests import delivery, services
from goalkeeper.digests.chat import chat_message_for
from goalkeeper.digests.content import Digest, company, digests_for, team, waiting_key_results
from goalkeeper.digests.models import (
    DigestKind,
    DigestRound,
    DigestSchedule,
    DigestSend,
    SendStatus,
)
from goalkeeper.digests.reads import PersonInfo, WorkspaceWeek, load_week
from goalkeeper.domain.rhythm import Week, is_due, week_of

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = tuple(DigestKind.values)
# Chat channels are no person: their digests greet nobody.
CHANNEL = PersonInfo(0, "chat channels", "", "")


@dataclass(frozen=True)
class Outcome:
    """What became of one message."""

    kind: str
    person_id: int
    person_name: str
    team_name: str
    status: str  # sent, failed, skipped, would send
    reason: str = ""
    subject: str = ""


@dataclass
class Report:
    """What one run did, for the job's log and the command's summary."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == "sent")

    @property
    def posted(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == "posted")

    @property
    def failed(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == "failed")

    def skipped(self) -> Counter[str]:
        """Skipped messages counted by reason."""
        return Counter(o.reason for o in self.outcomes if o.status == "skipped")

    def extend(self, other: Report) -> None:
        self.outcomes.extend(other.outcomes)


def schedule_of(workspace: Workspace) -> DigestSchedule:
    """The workspace's schedule, or the defaults when it never set one (not saved)."""
    found = DigestSchedule.objects.filter(workspace=workspace).first()
    return found or DigestSchedule(workspace=workspace)


def due_rounds(now: dt.datetime) -> list[tuple[Workspace, list[str], Week]]:
    """Each workspace with kinds due now in its zone whose round is not finished yet.

    Three queries whatever the number of workspaces.
    """
    workspaces = list(Workspace.objects.order_by("id"))
    schedules = {s.workspace_id: s for s in DigestSchedule.objects.all()}
    finished = {
        (row["workspace_id"], row["kind"], row["week"])
        for row in DigestRound.objects.filter(week__gte=(now - dt.timedelta(days=8)).date()).values(
            "workspace_id", "kind", "week"
        )
    }
    rounds = []
    for workspace in workspaces:
        schedule = schedules.get(workspace.pk) or DigestSchedule(workspace=workspace)
        zone = workspace.zone
        kinds = []
        week = week_of(now, zone)
        for kind in KINDS:
            if not schedule.enabled(kind):
                continue
            weekday, at = schedule.slot(kind)
            due = is_due(now, zone, weekday, at)
            if due is not None and (workspace.pk, kind, due.monday) not in finished:
                kinds.append(kind)
        if kinds:
            rounds.append((workspace, kinds, week))
    return rounds


def run_due(now: dt.datetime) -> Report:
    """Send every round due now (the periodic job)."""
    report = Report()
    for workspace, kinds, week in due_rounds(now):
        report.extend(run_round(workspace, kinds, week, now))
    return report


def run_round(
    workspace: Workspace,
    kinds: Sequence[str],
    week: Week,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    html_dir: Path | None = None,
    connection: BaseEmailBackend | None = None,
) -> Report:
    """Build the workspace's messages of `kinds` for `week` and send those not yet sent.

    With `dry_run` nothing is written (no ledger row, no inbox item, no email): the report
    says what would go; `html_dir` receives each message's HTML part as a file.
    """
    loaded = load_week(workspace, now)
    report = Report()
    for kind in kinds:
        digests = list(digests_for(loaded, kind, week))
        if kind == DigestKind.REMINDER and not dry_run:
            _inbox_items(loaded, digests, week)
        done = _already_sent(workspace, kind, week) if dry_run else set()
        wanting = delivery.wanting_email(
            [d.person.id for d in digests], delivery.notification_kind(kind)
        )
        persons = delivery.recipients(d.person.id for d in digests if d.person.id in wanting)
        outcomes = [_one(d, persons, wanting, done, dry_run, html_dir, connection) for d in digests]
        if kind in (DigestKind.TEAM, DigestKind.COMPANY):
            outcomes += _post_to_chat(loaded, kind, week, dry_run)
        report.outcomes.extend(outcomes)
        if not dry_run and not any(o.status == "failed" for o in outcomes):
            services.finish_round(
                workspace_id=workspace.pk,
                kind=kind,
                week=week.monday,
                sent=sum(1 for o in outcomes if o.status == "sent"),
                skipped=sum(1 for o in outcomes if o.status == "skipped"),
                now=now,
            )
    return report


def _one(
    digest: Digest,
    persons: dict[int, Person],
    wanting: set[int],
    done: set[tuple[int, int | None]],
    dry_run: bool,
    html_dir: Path | None,
    connection: BaseEmailBackend | None,
) -> Outcome:
    def outcome(status: str, reason: str = "") -> Outcome:
        return Outcome(
            digest.kind,
            digest.person.id,
            digest.person.name,
            digest.team_name,
            status,
            reason,
            digest.subject,
        )

    if digest.empty:
        return outcome("skipped", "nothing to say")
    if digest.person.id not in wanting or digest.person.id not in persons:
        return outcome("skipped", "unsubscribed")
    if dry_run:
        if (digest.person.id, digest.team_id) in done:
            return outcome("skipped", "already sent")
        if html_dir is not None:
            _write_preview(digest, persons[digest.person.id], html_dir)
        return outcome("would send")
    claimed = services.claim(
        workspace_id=persons[digest.person.id].workspace_id,
        person_id=digest.person.id,
        kind=digest.kind,
        week=digest.week.monday,
        team_id=digest.team_id,
    )
    if claimed is None:
        return outcome("skipped", "already sent")
    try:
        message = delivery.message_for(digest, persons[digest.person.id])
        (connection or get_connection()).send_messages([message])
    except Exception as error:  # any failure is recorded, and the next run retries it
        log.warning("digest %s for person %s failed: %s", digest.kind, digest.person.id, error)
        services.mark_failed(claimed, f"{type(error).__name__}: {error}")
        return outcome("failed", str(error))
    services.mark_sent(claimed)
    return outcome("sent")


def _post_to_chat(loaded: WorkspaceWeek, kind: str, week: Week, dry_run: bool) -> list[Outcome]:
    """Each team's digest to the team's chat channels, the company digest to the
    workspace's: once a week, never empty, only where a channel takes digests."""
    scopes = delivery.channel_scopes(loaded.workspace)
    if kind == DigestKind.TEAM:
        teams = sorted(t for t in scopes if t is not None and t in loaded.teams)
        writers = [partial(team, loaded, CHANNEL, week, team_id) for team_id in teams]
    else:
        writers = [partial(company, loaded, CHANNEL, week)] if None in scopes else []
    outcomes = []
    for write in writers:
        digest = write()
        if digest.empty:
            continue
        if dry_run:
            status = "would post"
        else:
            queued = services.post_digest(
                workspace_id=loaded.workspace.pk,
                kind=kind,
                week=week.monday,
                team_id=digest.team_id,
                # Written again in each channel's language.
                message=partial(_chat_message, write),
            )
            status = "posted" if queued is not None else "skipped"
        reason = "already posted" if status == "skipped" else ""
        outcomes.append(
            Outcome(kind, 0, CHANNEL.name, digest.team_name, status, reason, digest.subject)
        )
    return outcomes


def _chat_message(write: Callable[[], Digest]) -> ChatMessage:
    return chat_message_for(write())


def _already_sent(workspace: Workspace, kind: str, week: Week) -> set[tuple[int, int | None]]:
    return {
        (row["person_id"], row["team_id"])
        for row in DigestSend.objects.filter(
            workspace=workspace, kind=kind, week=week.monday, status=SendStatus.SENT
        ).values("person_id", "team_id")
    }


def _inbox_items(loaded: WorkspaceWeek, digests: Iterable[Digest], week: Week) -> None:
    """A "check_in_due" inbox item per waiting key result; a check-in clears it."""
    for digest in digests:
        for row in waiting_key_results(loaded, digest.person.id):
            delivery.check_in_due(loaded.workspace, digest.person.id, row, week)


def _write_preview(digest: Digest, person: Person, html_dir: Path) -> None:
    """The message exactly as it would be sent (building it sends nothing), as files."""
    html_dir.mkdir(parents=True, exist_ok=True)
    team = f"-team{digest.team_id}" if digest.team_id else ""
    name = f"{digest.week.label}-{digest.kind}{team}-person{digest.person.id}"
    message = delivery.message_for(digest, person)
    html = next(str(body) for body, kind in message.alternatives if kind == "text/html")
    (html_dir / f"{name}.html").write_text(html, encoding="utf-8")
    (html_dir / f"{name}.txt").write_text(
        f"Subject: {message.subject}\n\n{message.body}", encoding="utf-8"
    )

"""The demo company's weekly rhythm: this week's inbox, a review waiting for the admin.

Written at the end of the load, so the admin who logs in finds a living inbox: the
check-ins waiting this week for everyone (as the Monday reminder leaves them), a draft
objective submitted for the admin's review, a colleague's comment mentioning them, and
this week's reminder and digest rounds
marked as done, so that the worker does not email the whole demo company on its first
minute (`goalkeeper digests --now --dry-run` shows them; docs/digests.md).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.comments.services import add_comment
from goalkeeper.digests.content import waiting_key_results
from goalkeeper.digests.models import DigestKind, DigestRound
from goalkeeper.digests.reads import load_week
from goalkeeper.domain.rhythm import week_of
from goalkeeper.links import url_maker
from goalkeeper.notifications.models import EmailState, Notification
from goalkeeper.okrs.models import CycleState, Objective, ObjectiveState
from goalkeeper.okrs.services import request_review

BATCH = 2000


def write_rhythm(workspace: Workspace, admin: Person, now: dt.datetime) -> int:
    """This week's inbox of the demo company; returns how many items were written."""
    written = _check_ins_due(workspace, now)
    draft = (
        Objective.objects.filter(workspace=workspace, state=ObjectiveState.DRAFT)
        .exclude(owner=admin)
        .exclude(owner__isnull=True)
        .select_related("owner", "cycle")
        .order_by("id")
        .first()
    )
    if draft is not None and draft.owner is not None:
        request_review(actor=draft.owner, objective=draft, reviewer=admin)
        # The request changed the draft: it did so at the demo's now, not the loader's clock,
        # so that a reload with the same seed and day writes the same rows.
        Objective.objects.filter(pk=draft.pk).update(updated_at=now)
        written += 1
    written += _conversation(workspace, admin)
    week = week_of(now, workspace.zone)
    DigestRound.objects.bulk_create(
        [DigestRound(workspace=workspace, kind=kind, week=week.monday) for kind in DigestKind],
        ignore_conflicts=True,
    )
    return written


def _conversation(workspace: Workspace, admin: Person) -> int:
    """Two colleagues' comments on the company's objectives, one mentioning the admin."""
    objectives = list(
        Objective.objects.filter(
            workspace=workspace, state=ObjectiveState.ACTIVE, cycle__state=CycleState.ACTIVE
        )
        .exclude(owner__isnull=True)
        .exclude(owner=admin)
        .select_related("owner")
        .order_by("id")[:2]
    )
    owners = [o.owner for o in objectives if o.owner is not None]
    if len(owners) < 2:
        return 0
    first, second = objectives
    asker, planner = owners
    add_comment(
        actor=asker,
        subject_type="objective",
        subject_id=first.pk,
        body=(
            f"@[{admin.name}](person:{admin.pk}) the pipeline numbers are ahead of plan; "
            "shall we raise the target for next quarter? Notes: https://wiki.example/pipeline"
        ),
    )
    add_comment(
        actor=planner,
        subject_type="objective",
        subject_id=second.pk,
        body="Two key results depend on the data team's new dashboard, due mid-month.",
    )
    return 1


def _check_ins_due(workspace: Workspace, now: dt.datetime) -> int:
    """The items the Monday reminder writes, in bulk: a demo has thousands of key results
    (the reminder itself writes them one `notify` at a time, with each person's choices)."""
    week = load_week(workspace, now)
    monday = week_of(now, workspace.zone).monday.isoformat()
    check_in = url_maker("key_result_check_in")
    reverse("key_result_check_in", args=[1])  # fail early if the route ever moves
    rows = [
        Notification(
            workspace=workspace,
            person_id=person_id,
            kind="check_in_due",
            subject_type="key_result",
            subject_id=row.id,
            title=f"Check in on {row.title}",
            url=check_in(row.id),
            key=f"kr:{row.id}:{monday}",
            created_at=now,
            email_state=EmailState.NONE,
        )
        for person_id in week.people
        for row in waiting_key_results(week, person_id)
    ]
    Notification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)

"""What a comment is about: an objective, a key result, a check-in or a KPI, found by
`(subject_type, subject_id)` inside one workspace, with its page link and its owners.

This is the one place that knows where each subject lives (okrs or kpis) and which page
shows its thread; services, access checks, queries and payloads all go through it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext

from goalkeeper.accounts.models import Person
from goalkeeper.comments.models import SubjectType
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective

NOUNS = {
    SubjectType.OBJECTIVE: "objective",
    SubjectType.KEY_RESULT: "key result",
    SubjectType.CHECK_IN: "check-in",
    SubjectType.KPI: "KPI",
}


@dataclass(frozen=True)
class Subject:
    """One thing a thread hangs on, as the caller's workspace sees it."""

    type: str
    id: int
    workspace_id: int
    label: str
    # The page that shows the thread, with the anchor of the thread on it.
    url: str
    # People who answer for the subject: they may comment even with the viewer role.
    owner_ids: frozenset[int]
    # The check-in's key result, for reactions and payloads (None for other subjects).
    key_result_id: int | None = None


def anchor(subject_type: str, subject_id: int) -> str:
    """The id of a thread's element on its page (`comments-key_result-7`)."""
    return f"comments-{subject_type}-{subject_id}"


def find_subject(workspace_id: int, subject_type: str, subject_id: int) -> Subject | None:
    """The subject in the workspace, or None (unknown type, missing, another workspace's)."""
    if subject_type == SubjectType.OBJECTIVE:
        objective = (
            Objective.objects.filter(pk=subject_id, workspace_id=workspace_id)
            .values("id", "title", "owner_id")
            .first()
        )
        if objective is None:
            return None
        return Subject(
            type=subject_type,
            id=subject_id,
            workspace_id=workspace_id,
            label=objective["title"],
            url=_objective_url(subject_id, subject_type, subject_id),
            owner_ids=_ids(objective["owner_id"]),
        )
    if subject_type == SubjectType.KEY_RESULT:
        key_result = (
            KeyResult.objects.filter(pk=subject_id, workspace_id=workspace_id)
            .values("id", "title", "owner_id", "objective_id", "objective__owner_id")
            .first()
        )
        if key_result is None:
            return None
        return Subject(
            type=subject_type,
            id=subject_id,
            workspace_id=workspace_id,
            label=key_result["title"],
            url=_objective_url(key_result["objective_id"], subject_type, subject_id),
            owner_ids=_ids(key_result["owner_id"], key_result["objective__owner_id"]),
        )
    if subject_type == SubjectType.CHECK_IN:
        check_in = (
            CheckIn.objects.filter(pk=subject_id, key_result__workspace_id=workspace_id)
            .values(
                "id",
                "author_id",
                "key_result_id",
                "key_result__title",
                "key_result__owner_id",
                "key_result__objective_id",
            )
            .first()
        )
        if check_in is None:
            return None
        return Subject(
            type=subject_type,
            id=subject_id,
            workspace_id=workspace_id,
            label=gettext("Check-in on %(key_result)s")
            % {"key_result": check_in["key_result__title"]},
            url=_objective_url(check_in["key_result__objective_id"], subject_type, subject_id),
            owner_ids=_ids(check_in["author_id"], check_in["key_result__owner_id"]),
            key_result_id=check_in["key_result_id"],
        )
    if subject_type == SubjectType.KPI:
        kpi = (
            Kpi.objects.filter(pk=subject_id, workspace_id=workspace_id)
            .values("id", "name", "owner_id")
            .first()
        )
        if kpi is None:
            return None
        return Subject(
            type=subject_type,
            id=subject_id,
            workspace_id=workspace_id,
            label=kpi["name"],
            url=reverse("kpi_detail", args=[subject_id]) + "#" + anchor(subject_type, subject_id),
            owner_ids=_ids(kpi["owner_id"]),
        )
    return None


def may_comment(person: Person, subject: Subject) -> bool:
    """Editors and admins comment and react anywhere; a viewer on what they answer for.

    Viewers read every thread. A viewer who owns a key result (and so checks in on it)
    takes part in the talk about it: its thread, its objective's if they own that, and the
    check-ins they wrote or that are on their key result (docs/comments.md).
    """
    if not person.is_active or person.workspace_id != subject.workspace_id:
        return False
    return person.can_edit or person.pk in subject.owner_ids


def _objective_url(objective_id: int, subject_type: str, subject_id: int) -> str:
    return reverse("objective_detail", args=[objective_id]) + "#" + anchor(subject_type, subject_id)


def _ids(*ids: int | None) -> frozenset[int]:
    return frozenset(i for i in ids if i is not None)

"""How a caller reaches a thread, a comment or a check-in's reactions.

One condition a line, as in `goalkeeper.accounts.access`: a subject or comment of another
workspace is missing (404), never forbidden. Everyone in the workspace reads threads;
who may write is `subjects.may_comment`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from goalkeeper.accounts.models import Person
from goalkeeper.comments.models import Comment, SubjectType
from goalkeeper.comments.subjects import NOUNS, Subject, find_subject, may_comment
from goalkeeper.okrs.models import CheckIn


def access_subject(
    person: Person, subject_type: str, subject_id: int, *, for_write: bool = False
) -> Subject:
    """The subject in the caller's workspace; writing needs the right to comment on it."""
    if subject_type not in SubjectType.values:
        raise Http404("no such subject type")
    subject = find_subject(person.workspace_id, subject_type, subject_id)
    if subject is None:
        raise Http404(f"no such {NOUNS[SubjectType(subject_type)]}")
    if for_write and not may_comment(person, subject):
        raise PermissionDenied("viewers comment only on what they own")
    return subject


def access_comment_by_id(person: Person, comment_id: int) -> Comment:
    """A comment of the caller's workspace (the service decides who may change it)."""
    comment = (
        Comment.objects.select_related("author")
        .filter(pk=comment_id, workspace_id=person.workspace_id)
        .first()
    )
    if comment is None:
        raise Http404("no such comment")
    return comment


def access_check_in_for_reaction(person: Person, check_in_id: int) -> CheckIn:
    """A check-in of the caller's workspace that the caller may react on."""
    access_subject(person, SubjectType.CHECK_IN, check_in_id, for_write=True)
    return CheckIn.objects.get(pk=check_in_id)

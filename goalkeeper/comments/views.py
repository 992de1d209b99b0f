"""The thread fragments (htmx): read, post, edit inline, delete; and check-in reactions.

Each answers the fragment it changed. Without htmx, a write sends the browser back to the
subject's page (to the thread's anchor).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.comments import queries, services
from goalkeeper.comments.access import (
    access_check_in_for_reaction,
    access_comment_by_id,
    access_subject,
)
from goalkeeper.comments.bars import reactions_html
from goalkeeper.comments.models import Comment, SubjectType
from goalkeeper.comments.subjects import Subject, find_subject
from goalkeeper.validation import validation_messages


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 13 else None


def _subject_of(request: HttpRequest, person: Person, data: Any, *, write: bool) -> Subject:
    subject_id = _int(data.get("subject_id"))
    return access_subject(
        person, str(data.get("subject_type", "")), subject_id or 0, for_write=write
    )


def _thread(
    request: HttpRequest,
    person: Person,
    subject: Subject,
    *,
    body: str = "",
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "thread": queries.thread(person, subject),
        "person": person,
        "draft": body,
        "errors": errors or [],
        "subject_types": SubjectType,
    }
    return render_page(request, person, "comments/_thread.html", context, status=status)


def _errors(exc: ValidationError) -> list[str]:
    """`Body: ...` for a field's problem, the bare message for the input's as a whole."""
    return [
        gettext(msg)
        if field == "__all__"
        else f"{field.replace('_', ' ').capitalize()}: {gettext(msg)}"
        for field, msg in validation_messages(exc)
    ]


@require_http_methods(["GET", "POST"])
@member_required
def comments(request: HttpRequest, person: Person) -> HttpResponseBase:
    """GET: a subject's thread (`?before=` for the page of earlier comments). POST: post."""
    if request.method == "GET":
        subject = _subject_of(request, person, request.GET, write=False)
        before = _int(request.GET.get("before"))
        if before is not None:
            thread = queries.thread(person, subject, before=before)
            return render_page(
                request, person, "comments/_earlier.html", {"thread": thread, "person": person}
            )
        return _thread(request, person, subject)
    subject = _subject_of(request, person, request.POST, write=True)
    body = request.POST.get("body", "")
    try:
        services.add_comment(
            actor=person, subject_type=subject.type, subject_id=subject.id, body=body
        )
    except ValidationError as exc:
        return _thread(request, person, subject, body=body, errors=_errors(exc), status=422)
    if not request.htmx:  # type: ignore[attr-defined]
        return HttpResponseRedirect(subject.url)
    return _thread(request, person, subject)


def _item(
    request: HttpRequest,
    person: Person,
    comment: Comment,
    template: str,
    **extra: Any,
) -> HttpResponse:
    subject = find_subject(person.workspace_id, comment.subject_type, comment.subject_id)
    names = queries.current_names([comment.body], person.workspace_id)
    item = queries.item_of(person, comment, names)
    context = {
        "item": item,
        "person": person,
        "subject": subject,
        "field_id": f"comment-{comment.pk}-body",
        **extra,
    }
    return render_page(request, person, template, context)


@require_GET
@member_required
def comment_item(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """One comment as the thread shows it (what "Cancel" puts back after an edit)."""
    return _item(request, person, access_comment_by_id(person, pk), "comments/_item.html")


@require_http_methods(["GET", "POST"])
@member_required
def comment_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """GET: the inline edit form. POST: save the new text (author, within 15 minutes)."""
    comment = access_comment_by_id(person, pk)
    if request.method == "GET":
        services.check_editable(person, comment)
        return _item(request, person, comment, "comments/_edit.html", draft=comment.body)
    body = request.POST.get("body", "")
    try:
        services.edit_comment(actor=person, comment=comment, body=body)
    except ValidationError as exc:
        comment.refresh_from_db()
        return _item(
            request, person, comment, "comments/_edit.html", draft=body, errors=_errors(exc)
        )
    if not request.htmx:  # type: ignore[attr-defined]
        subject = find_subject(person.workspace_id, comment.subject_type, comment.subject_id)
        return HttpResponseRedirect(subject.url if subject else "/")
    return _item(request, person, comment, "comments/_item.html")


@require_POST
@member_required
def comment_delete(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Delete a comment (its author or an admin) and answer the thread without it."""
    comment = access_comment_by_id(person, pk)
    subject = access_subject(person, comment.subject_type, comment.subject_id)
    services.delete_comment(actor=person, comment=comment)
    if not request.htmx:  # type: ignore[attr-defined]
        return HttpResponseRedirect(subject.url)
    return _thread(request, person, subject)


@require_POST
@member_required
def check_in_reaction(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Add or take back the caller's emoji on a check-in; answer its reactions bar."""
    check_in = access_check_in_for_reaction(person, pk)
    try:
        services.toggle_reaction(
            actor=person, check_in=check_in, emoji=request.POST.get("emoji", "")
        )
    except ValidationError as exc:
        return HttpResponse("; ".join(_errors(exc)), status=422, content_type="text/plain")
    if not request.htmx:  # type: ignore[attr-defined]
        subject = access_subject(person, SubjectType.CHECK_IN, pk)
        return HttpResponseRedirect(subject.url)
    reactions = queries.reactions_for(person.workspace_id, [pk], person.pk).get(pk, [])
    return HttpResponse(
        reactions_html(pk, reactions, can_react=True, csrf_token=get_token(request))
    )

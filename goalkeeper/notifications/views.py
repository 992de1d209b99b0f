"""Pages of the notifications app: the inbox, watching, preferences and unsubscribing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person
from goalkeeper.notifications import queries, services
from goalkeeper.notifications.kinds import ALL, KINDS, Email
from goalkeeper.notifications.models import WATCHABLE, Notification, Preference
from goalkeeper.notifications.preferences import all_email_off, table_for
from goalkeeper.notifications.subjects import describe_one
from goalkeeper.notifications.tokens import read_token
from goalkeeper.notifications.watching import is_watching


def _person(request: HttpRequest) -> Person:
    person = person_of(request)
    if person is None:
        raise Http404("you are not in a workspace")
    return person


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """What waits for me: open items grouped by kind, snoozed ones, and what I cleared."""
    person = _person(request)
    today = person.workspace.clock().today
    view = request.GET.get("view", "open")
    if view not in queries.VIEWS:
        view = "open"
    kind = request.GET.get("kind", "")
    if kind and kind not in KINDS:
        kind = ""
    page = Paginator(queries.items(person, view, today, kind), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = queries.counts(person, today)
    return render(
        request,
        "notifications/inbox.html",
        {
            "view": view,
            "kind": kind,
            "page": page,
            "counts": counts,
            "kinds": KINDS,
            "kind_filters": [
                (name, KINDS[name], n)
                for name, n in sorted(
                    counts.by_kind.items(), key=lambda pair: list(KINDS).index(pair[0])
                )
            ],
            "today": today,
            "tomorrow": today + dt.timedelta(days=1),
            "next_monday": today + dt.timedelta(days=7 - today.weekday()),
            "check_in_all_url": reverse("check_in_all"),
            "waiting_check_ins": counts.by_kind.get("check_in_due", 0),
        },
    )


def _own(person: Person, notification_id: int) -> Notification:
    return get_object_or_404(Notification, pk=notification_id, person=person)


@login_required
def inbox_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow an item to its page; a heads-up (a mention...) is handled by reading it."""
    person = _person(request)
    item = _own(person, notification_id)
    if request.method == "POST" or request.GET.get("read") != "0":
        services.read(person=person, notification=item)
    if not url_has_allowed_host_and_scheme(item.url, {request.get_host()}):
        return redirect("inbox")
    return redirect(item.url)


def _after_change(request: HttpRequest) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        person = _person(request)
        count = queries.open_count(person, person.workspace.clock().today)
        return render(request, "notifications/_after_change.html", {"inbox_count": count})
    return _back(request, reverse("inbox"))


@login_required
@require_POST
def inbox_done(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one item as done."""
    person = _person(request)
    _own(person, notification_id)
    services.mark_done(person=person, ids=[notification_id])
    return _after_change(request)


@login_required
@require_POST
def inbox_undo(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Put a cleared item back."""
    person = _person(request)
    _own(person, notification_id)
    services.reopen(person=person, notification_id=notification_id)
    return _after_change(request)


@login_required
@require_POST
def inbox_all_done(request: HttpRequest) -> HttpResponse:
    """Mark every open item (of one kind, if asked) as done."""
    kind = request.POST.get("kind", "")
    done = services.mark_all_done(person=_person(request), kind=kind if kind in KINDS else None)
    messages.success(
        request,
        ngettext("%(count)s item marked as done.", "%(count)s items marked as done.", done)
        % {"count": done},
    )
    return redirect("inbox")


@login_required
@require_POST
def inbox_snooze(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Hide an item until a date: tomorrow, next Monday or one picked."""
    person = _person(request)
    _own(person, notification_id)
    try:
        until = dt.date.fromisoformat(request.POST.get("until", ""))
    except ValueError:
        messages.error(request, _("Snooze until: enter a date such as 2026-12-31."))
        return _back(request, reverse("inbox"))
    try:
        services.snooze(person=person, notification_id=notification_id, until=until)
    except ValidationError as exc:
        messages.error(
            request,
            _("Snooze until: %(reason)s.") % {"reason": _(exc.message_dict["until"][0])},
        )
        return _back(request, reverse("inbox"))
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(
            request, _("Snoozed until %(day)s.") % {"day": date_format(until, "l, j F")}
        )
    return _after_change(request)


@login_required
@require_POST
def watch(request: HttpRequest, subject_type: str, subject_id: int) -> HttpResponse:
    """Watch or unwatch an objective, key result or KPI (the button on its page)."""
    person = _person(request)
    if subject_type not in WATCHABLE:
        raise Http404("nothing of that kind can be watched")
    info = describe_one((subject_type, subject_id))
    if info is None or info.workspace_id != person.workspace_id:
        raise Http404("no such item in this workspace")
    watching = request.POST.get("watching") == "1"
    services.set_watching(person=person, info=info, watching=watching)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "notifications/_watch_button.html",
            {"info": info, "watching": is_watching(person.pk, info)},
        )
    messages.success(
        request,
        (_("Watching %(subject)s.") if watching else _("No longer watching %(subject)s."))
        % {"subject": info.title},
    )
    return _back(request, info.url)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """How each kind of notification reaches me: email now, in a batch or not; chat."""
    person = _person(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        choices = {
            name: (
                request.POST.get(f"email-{name}", Email.OFF),
                request.POST.get(f"chat-{name}") == "1",
            )
            for name in KINDS
        }
        try:
            services.set_preferences(
                person=person, choices=choices, all_email=request.POST.get("all_email") == "1"
            )
        except ValidationError as exc:
            errors = {k: _(v[0]) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("Notification preferences saved."))
            return redirect("notification_preferences")
    table = table_for(person.pk)
    rows = [
        {"kind": kind, "choice": table[name], "error": errors.get(name)}
        for name, kind in KINDS.items()
    ]
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "all_email": not all_email_off(person.pk),
            "email_choices": list(Email),
            "errors": errors,
        },
    )


@csrf_exempt  # The signed token is the credential: mail clients POST without a session.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe from an email link (RFC 8058), no login needed.

    GET shows a confirmation button (link scanners follow GETs); POST unsubscribes. A mail
    client's one-click POST carries `List-Unsubscribe=One-Click` and gets a plain 200.
    """
    asked = read_token(token)
    person = (
        Person.objects.select_related("workspace").filter(pk=asked.person_id).first()
        if asked is not None
        else None
    )
    if asked is None or person is None or (asked.kind != ALL and asked.kind not in KINDS):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    kind = asked.kind
    if request.method == "POST":
        if request.POST.get("scope") == ALL:
            kind = ALL
        services.unsubscribe(person=person, kind=kind)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed.", content_type="text/plain")
        return render(
            request,
            "notifications/unsubscribe.html",
            {"done": True, "kind": KINDS.get(kind), "all": kind == ALL, "person": person},
        )
    already = Preference.objects.filter(person=person, kind=kind, email=Email.OFF).exists()
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind": KINDS.get(kind), "all": kind == ALL, "already": already, "token": token},
    )

"""Chat channel pages: the channels page (admins, team leads), a channel's page with its
test button, its delivery log, and each person's own channel under /me/chat/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person
from goalkeeper.channels import services
from goalkeeper.channels.access import (
    access_channel_by_id,
    led_team_ids,
    may_see_channels_page,
    shared_channels,
)
from goalkeeper.channels.forms import ChannelForm
from goalkeeper.channels.models import ChatChannel, ChatDelivery, Kind
from goalkeeper.channels.sealed import UnreadableTargetError, unseal

PAGE_SIZE = 25
RECENT = 10
# Channels are few (one or two per team); the list still stops somewhere.
MAX_CHANNELS = 300


def _caller(request: HttpRequest) -> Person:
    person = person_of(request)
    if person is None:
        raise Http404("you are not in a workspace")
    return person


def _base(person: Person) -> str:
    # Admins see the admin tabs; team leads, who reach only this page, a plain header.
    return "accounts/admin_base.html" if person.is_admin else "channels/lead_base.html"


def _form_errors(form: ChannelForm, exc: ValidationError) -> None:
    for field, problems in exc.message_dict.items():
        for problem in problems:
            # A refusal worded by a service, in the reader's language when it has one.
            form.add_error(field if field in form.fields else None, _(problem))


def _with_last_delivery(channels: QuerySet[ChatChannel]) -> QuerySet[ChatChannel]:
    last = ChatDelivery.objects.filter(channel=OuterRef("pk")).order_by("-created_at", "-id")
    return channels.select_related("team").annotate(
        last_status=Subquery(last.values("status")[:1]),
        last_at=Subquery(last.values("created_at")[:1]),
        last_error=Subquery(last.values("last_error")[:1]),
    )


def _back(channel: ChatChannel) -> HttpResponse:
    return redirect("my_chat") if channel.person_id is not None else redirect("chat_channels")


def _create(request: HttpRequest, form: ChannelForm, actor: Person, **scope: Any) -> bool:
    try:
        services.create_channel(
            actor=actor,
            workspace=actor.workspace,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            url=form.cleaned_data["url"],
            alerts=form.cleaned_data["alerts"],
            digests=form.cleaned_data["digests"],
            **scope,
        )
    except ValidationError as exc:
        _form_errors(form, exc)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, _("Channel added. Send a test message to check it."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def chat_channels(request: HttpRequest) -> HttpResponse:
    """The workspace's and teams' channels the caller manages, and a form to add one."""
    person = _caller(request)
    if not may_see_channels_page(person):
        raise PermissionDenied("only admins and team leads manage chat channels")
    led = led_team_ids(person)
    form = ChannelForm(
        request.POST if request.method == "POST" else None, actor=person, scoped=True, led=led
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _create(request, form, person, team=form.cleaned_data.get("team"))
    ):
        return redirect("chat_channels")
    channels = _with_last_delivery(shared_channels(person)).order_by("team__name", "name", "id")
    return render(
        request,
        "channels/list.html",
        {
            "base_template": _base(person),
            "section": "channels",
            "form": form,
            "kind_help": form.kind_help(),
            "channels": channels[:MAX_CHANNELS],
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_chat(request: HttpRequest) -> HttpResponse:
    """A person's own channels (a Slack workflow that messages them, say)."""
    person = _caller(request)
    form = ChannelForm(
        request.POST if request.method == "POST" else None, actor=person, scoped=False
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _create(request, form, person, person=person)
    ):
        return redirect("my_chat")
    channels = _with_last_delivery(ChatChannel.objects.filter(person=person)).order_by("name", "id")
    return render(
        request,
        "channels/mine.html",
        {
            "form": form,
            "kind_help": form.kind_help(),
            "channels": channels,
            "leads_teams": may_see_channels_page(person),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, channel_id: int) -> HttpResponse:
    """One channel: its settings (never its URL), test and delete buttons, recent deliveries."""
    person = _caller(request)
    channel = access_channel_by_id(person, channel_id)
    initial = {
        "name": channel.name,
        "kind": channel.kind,
        "alerts": channel.alerts,
        "digests": channel.digests,
        "is_active": channel.is_active,
    }
    form = ChannelForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        actor=person,
        scoped=False,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_channel(actor=person, channel=channel, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Channel saved."))
            return redirect("chat_channel_edit", channel.pk)
    signing_secret = ""
    unreadable = False
    if channel.kind == Kind.JSON:
        try:
            signing_secret = unseal(channel.sealed).secret
        except UnreadableTargetError:
            unreadable = True
    deliveries = ChatDelivery.objects.filter(channel=channel).order_by("-created_at", "-id")
    response = render(
        request,
        "channels/edit.html",
        {
            "channel": channel,
            "form": form,
            "kind_help": form.kind_help(),
            "signing_secret": signing_secret,
            "unreadable": unreadable,
            "deliveries": deliveries[:RECENT],
        },
        status=422 if form.errors else 200,
    )
    # The page may show a generic channel's signing secret: keep it out of caches.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def channel_test(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Queue a test message; its result shows in the delivery log."""
    person = _caller(request)
    channel = access_channel_by_id(person, channel_id)
    services.send_test(actor=person, channel=channel)
    messages.success(request, _("Test message queued: its result shows below once it is sent."))
    return redirect("chat_channel_deliveries", channel.pk)


@login_required
@require_POST
def channel_delete(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Remove a channel and its delivery log."""
    person = _caller(request)
    channel = access_channel_by_id(person, channel_id)
    services.delete_channel(actor=person, channel=channel)
    messages.success(request, _("Channel deleted."))
    return _back(channel)


@login_required
def channel_deliveries(request: HttpRequest, channel_id: int) -> HttpResponse:
    """A channel's delivery log, newest first, a page at a time."""
    person = _caller(request)
    channel = access_channel_by_id(person, channel_id)
    deliveries = ChatDelivery.objects.filter(channel=channel).order_by("-created_at", "-id")
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "channels/deliveries.html", {"channel": channel, "page": page})

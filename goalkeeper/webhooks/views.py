"""The webhooks page: an admin subscribes URLs to events and watches the deliveries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person
from goalkeeper.webhooks import services
from goalkeeper.webhooks.access import access_subscription_by_id
from goalkeeper.webhooks.forms import SubscriptionForm
from goalkeeper.webhooks.models import EVENTS, Delivery, DeliveryStatus, Subscription

RECENT_DELIVERIES = 50


def _admin(request: HttpRequest) -> Person:
    person = person_of(request)
    if person is None:
        raise Http404("you are not in a workspace")
    require_admin(person)
    return person


def _form_errors(form: SubscriptionForm, exc: ValidationError) -> None:
    for field, problems in exc.message_dict.items():
        for problem in problems:
            # A refusal worded by a service, in the reader's language when it has one.
            form.add_error(field if field in form.fields else None, _(problem))


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    """Subscriptions with their delivery counts, the latest deliveries, and a form to add one."""
    person = _admin(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.create_subscription(
                actor=person,
                workspace=person.workspace,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Webhook added. Its signing secret is on its page."))
            return redirect("webhook_detail", subscription.pk)
    subscriptions = (
        Subscription.objects.filter(workspace_id=person.workspace_id)
        .annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SUCCEEDED)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        )
        .order_by("id")
    )
    deliveries = (
        Delivery.objects.filter(subscription__workspace_id=person.workspace_id)
        .select_related("subscription")
        .order_by("-created_at", "-id")[:RECENT_DELIVERIES]
    )
    return render(
        request,
        "webhooks/list.html",
        {
            "form": form,
            "subscriptions": subscriptions,
            "deliveries": deliveries,
            "events": EVENTS,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """One subscription: its secret, its settings and its deliveries."""
    person = _admin(request)
    subscription = access_subscription_by_id(person, subscription_id)
    initial = {
        "url": subscription.url,
        "description": subscription.description,
        "events": subscription.events,
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_subscription(
                actor=person,
                subscription=subscription,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("webhook_detail", subscription.pk)
    deliveries = Delivery.objects.filter(subscription=subscription).order_by("-created_at", "-id")[
        :RECENT_DELIVERIES
    ]
    response = render(
        request,
        "webhooks/detail.html",
        {"subscription": subscription, "form": form, "deliveries": deliveries},
        status=422 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def webhook_toggle(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Pause or resume a subscription."""
    person = _admin(request)
    subscription = access_subscription_by_id(person, subscription_id)
    services.update_subscription(
        actor=person, subscription=subscription, is_active=not subscription.is_active
    )
    messages.success(
        request, _("Webhook resumed.") if subscription.is_active else _("Webhook paused.")
    )
    return redirect("webhook_detail", subscription.pk)


@login_required
@require_POST
def webhook_ping(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Queue a test delivery."""
    person = _admin(request)
    subscription = access_subscription_by_id(person, subscription_id)
    services.send_ping(actor=person, subscription=subscription)
    messages.success(request, _("Test delivery queued: it shows below once the worker sends it."))
    return redirect("webhook_detail", subscription.pk)


@login_required
@require_POST
def webhook_rotate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Replace the signing secret."""
    person = _admin(request)
    subscription = access_subscription_by_id(person, subscription_id)
    services.rotate_secret(actor=person, subscription=subscription)
    messages.success(request, _("New secret made: update your receiver."))
    return redirect("webhook_detail", subscription.pk)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Remove a subscription and its deliveries."""
    person = _admin(request)
    subscription = access_subscription_by_id(person, subscription_id)
    services.delete_subscription(actor=person, subscription=subscription)
    messages.success(request, _("Webhook deleted."))
    return redirect("webhooks")


@login_required
@require_POST
def delivery_retry(request: HttpRequest, subscription_id: int, delivery_id: int) -> HttpResponse:
    """Send a delivery again from its first attempt."""
    person = _admin(request)
    subscription = access_subscription_by_id(person, subscription_id)
    delivery = Delivery.objects.filter(pk=delivery_id, subscription=subscription).first()
    if delivery is None:
        raise Http404("no such delivery")
    services.redeliver(actor=person, delivery=delivery)
    messages.success(request, _("Delivery queued again."))
    return redirect("webhook_detail", subscription.pk)

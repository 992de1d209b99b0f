"""How a caller reaches a webhook subscription: admins only; another workspace's is missing."""

from __future__ import annotations

from django.http import Http404

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.models import Person
from goalkeeper.webhooks.models import Subscription


def access_subscription_by_id(person: Person, subscription_id: int) -> Subscription:
    """Webhook subscriptions are an admin's business; other workspaces' are missing."""
    subscription = Subscription.objects.filter(
        pk=subscription_id, workspace_id=person.workspace_id
    ).first()
    if subscription is None:
        raise Http404("no such webhook")
    require_admin(person)
    return subscription

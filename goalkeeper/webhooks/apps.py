from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "goalkeeper.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from goalkeeper import events
        from goalkeeper.changes.tracking import track
        from goalkeeper.webhooks.models import Subscription
        from goalkeeper.webhooks.services import queue_deliveries

        track("webhook", Subscription, admins_only=True)

        events.subscribe(queue_deliveries)

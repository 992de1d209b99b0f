from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "goalkeeper.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from goalkeeper import events
        from goalkeeper.webhooks.services import queue_deliveries

        events.subscribe(queue_deliveries)

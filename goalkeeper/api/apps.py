from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "goalkeeper.api"
    label = "api"

    def ready(self) -> None:
        # Webhook deliveries carry their objects as the API shows them
        # (goalkeeper/api/webhook_data.py); the services that queue them import no endpoint.
        from goalkeeper.api.webhook_data import webhook_data
        from goalkeeper.webhooks.services import shape_payloads_with

        shape_payloads_with(webhook_data)

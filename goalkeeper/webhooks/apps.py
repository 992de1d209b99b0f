from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "goalkeeper.webhooks"
    label = "webhooks"

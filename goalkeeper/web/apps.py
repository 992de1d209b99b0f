from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "goalkeeper.web"
    label = "web"

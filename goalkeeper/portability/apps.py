from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "goalkeeper.portability"
    label = "portability"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "goalkeeper.core"
    label = "core"

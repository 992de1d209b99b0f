from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "goalkeeper.digests"
    label = "digests"

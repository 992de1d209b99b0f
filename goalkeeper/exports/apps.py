from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "goalkeeper.exports"
    label = "exports"

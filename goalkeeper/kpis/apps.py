from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "goalkeeper.kpis"
    label = "kpis"

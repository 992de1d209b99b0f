from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "goalkeeper.insights"
    label = "insights"

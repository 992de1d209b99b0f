from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "goalkeeper.reports"
    label = "reports"

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "goalkeeper.dashboards"
    label = "dashboards"

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "goalkeeper.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from goalkeeper.dashboards import kpi_upkeep
        from goalkeeper.kpis import links

        links.register("dashboard_tiles", kpi_upkeep.dashboard_tiles)

from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "goalkeeper.sources"
    label = "sources"
    verbose_name = "Data sources"

    def ready(self) -> None:
        # Connectors register themselves by kind when their module is imported.
        from goalkeeper.changes.tracking import track
        from goalkeeper.kpis import links
        from goalkeeper.kpis.signals import measurements_recorded
        from goalkeeper.sources import connectors, kpi_upkeep, receivers  # noqa: F401
        from goalkeeper.sources.models import DataSource

        track("source", DataSource)

        measurements_recorded.connect(
            receivers.measurements_recorded, dispatch_uid="sources.measurements_recorded"
        )
        links.register("data_source", kpi_upkeep.data_source)

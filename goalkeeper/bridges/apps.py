from django.apps import AppConfig


class BridgesConfig(AppConfig):
    name = "goalkeeper.bridges"
    label = "bridges"

    def ready(self) -> None:
        from goalkeeper.bridges import queries, receivers
        from goalkeeper.kpis.pickers import kpis_source
        from goalkeeper.kpis.signals import measurements_recorded
        from goalkeeper.okrs import kpi_links
        from goalkeeper.okrs.signals import key_result_kpi_changed

        key_result_kpi_changed.connect(
            receivers.key_result_kpi_changed, dispatch_uid="bridges.key_result_kpi_changed"
        )
        measurements_recorded.connect(
            receivers.measurements_recorded, dispatch_uid="bridges.measurements_recorded"
        )
        # The key result form and API offer the KPIs this app finds (okrs cannot import kpis).
        kpi_links.provide(
            source=lambda workspace, keep: kpis_source(workspace, keep=keep),
            find=queries.kpi_for_key_result,
        )

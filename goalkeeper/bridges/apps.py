from django.apps import AppConfig


class BridgesConfig(AppConfig):
    name = "goalkeeper.bridges"
    label = "bridges"

    def ready(self) -> None:
        from goalkeeper.bridges import kpi_upkeep, odds, queries, receivers
        from goalkeeper.kpis import links
        from goalkeeper.kpis.pickers import kpis_source
        from goalkeeper.kpis.signals import measurements_recorded
        from goalkeeper.okrs import kpi_links
        from goalkeeper.okrs import odds as okr_odds
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
        # The page that archives or deletes a KPI lists what of the OKRs links to it.
        links.register("key_results", kpi_upkeep.driven_key_results)
        links.register("formula_inputs", kpi_upkeep.formula_key_results)
        links.register("recoveries", kpi_upkeep.recoveries)
        # A key result reading a KPI is simulated from the KPI's periods (docs/signals.md).
        okr_odds.provide_kpi_history(odds.kpi_history)

from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "goalkeeper.kpis"
    label = "kpis"

    def ready(self) -> None:
        from goalkeeper.accounts import holdings
        from goalkeeper.accounts.signals import person_deactivating, workspace_clock_changed
        from goalkeeper.changes.tracking import track
        from goalkeeper.kpis import receivers
        from goalkeeper.kpis.models import Kpi, Measurement

        track("kpi", Kpi)
        # Millions per KPI: a deleted KPI takes its series without a tombstone per value
        # (the KPI's says it); the service that deletes one value leaves its tombstone.
        track(
            "measurement",
            Measurement,
            workspace_lookup="kpi__workspace_id",
            workspace_of=lambda measurement: measurement.kpi.workspace_id,
            parent="kpi_id",
            tombstones=False,
        )

        person_deactivating.connect(
            receivers.person_deactivating, dispatch_uid="kpis.person_deactivating"
        )
        workspace_clock_changed.connect(
            receivers.workspace_clock_changed, dispatch_uid="kpis.workspace_clock_changed"
        )
        holdings.register(receivers.HOLDING)

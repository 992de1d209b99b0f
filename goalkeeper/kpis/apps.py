from typing import Any

from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "goalkeeper.kpis"
    label = "kpis"

    def ready(self) -> None:
        # Imported here, as Django wants: models are not ready when this module loads.
        from goalkeeper.kpis.services import key_result_values, sync_key_results
        from goalkeeper.okrs.models import KeyResult
        from goalkeeper.okrs.signals import key_result_kpi_changed

        def temporary_sync_linked_key_result(sender: Any, *, key_result: Any, **_: Any) -> None:
            """TEMPORARY, until the bridges app receives `key_result_kpi_changed`: a key
            result linked to a KPI, on any path (page, API, service), reads the KPI's value
            at once. Drop this receiver when the bridge's is connected.

            A value equal to the key result's own is not checked in again (promoting a key
            result links it to a KPI made of its own check-ins)."""
            kpi = key_result.kpi
            if kpi is None:
                return
            value = key_result_values(kpi, [key_result])[key_result.pk]
            if value is None or value == key_result.current:
                return
            sync_key_results(kpi=kpi, only=key_result)

        key_result_kpi_changed.connect(
            temporary_sync_linked_key_result,
            sender=KeyResult,
            weak=False,
            dispatch_uid="kpis.temporary_sync_linked_key_result",
        )

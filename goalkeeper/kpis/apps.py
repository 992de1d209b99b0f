from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "goalkeeper.kpis"
    label = "kpis"

    def ready(self) -> None:
        from goalkeeper.accounts import holdings
        from goalkeeper.accounts.signals import person_deactivating, workspace_clock_changed
        from goalkeeper.kpis import receivers

        person_deactivating.connect(
            receivers.person_deactivating, dispatch_uid="kpis.person_deactivating"
        )
        workspace_clock_changed.connect(
            receivers.workspace_clock_changed, dispatch_uid="kpis.workspace_clock_changed"
        )
        holdings.register(receivers.HOLDING)

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "goalkeeper.alerts"
    label = "alerts"

    def ready(self) -> None:
        from goalkeeper import events
        from goalkeeper.alerts.receivers import on_event

        events.subscribe(on_event)

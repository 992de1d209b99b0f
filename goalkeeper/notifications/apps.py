from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "goalkeeper.notifications"
    label = "notifications"

    def ready(self) -> None:
        from goalkeeper import events
        from goalkeeper.notifications.receivers import on_event

        events.subscribe(on_event)

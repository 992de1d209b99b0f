from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "goalkeeper.sources"
    label = "sources"
    verbose_name = "Data sources"

    def ready(self) -> None:
        # Connectors register themselves by kind when their module is imported.
        from goalkeeper.sources import connectors  # noqa: F401

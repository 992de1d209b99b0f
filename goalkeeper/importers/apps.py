from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "goalkeeper.importers"
    label = "importers"

    def ready(self) -> None:
        # The importers read the workspace through the models: loaded once they are ready.
        from goalkeeper.importers.registry import load

        load()

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """No models: an app so that its words (slide, chart and sheet names) have a catalogue."""

    name = "goalkeeper.documents"
    label = "documents"

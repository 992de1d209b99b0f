from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "goalkeeper.changes"
    label = "changes"

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "goalkeeper.backups"
    label = "backups"

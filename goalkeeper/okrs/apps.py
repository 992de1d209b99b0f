from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "goalkeeper.okrs"
    label = "okrs"

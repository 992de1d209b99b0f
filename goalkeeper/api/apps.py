from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "goalkeeper.api"
    label = "api"

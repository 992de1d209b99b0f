from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "goalkeeper.search"
    label = "search"

from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "goalkeeper.library"
    label = "library"

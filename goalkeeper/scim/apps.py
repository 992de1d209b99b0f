from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "goalkeeper.scim"
    label = "scim"

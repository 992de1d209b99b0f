from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "goalkeeper.sso"
    label = "sso"
    verbose_name = "Single sign-on"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "goalkeeper.audit"
    label = "audit"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goalkeeper.accounts"
    label = "accounts"

    def ready(self) -> None:
        from goalkeeper.accounts import checks  # noqa: F401 - registers the system checks

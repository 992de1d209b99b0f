from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goalkeeper.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from goalkeeper.accounts import checks  # noqa: F401 - registers the system checks
        from goalkeeper.accounts.middleware import forget_sso_limit
        from goalkeeper.accounts.models import Person, Team
        from goalkeeper.changes.tracking import track

        track("team", Team)
        track("person", Person)
        user_logged_in.connect(forget_sso_limit, dispatch_uid="accounts.forget_sso_limit")

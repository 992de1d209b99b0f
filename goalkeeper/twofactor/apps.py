from django.apps import AppConfig


class TwofactorConfig(AppConfig):
    name = "goalkeeper.twofactor"
    label = "twofactor"

    def ready(self) -> None:
        # accounts knows no app above it: the code step joins its login through a registry.
        from django.contrib.auth.signals import user_logged_in

        from goalkeeper.accounts import login_steps
        from goalkeeper.twofactor.login import after_password
        from goalkeeper.twofactor.middleware import note_clear_at_login

        login_steps.register(after_password)
        user_logged_in.connect(note_clear_at_login, dispatch_uid="twofactor-clear-at-login")

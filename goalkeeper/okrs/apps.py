from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "goalkeeper.okrs"
    label = "okrs"

    def ready(self) -> None:
        from goalkeeper.accounts import holdings
        from goalkeeper.accounts.signals import person_deactivating
        from goalkeeper.okrs import receivers

        person_deactivating.connect(
            receivers.person_deactivating, dispatch_uid="okrs.person_deactivating"
        )
        for holding in receivers.HOLDINGS:
            holdings.register(holding)

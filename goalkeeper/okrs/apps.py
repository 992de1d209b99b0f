from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "goalkeeper.okrs"
    label = "okrs"

    def ready(self) -> None:
        from goalkeeper.accounts import holdings
        from goalkeeper.accounts.signals import person_deactivating
        from goalkeeper.changes.tracking import track
        from goalkeeper.okrs import receivers
        from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, Objective

        track("cycle", Cycle)
        track("objective", Objective)
        track("key_result", KeyResult)
        # Check-ins never change and go only with their key result (whose tombstone says so).
        track(
            "check_in",
            CheckIn,
            workspace_lookup="key_result__workspace_id",
            changed="created_at",
            tombstones=False,
        )

        person_deactivating.connect(
            receivers.person_deactivating, dispatch_uid="okrs.person_deactivating"
        )
        for holding in receivers.HOLDINGS:
            holdings.register(holding)

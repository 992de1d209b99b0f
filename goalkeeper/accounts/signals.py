"""Signals the accounts services send, for the apps above them (docs/architecture.md).

`person_deactivating`: a person is being deactivated. Sent inside the deactivation's
transaction, after it was validated and before the person is marked inactive, with the
keyword arguments `person`, `new_owner` (a Person, or None when they own nothing) and
`actor`. Each app that lets people own things hands them to `new_owner` through its own
service (its audit entries and events included).

`workspace_clock_changed`: the workspace's time zone or fiscal year changed, so every period
it cuts moved. Sent inside the settings' transaction with the keyword argument `workspace`;
the kpis app recomputes its KPIs' stored figures (docs/kpis.md, "Stored figures").
"""

from django.dispatch import Signal

person_deactivating = Signal()
workspace_clock_changed = Signal()

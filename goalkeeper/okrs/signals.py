"""Signals the OKR services send, for the apps above them (see docs/architecture.md).

`key_result_kpi_changed`: a key result was created with a KPI, or its KPI or the way it reads
it (`kpi_mode`) changed. Sent inside the write's transaction with the keyword argument
`key_result`; the bridges app gives the key result its value from the KPI at once.
"""

from django.dispatch import Signal

key_result_kpi_changed = Signal()

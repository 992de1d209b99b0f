"""Signals the OKR services send, for what is built on top of OKRs.

`key_result_kpi_changed` (sender `KeyResult`, argument `key_result`): a key result was
created linked to a KPI, or its link changed (another KPI, another mode, or no KPI any more:
`key_result.kpi` is then None). `create_key_result` and `update_key_result` send it inside
their transaction, after the write and its events; a receiver (the bridge that drives key
results from KPIs) may write through the OKR services in that same transaction, and its
refusal undoes the whole write. `okrs` imports no app above it: this signal is how the
link reaches them. See docs/architecture.md ("Writes").
"""

from __future__ import annotations

from django.dispatch import Signal

key_result_kpi_changed = Signal()

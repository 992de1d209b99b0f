"""Bridges between OKRs and KPIs (docs/kpis.md "Bridges"), above both apps.

`drive` (a key result reads its value from a KPI), `flag` (a red KPI proposes a recovery
objective) and `promote` (a key result becomes a KPI). `okrs` and `kpis` do not import each
other; whatever needs both lives here (docs/architecture.md).
"""

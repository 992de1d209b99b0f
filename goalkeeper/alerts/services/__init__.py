"""Writes of the alerts app: what it remembers per KPI and source, and the alerts it tells.

`health` holds the KPI health alerts (observed on `kpi.health_changed`, told by the sweep),
`sources` the silent and broken data sources. docs/alerts.md tells the rules.
"""

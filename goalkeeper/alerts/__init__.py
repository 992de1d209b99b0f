"""Alerts: a KPI's health change told once it held, silent push sources, broken sources
(docs/alerts.md). Sits above kpis, sources and notifications; nothing below imports it."""

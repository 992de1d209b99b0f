"""Data sources: KPIs that update themselves from databases, files and services."""

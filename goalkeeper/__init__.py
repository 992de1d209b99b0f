"""Goalkeeper: OKRs and KPIs in one place."""

__version__ = "0.1.0"

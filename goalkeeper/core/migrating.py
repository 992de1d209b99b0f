"""Migrate on start when the database is behind, so `serve` and `demo` just work."""

from __future__ import annotations

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from goalkeeper.kpis.services import refresh_figures


def pending_migrations(database: str = DEFAULT_DB_ALIAS) -> int:
    """How many migrations have not been applied yet."""
    executor = MigrationExecutor(connections[database])
    targets = executor.loader.graph.leaf_nodes()
    return len(executor.migration_plan(targets))


def migrate_if_needed(verbosity: int = 1) -> int:
    """Apply pending migrations; returns how many there were.

    After migrating, KPIs whose stored figures are missing (rows from before they
    existed) or past their period get them, so boards are right from the first page.
    """
    pending = pending_migrations()
    if pending:
        call_command("migrate", interactive=False, verbosity=verbosity)
        refresh_figures(due_only=True)
    return pending

"""What `goalkeeper export` and `goalkeeper import` share: finding the workspace and actor."""

from __future__ import annotations

from django.core.management.base import CommandError

from goalkeeper.accounts.commands import workspace_named as accounts_workspace_named
from goalkeeper.accounts.models import Person, Role, Workspace


def workspace_named(slug: str | None) -> Workspace:
    """The workspace `slug` names, or the only one there is."""
    return accounts_workspace_named(slug, first_step="goalkeeper createadmin")


def admin_of(workspace: Workspace, email: str | None) -> Person:
    """The admin the audit trail names for an import: `--as`, else the first admin."""
    admins = Person.objects.filter(workspace=workspace, role=Role.ADMIN, is_active=True)
    if email is not None:
        found = admins.filter(user__email=email.strip().lower()).first()
        if found is None:
            raise CommandError(f"--as: {email!r} is not an active admin of {workspace.slug}")
        return found
    first = admins.order_by("created_at", "id").first()
    if first is None:
        raise CommandError(f"--as: {workspace.slug} has no active admin")
    return first

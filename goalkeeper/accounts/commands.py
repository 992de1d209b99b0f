"""What commands that act on one workspace share: finding it from `--workspace`."""

from __future__ import annotations

from django.core.management.base import CommandError

from goalkeeper.accounts.models import Workspace


def workspace_named(slug: str | None, first_step: str = "goalkeeper demo") -> Workspace:
    """The workspace `slug` names, or the only one there is; `first_step` is the command
    the refusal suggests when there is none yet."""
    workspaces = Workspace.objects.order_by("slug")
    if slug is not None:
        found = workspaces.filter(slug=slug).first()
        if found is None:
            known = ", ".join(workspaces.values_list("slug", flat=True)) or "none"
            raise CommandError(f"--workspace: no workspace {slug!r} (known: {known})")
        return found
    first_two = list(workspaces[:2])
    if not first_two:
        raise CommandError(f"--workspace: there is no workspace yet (run `{first_step}`)")
    if len(first_two) > 1:
        known = ", ".join(workspaces.values_list("slug", flat=True))
        raise CommandError(f"--workspace: there are several workspaces, pick one of: {known}")
    return first_two[0]

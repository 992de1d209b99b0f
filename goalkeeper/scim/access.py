"""How a caller reaches a SCIM token: admins of its workspace only; any other is missing."""

from __future__ import annotations

from django.http import Http404

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.models import Person
from goalkeeper.scim.models import ScimToken


def access_scim_token_by_id(person: Person, token_id: int) -> ScimToken:
    """SCIM tokens are the workspace admins' business; other workspaces' are missing."""
    token = ScimToken.objects.filter(pk=token_id, workspace_id=person.workspace_id).first()
    if token is None:
        raise Http404("no such token")
    require_admin(person)
    return token

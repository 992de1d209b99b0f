"""How a caller reaches an API token: their own only; anyone else's is missing."""

from __future__ import annotations

from django.http import Http404

from goalkeeper.accounts.models import Person
from goalkeeper.api.models import ApiToken


def access_api_token_by_id(person: Person, token_id: int) -> ApiToken:
    """A person reaches their own tokens only; anyone else's is missing."""
    token = ApiToken.objects.filter(pk=token_id, person=person).first()
    if token is None:
        raise Http404("no such token")
    return token

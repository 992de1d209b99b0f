"""A key result's odds page (docs/signals.md, "Odds"): read only, for every member."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.okrs.access import access_key_result_by_id
from goalkeeper.okrs.pages.odds import odds_page
from goalkeeper.okrs.views.common import _render


@require_GET
@member_required
def key_result_odds(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The stored odds in words and the fan chart of the key result's value."""
    key_result = access_key_result_by_id(person, pk)
    page = odds_page(person.workspace, key_result, timezone.now())
    return _render(request, "okrs/key_result_odds.html", {"person": person, "page": page})

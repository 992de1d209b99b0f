"""Search endpoints of the OKR pickers (docs/pickers.md): objectives and key results of the
caller's workspace matching `?q=`, at most 20, as JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from goalkeeper import pickers
from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.okrs.pickers import search_key_results, search_objectives


@require_GET
@member_required
def pick_objectives(request: HttpRequest, person: Person) -> HttpResponse:
    """`?cycle=` narrows to one cycle; `?exclude=` leaves one objective out (the one edited);
    `?team=` puts the objectives of the teams above it first (parents)."""
    found = search_objectives(
        person,
        pickers.query_of(request),
        cycle=pickers.int_param(request, "cycle"),
        exclude=pickers.int_param(request, "exclude"),
        team=pickers.int_param(request, "team"),
    )
    return pickers.options_response(found)


@require_GET
@member_required
def pick_key_results(request: HttpRequest, person: Person) -> HttpResponse:
    """`?linkable=1` narrows to the key results a KPI may drive; `?team=` comes first;
    `?labels=objective` labels each "KR — objective"."""
    found = search_key_results(
        person,
        pickers.query_of(request),
        linkable=request.GET.get("linkable") == "1",
        team=pickers.int_param(request, "team"),
        with_objective=request.GET.get("labels") == "objective",
    )
    return pickers.options_response(found)

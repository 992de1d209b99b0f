"""Pages of the reports app: the cycle review and its documents. Thin: resolve the caller,
check access, read through `goalkeeper.reports.review`, render (docs/reports.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.okrs.access import access_cycle_by_id
from goalkeeper.reports.charts import review_charts
from goalkeeper.reports.exports import CONTENT_TYPES, file_name, review_file
from goalkeeper.reports.review import cycle_review


def _number(params: Mapping[str, Any], name: str) -> int | None:
    # A malformed filter or page number is dropped, as on the cycle board.
    raw = str(params.get(name) or "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@require_GET
@member_required
def cycle_review_page(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """How a cycle ended (or stands): bands, kinds, teams, retrospectives, carry-overs, KPIs."""
    cycle = access_cycle_by_id(person, pk)
    workspace = person.workspace
    cycle.workspace = workspace
    review = cycle_review(
        workspace,
        cycle,
        workspace.clock(timezone.now()),
        team_id=_number(request.GET, "team"),
        teams_page=_number(request.GET, "teams") or 1,
        retrospectives_page=_number(request.GET, "notes") or 1,
    )
    return render_page(
        request,
        person,
        "reports/cycle_review.html",
        {"review": review, "charts": review_charts(review)},
    )


@require_GET
@member_required
def cycle_review_file(request: HttpRequest, person: Person, pk: int, fmt: str) -> HttpResponse:
    """The review as a PDF, PowerPoint or Excel file, with the page's team filter."""
    cycle = access_cycle_by_id(person, pk)
    workspace = person.workspace
    cycle.workspace = workspace
    content = review_file(
        fmt, workspace, cycle, workspace.clock(timezone.now()), _number(request.GET, "team")
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(cycle, fmt)}"'
    return response

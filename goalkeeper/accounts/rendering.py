"""Render a page in the workspace's time zone, as every page reads dates in its days."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goalkeeper.accounts.models import Person


def render_page(
    request: HttpRequest,
    person: Person | None,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """`render`, with dates shown in `person`'s workspace zone (the server's without one)."""
    if person is None:
        return render(request, template, context, status=status)
    with timezone.override(person.workspace.zone):
        return render(request, template, context, status=status)

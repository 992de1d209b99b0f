"""Helpers shared by the OKR pages: urls, rendering, live-validation errors, defaults."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from goalkeeper.accounts.models import Person, Team

# --- Helpers -------------------------------------------------------------------------------


def _url(name: str, *args: Any, fallback: str = "home") -> str:
    """The page named `name`, or `fallback` while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse(fallback)


def objective_url(objective_id: int) -> str:
    """Where an objective is shown: its page, else home."""
    return _url("objective_detail", objective_id)


def board_url(cycle_id: int) -> str:
    """Where a cycle's objectives are shown: its board, else the list of cycles."""
    return _url("cycle_board", cycle_id, fallback="cycle_list")


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    person: Person = context["person"]
    # Dates read in the workspace's zone, as its cycles are counted.
    with timezone.override(person.workspace.zone):
        return render(request, template, context)


def _annotate(form: Any, focus: bool = True) -> None:
    """Link each input to its help and error slots; focus the first error (or field)."""
    first = None
    for bound in form:
        attrs = bound.field.widget.attrs
        described = [f"{bound.auto_id}_error"]
        if bound.help_text:
            described.insert(0, f"{bound.auto_id}_help")
        attrs["aria-describedby"] = " ".join(described)
        if bound.errors:
            attrs["aria-invalid"] = "true"
            first = first or bound
        else:
            attrs.pop("aria-invalid", None)
        if focus:
            attrs.pop("autofocus", None)
    if not focus:
        return
    if first is None and not form.is_bound:
        first = form["title"] if "title" in form.fields else next(iter(form), None)
    if first is not None:
        first.field.widget.attrs["autofocus"] = True


def _touched(request: HttpRequest) -> set[str] | None:
    """Fields the person has typed in: live errors show on those only (None: all)."""
    raw = request.POST.get("_touched")
    if raw is None:
        return None
    names = {name for name in raw.split(",") if name}
    return None if "*" in names else names


def _live_errors(form: Any, touched: set[str] | None) -> list[tuple[str, list[str]]]:
    errors = []
    for bound in form:
        shown = touched is None or bound.name in touched
        errors.append((bound.auto_id, list(bound.errors) if shown else []))
    return errors


def _default_team(person: Person) -> Team | None:
    """The caller's first team, else the company root: the common case needs no choice."""
    mine = (
        person.memberships.filter(team__archived_at__isnull=True)
        .select_related("team")
        .order_by("id")
        .first()
    )
    if mine is not None:
        return mine.team
    return Team.objects.filter(workspace_id=person.workspace_id, parent__isnull=True).first()


def _posted(request: HttpRequest) -> Any:
    """The submitted data of a POST, even an empty one (`request.POST or None` would take an
    empty POST for a page view and leave the form unbound)."""
    return request.POST if request.method == "POST" else None


def _int(value: str | None) -> int | None:
    """An id from the address or a form; anything else (or absurdly long) is no id."""
    return int(value) if value and value.isdigit() and len(value) < 12 else None

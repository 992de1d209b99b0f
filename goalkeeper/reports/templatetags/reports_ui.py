"""Template filters of the review: shares and moves as people read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import template

from goalkeeper.reports import review

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    """0.4 as "40%"; "-" when there is nothing to share."""
    return f"{value:.0%}" if value is not None else "-"


@register.filter
def change(value: float | None) -> str:
    """A move as a signed share: 0.12 as "+12%", -0.05 as "-5%"; "-" without one."""
    return f"{value:+.0%}" if value is not None else "-"


@register.filter
def team_query(team: Any) -> str:
    """The query string of the review's team filter ("?team=12"), "" for the whole workspace."""
    return f"?{urlencode({'team': team.value})}" if team is not None else ""


@register.filter
def team_param(team: Any) -> str:
    """The team filter as the first parameter of a longer query ("team=12&")."""
    return f"{urlencode({'team': team.value})}&" if team is not None else ""


@register.filter
def get_title(titles: Mapping[int, str], key: int) -> str:
    """An objective's title from the review's titles by id."""
    return titles.get(key, "")


@register.filter
def kind_label(kind: Any) -> str:
    """A kind of objective in words, in the person's language."""
    return review.kind_label(str(kind))

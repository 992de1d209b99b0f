"""Small helpers every router uses: pages and ids named in a body."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from goalkeeper.api.schemas import PageParams

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def page(queryset: QuerySet[M], params: PageParams) -> tuple[int, list[M]]:
    """The total count and one page of `queryset`: two queries, whatever the offset."""
    count = queryset.count()
    items = list(queryset[params.offset : params.offset + params.limit])
    return count, items


def referenced(field: str, lookup: Callable[[], T]) -> T:
    """Resolve an id given in a body through an access helper.

    An unknown id (or one of another workspace) is the input's fault: a 422 naming the
    field, not a 404 for the URL, which does exist.
    """
    try:
        return lookup()
    except Http404 as exc:
        raise ValidationError({field: str(exc) or "no such object"}) from exc

"""Small helpers every router uses: pages and ids named in a body.

Lists page with cursors (docs/api.md, "Paging, sorting and filtering"): a page ends with
a `next` link whose cursor names the last item's sort key and id, and the next page starts
right after it. Items written meanwhile neither shift nor repeat the items of later pages:
each item is seen once, whatever is added while a client walks the list. Sorts by a figure
computed on the fly (a KPI's health) have no such key: their cursor carries a position.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import DateTimeField, Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from goalkeeper.api.schemas import PageParams


class Paging(Protocol):
    """What `listing` reads of a list's query: `PageParams`, or a list's own fields."""

    limit: int
    offset: int
    cursor: str | None


M = TypeVar("M", bound=Model)
T = TypeVar("T")

# The attribute a list view leaves on the request for the `Link` header.
NEXT_LINK = "_goalkeeper_next_link"
DEFAULT_SORT = "id"


@dataclass(frozen=True)
class Listing(Generic[M]):
    """One page of a list: the items matching in all, this page's items, the next page."""

    count: int
    items: list[M]
    next: str | None


def page(queryset: QuerySet[M], params: PageParams) -> tuple[int, list[M]]:
    """The total count and one page of `queryset` by offset (lists not paged by cursor)."""
    count = queryset.count()
    items = list(queryset[params.offset : params.offset + params.limit])
    return count, items


def _encode(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"cursor": "not a cursor of this list: use the `next` link"}) from exc
    if not isinstance(data, dict):
        raise ValidationError({"cursor": "not a cursor of this list: use the `next` link"})
    return data


def _key_value(model: type[Model], field: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model._meta.get_field(field), DateTimeField):
        return value.isoformat()
    return value


def _parse_key(model: type[Model], field: str, value: Any) -> Any:
    if isinstance(model._meta.get_field(field), DateTimeField):
        if not isinstance(value, str):
            raise ValueError(value)
        return dt.datetime.fromisoformat(value)
    if not isinstance(value, str | int | float):
        raise ValueError(value)
    return value


def _after(field: str, descending: bool, value: Any, pk: int) -> Q:
    """The items after (`value`, `pk`) in the order by `field` then id."""
    beyond = "lt" if descending else "gt"
    return Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, f"pk__{beyond}": pk})


def _next_link(request: HttpRequest, cursor: str) -> str:
    query = [
        (name, value) for name, value in request.GET.lists() if name not in ("cursor", "offset")
    ]
    pairs = [(name, value) for name, values in query for value in values]
    pairs.append(("cursor", cursor))
    return request.build_absolute_uri(f"{request.path}?{urlencode(pairs)}")


def listing(
    request: HttpRequest,
    queryset: QuerySet[M],
    params: Paging,
    *,
    sort: str = DEFAULT_SORT,
    keys: Mapping[str, str] | None = None,
    ordered: Callable[[QuerySet[M], str], QuerySet[M]] | None = None,
    changed: str = "updated_at",
) -> Listing[M]:
    """One page of `queryset` filtered by `updated_since` and sorted by `sort`.

    `keys` maps the sort names a list offers (without the leading `-`) to the fields they
    order by; those page by key. `ordered` orders by the other names (figures computed in
    the query); those page by position. `changed` is the field `updated_since` reads.
    """
    since = getattr(params, "updated_since", None)
    if since is not None:
        queryset = queryset.filter(**{f"{changed}__gte": since})
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    field = (keys or {}).get(name, name if name == "id" else "")
    if params.cursor is not None and params.offset:
        raise ValidationError({"offset": "not with cursor: the cursor says where the page starts"})
    count = queryset.count()
    start = params.offset
    if field:
        order = [f"-{field}", "-pk"] if descending else [field, "pk"]
        queryset = queryset.order_by(*order)
    elif ordered is not None:
        queryset = ordered(queryset, sort)
    if params.cursor is not None:
        data = _decode(params.cursor)
        if data.get("s") != sort:
            raise ValidationError(
                {"cursor": "made for another sort: keep `sort` as it was, or start again"}
            )
        try:
            if field and "k" in data:
                value, pk = data["k"]
                key = _parse_key(queryset.model, field, value) if field != "id" else int(pk)
                queryset = queryset.filter(_after(field, descending, key, int(pk)))
            else:
                start = int(data["o"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                {"cursor": "not a cursor of this list: use the `next` link"}
            ) from exc
    rows = list(queryset[start : start + params.limit + 1])
    items = rows[: params.limit]
    link = None
    if len(rows) > params.limit:
        last = items[-1]
        if field:
            value = (
                _key_value(queryset.model, field, getattr(last, field)) if field != "id" else None
            )
            cursor = _encode({"s": sort, "k": [value, last.pk]})
        else:
            cursor = _encode({"s": sort, "o": start + params.limit})
        link = _next_link(request, cursor)
        setattr(request, NEXT_LINK, link)
    return Listing(count=count, items=items, next=link)


def link_header(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A "view" decorator: the `next` link of a list also as `Link: <...>; rel="next"`."""

    @wraps(run)
    def linked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        link = getattr(request, NEXT_LINK, None)
        if link is not None and response.status_code == 200:
            response["Link"] = f'<{link}>; rel="next"'
        return response

    return linked


def referenced(field: str, lookup: Callable[[], T]) -> T:
    """Resolve an id given in a body through an access helper.

    An unknown id (or one of another workspace) is the input's fault: a 422 naming the
    field, not a 404 for the URL, which does exist.
    """
    try:
        return lookup()
    except Http404 as exc:
        raise ValidationError({field: str(exc) or "no such object"}) from exc

"""Search-as-you-type pickers: one field, one widget and one way to search, for every kind.

A form field that points at a row of a big table (a person, a team, an objective, a key
result, a KPI) never lists the table. The page renders only the chosen option; the browser
asks the kind's search endpoint for at most `LIMIT` matches as the user types; the posted id
is checked by a lookup scoped to the caller's workspace. Without JavaScript the select still
holds the current value, so the form posts a valid id. See docs/pickers.md.

This module knows no app: each app gives its kinds as `Source`s (`accounts/pickers.py`,
`okrs/pickers.py`, `kpis/pickers.py`) and serves their searches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django_stubs_ext import StrOrPromise

# At most this many matches per search: enough to choose from, never a table.
LIMIT = 20
# Longer queries are cut: no name is this long, and LIKE patterns stay cheap.
QUERY_MAX = 100


@dataclass(frozen=True)
class Option:
    """One match: the id posted, the label shown, and a hint (team, cycle...) beside it."""

    id: int
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Source:
    """Where a picker finds its rows: the search endpoint and a scoped lookup by id."""

    url_name: str
    noun: str
    find: Callable[[int], Model | None]
    label: Callable[[Any], str]


def query_of(request: HttpRequest) -> str:
    """The typed text of a search request, trimmed and bounded."""
    return request.GET.get("q", "").strip()[:QUERY_MAX]


def int_param(request: HttpRequest, name: str) -> int | None:
    """An optional integer parameter of a search request (anything else counts as absent)."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def ranked(
    rows: QuerySet[Any],
    q: str,
    *,
    name: str,
    also: Sequence[str] = (),
    preferred: Q | None = None,
    then: Sequence[str] = (),
) -> QuerySet[Any]:
    """`rows` matching `q`, best first, at most LIMIT of them.

    A row matches when `name` (or one of the `also` fields) contains `q`. Rows whose name
    starts with `q` come before those that only contain it; among equals, rows meeting
    `preferred` (the caller's own teams) come first, then the order of `then`.
    """
    order: list[Any] = []
    if q:
        condition = Q(**{f"{name}__icontains": q})
        for other in also:
            condition |= Q(**{f"{other}__icontains": q})
        rows = rows.filter(condition).annotate(
            _prefix=Case(
                When(**{f"{name}__istartswith": q}, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        order.append("_prefix")
    if preferred is not None:
        rows = rows.annotate(
            _preferred=Case(
                When(preferred, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        order.append("_preferred")
    return rows.order_by(*order, *then, "pk")[:LIMIT]


def options_response(options: Iterable[Option]) -> JsonResponse:
    """The answer of a search endpoint: `{"results": [{"id", "label", "hint"}...]}`."""
    results = [{"id": o.id, "label": o.label, "hint": o.hint} for o in options]
    response = JsonResponse({"results": results})
    # Search answers name people and objectives: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


class PickerWidget(forms.Select):
    """A select holding only the chosen option (and the empty one), searched as you type.

    `data-picker` is the search endpoint; `data-picker-params` fixed parameters sent with
    every search (JSON); `data-picker-with` names other fields of the form whose values are
    sent too (the cycle an objective's parent must belong to). `pickers.js` turns the select
    into a combobox; without it the select still posts the current value.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "field__input", **(attrs or {})})
        self.source: Source | None = None
        self.empty_label: StrOrPromise | None = None
        self.params: dict[str, Any] = {}
        self.depends: tuple[str, ...] = ()

    def describe(self, value: Any) -> tuple[int, str] | None:
        """The id and label of `value`: a row, or an id looked up through the source."""
        if value in (None, "") or self.source is None:
            return None
        if isinstance(value, Model):
            return int(value.pk), self.source.label(value)
        text = str(value).strip()
        if not text.isdigit():
            return None
        found = self.source.find(int(text))
        return (int(found.pk), self.source.label(found)) if found is not None else None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        chosen = self.describe(value)
        choices: list[tuple[Any, str]] = []
        if self.empty_label is not None:
            choices.append(("", str(self.empty_label)))
        if chosen is not None:
            choices.append(chosen)
        self.choices = choices
        attrs = dict(attrs or {})
        if self.source is not None:
            attrs["data-picker"] = reverse(self.source.url_name)
            attrs["data-picker-noun"] = self.source.noun
        if self.params:
            attrs["data-picker-params"] = json.dumps(self.params)
        if self.depends:
            attrs["data-picker-with"] = " ".join(self.depends)
        if self.empty_label is not None:
            attrs["data-picker-empty"] = self.empty_label
        return super().get_context(name, str(chosen[0]) if chosen else "", attrs)


class PickerField(forms.Field):
    """A row chosen by id and checked by the source's scoped lookup; cleans to the row.

    The source is set by the form once it knows the workspace (`use`); an id the lookup
    does not find is refused with "no such <noun> in this workspace".
    """

    widget = PickerWidget

    def __init__(
        self, *, noun: str, empty_label: StrOrPromise | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"choose a {noun}")
        super().__init__(**kwargs)
        self.noun = noun
        self.source: Source | None = None
        widget = self.widget
        assert isinstance(widget, PickerWidget)
        widget.empty_label = empty_label if not self.required else None

    def use(
        self,
        source: Source,
        *,
        params: Mapping[str, Any] | None = None,
        depends: Sequence[str] = (),
    ) -> None:
        """Search and check rows through `source` (with fixed `params` and the values of
        the fields named in `depends` sent along with each search)."""
        self.source = source
        widget = self.widget
        assert isinstance(widget, PickerWidget)
        widget.source = source
        widget.params = dict(params or {})
        widget.depends = tuple(depends)

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Model):
            return value
        text = str(value).strip()
        found = self.source.find(int(text)) if text.isdigit() and self.source else None
        if found is None:
            raise ValidationError(f"no such {self.noun} in this workspace", code="invalid_choice")
        return found

    def has_changed(self, initial: Any, data: Any) -> bool:
        def key(value: Any) -> str:
            if isinstance(value, Model):
                return str(value.pk)
            return "" if value is None else str(value)

        return key(initial) != key(data)


def picker(form: forms.BaseForm, name: str) -> PickerField:
    """The picker field `name` of `form` (to `use` a source once the form knows its scope)."""
    found = form.fields[name]
    assert isinstance(found, PickerField)
    return found

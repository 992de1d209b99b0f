"""The split form: a method and rows of shares (a person or a team, an amount or a weight,
optionally an objective to put the share in). Rows are numbered in the posted data
(`share-3-person`), listed by the hidden `row` values, so rows can be added and removed
without renumbering the others."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.accounts.pickers import people_source, teams_source
from goalkeeper.domain.apportion import SplitMethod
from goalkeeper.okrs.forms.common import DescribedRadioSelect, NumberField, _described
from goalkeeper.okrs.models import Cycle, Objective
from goalkeeper.okrs.pickers import objectives_source
from goalkeeper.okrs.services import Share
from goalkeeper.pickers import PickerField, PickerWidget, Source, picker

METHOD_CHOICES = [
    (SplitMethod.EQUAL.value, _("Equal shares"), _("Everyone gets the same part of the target.")),
    (SplitMethod.WEIGHT.value, _("By weight"), _("Each part follows its weight: 2 gets twice 1.")),
    (
        SplitMethod.AMOUNTS.value,
        _("Amounts"),
        _("Type each part; together they must make the target."),
    ),
]
# A split is a handful of people or teams; the page never grows a table.
MAX_ROWS = 50


class SplitForm(forms.Form):
    method_choices, method_descriptions = _described(METHOD_CHOICES)
    method = forms.ChoiceField(
        choices=method_choices,
        initial=SplitMethod.EQUAL.value,
        widget=DescribedRadioSelect(method_descriptions),
        label=_("How to split"),
    )


class ShareForm(forms.Form):
    """One row: who carries the share, how big it is, where its key result goes."""

    person = PickerField(
        noun="person", required=False, label=_("Person"), empty_label=_("No person")
    )
    team = PickerField(
        noun="team", required=False, label=_("Team"), empty_label=_("Their first team")
    )
    amount = NumberField(label=_("Amount"))
    weight = NumberField(label=_("Weight"), initial=1)
    objective = PickerField(
        noun="objective",
        required=False,
        label=_("Into objective"),
        empty_label=_("A new draft objective"),
    )

    def __init__(self, *args: Any, sources: dict[str, Source], cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "person").use(sources["person"])
        picker(self, "team").use(sources["team"])
        picker(self, "objective").use(sources["objective"], params={"cycle": cycle.pk})

    def carrier(self) -> str:
        """Who carries the share, as chosen so far ("" before a choice): for the preview."""
        for name in ("person", "team"):
            widget = self.fields[name].widget
            assert isinstance(widget, PickerWidget)
            chosen = widget.describe(self[name].value())
            if chosen is not None:
                return chosen[1]
        return ""

    def share(self) -> Share:
        data = self.cleaned_data
        return Share(
            person=data.get("person"),
            team=data.get("team"),
            amount=data.get("amount"),
            weight=data.get("weight"),
            objective=data.get("objective"),
        )


def row_numbers(data: Mapping[str, Any] | None, *, initial: int = 3) -> list[int]:
    """The row numbers posted (`row` values, in order, each once), or `initial` rows."""
    if data is None:
        return list(range(initial))
    numbers: list[int] = []
    getlist = getattr(data, "getlist", None)
    posted = getlist("row") if getlist else [data.get("row")]
    for value in posted:
        text = str(value or "")
        if text.isdigit() and int(text) not in numbers and len(numbers) < MAX_ROWS:
            numbers.append(int(text))
    return numbers


def share_forms(
    data: Mapping[str, Any] | None, numbers: list[int], *, workspace: Workspace, cycle: Cycle
) -> list[ShareForm]:
    """The rows' forms. The people, teams and objectives they name are read once for all
    rows (three queries, however many rows), then looked up in memory by each picker."""
    sources = {
        "person": people_source(workspace),
        "team": teams_source(workspace),
        "objective": objectives_source(workspace),
    }
    if data is not None:
        rows: dict[str, QuerySet[Any]] = {
            "person": Person.objects.filter(workspace=workspace, is_active=True),
            "team": Team.objects.filter(workspace=workspace, archived_at__isnull=True),
            "objective": Objective.objects.filter(workspace=workspace),
        }
        for name, queryset in rows.items():
            posted = {str(data.get(f"share-{number}-{name}") or "") for number in numbers}
            ids = [int(text) for text in posted if text.isdigit()]
            sources[name] = _preloaded(sources[name], queryset.filter(pk__in=ids) if ids else [])
    return [
        ShareForm(data, prefix=f"share-{number}", sources=sources, cycle=cycle)
        for number in numbers
    ]


def _preloaded(source: Source, rows: Any) -> Source:
    found: dict[int, Model] = {row.pk: row for row in rows}
    return dataclasses.replace(source, find=found.get)

"""Forms of the bridge pages. They parse; the bridge services decide and write."""

from __future__ import annotations

from django import forms

from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis.forms import AGGREGATION_CHOICES, FREQUENCY_CHOICES
from goalkeeper.okrs.models import KpiLinkMode


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "field__input"})


class LinkForm(forms.Form):
    """Let the KPI drive a key result."""

    key_result = forms.IntegerField(widget=_select())
    mode = forms.ChoiceField(
        choices=KpiLinkMode.choices,
        initial=KpiLinkMode.LATEST.value,
        label="Value read",
        widget=_select(),
    )


class PromoteForm(forms.Form):
    """How the promoted KPI is measured."""

    frequency = forms.ChoiceField(
        choices=FREQUENCY_CHOICES, initial=Frequency.WEEKLY.value, widget=_select()
    )
    aggregation = forms.ChoiceField(
        choices=AGGREGATION_CHOICES, initial=Aggregation.LAST.value, widget=_select()
    )

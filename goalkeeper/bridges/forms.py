"""Forms of the bridge pages. They parse; the bridge services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms

from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis.forms import AGGREGATION_CHOICES, FREQUENCY_CHOICES
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import KpiLinkMode
from goalkeeper.okrs.pickers import key_results_source
from goalkeeper.pickers import PickerField, picker


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "field__input"})


class LinkForm(forms.Form):
    """Let the KPI drive a key result."""

    key_result = PickerField(noun="key result", label="Key result")
    mode = forms.ChoiceField(
        choices=KpiLinkMode.choices,
        initial=KpiLinkMode.LATEST.value,
        label="Value read",
        widget=_select(),
    )

    def __init__(self, *args: Any, kpi: Kpi, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The search offers the key results the KPI may drive, its team's first; the
        # lookup takes any of the workspace, so that the service says why one cannot be.
        picker(self, "key_result").use(
            key_results_source(kpi.workspace_id),
            params={"linkable": 1, "team": kpi.team_id},
        )


class PromoteForm(forms.Form):
    """How the promoted KPI is measured."""

    frequency = forms.ChoiceField(
        choices=FREQUENCY_CHOICES, initial=Frequency.WEEKLY.value, widget=_select()
    )
    aggregation = forms.ChoiceField(
        choices=AGGREGATION_CHOICES, initial=Aggregation.LAST.value, widget=_select()
    )

"""Forms of the bridge pages. They parse; the bridge services decide and write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.pickers import people_source, teams_source
from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis.forms import AGGREGATION_CHOICES, FREQUENCY_CHOICES
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.pickers import kpis_source
from goalkeeper.okrs.models import KpiFormula, KpiLinkMode
from goalkeeper.okrs.pickers import key_results_source
from goalkeeper.pickers import PickerField, picker


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "field__input"})


class LinkForm(forms.Form):
    """Let the KPI drive a key result."""

    key_result = PickerField(noun="key result", label=_("Key result"))
    mode = forms.ChoiceField(
        choices=KpiLinkMode.choices,
        initial=KpiLinkMode.LATEST.value,
        label=_("Value read"),
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
        label=_("Frequency"),
        choices=FREQUENCY_CHOICES,
        initial=Frequency.WEEKLY.value,
        widget=_select(),
    )
    aggregation = forms.ChoiceField(
        label=_("Aggregation"),
        choices=AGGREGATION_CHOICES,
        initial=Aggregation.LAST.value,
        widget=_select(),
    )


class HandDownForm(PromoteForm):
    """Which team takes the KPI, who owns it, and how it is measured."""

    team = PickerField(noun="team", label=_("Team"), help_text=_("Usually a team below this one."))
    owner = PickerField(
        noun="person",
        label=_("Owner"),
        required=False,
        empty_label=_("The team's lead"),
        help_text=_("Empty: the team's lead owns the KPI."),
    )

    field_order = ("team", "owner", "frequency", "aggregation")

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "team").use(teams_source(workspace))
        picker(self, "owner").use(people_source(workspace))


# A ratio reads the first two slots as numerator and denominator.
_SLOT_LABELS = {
    1: _("First KPI (numerator of a ratio)"),
    2: _("Second KPI (denominator of a ratio)"),
}
# How many KPIs the page offers for a formula; a sum or an average of more is set over the API.
FORMULA_SLOTS = 4


class FormulaForm(forms.Form):
    """Let several KPIs drive a key result: the formula, its KPIs in order, how each is read."""

    formula = forms.ChoiceField(
        choices=[(value, label) for value, label in KpiFormula.choices if value]
        + [("", _("None: stop reading several KPIs"))],
        label=_("Formula"),
        required=False,
        initial=KpiFormula.SUM.value,
        widget=_select(),
    )
    mode = forms.ChoiceField(
        choices=KpiLinkMode.choices,
        initial=KpiLinkMode.LATEST.value,
        label=_("Each KPI's value"),
        widget=_select(),
    )

    def __init__(
        self, *args: Any, workspace: Workspace, keep: Sequence[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["formula"].conditional = True  # type: ignore[attr-defined]
        for slot in range(1, FORMULA_SLOTS + 1):
            name = f"kpi_{slot}"
            self.fields[name] = PickerField(
                noun="KPI",
                label=_SLOT_LABELS.get(slot, _("KPI %(number)s") % {"number": slot}),
                required=False,
                empty_label=_("None"),
            )
            # How many are needed depends on the formula: the page marks none "optional".
            self.fields[name].conditional = True  # type: ignore[attr-defined]
            kept = keep[slot - 1] if slot <= len(keep) else None
            picker(self, name).use(kpis_source(workspace, keep=kept))

    @property
    def kpi_fields(self) -> list[forms.BoundField]:
        """The KPI pickers, in order."""
        return [self[f"kpi_{slot}"] for slot in range(1, FORMULA_SLOTS + 1)]

    def chosen_kpis(self) -> list[Kpi]:
        """The KPIs picked, in order, empty slots skipped (call after `is_valid`)."""
        chosen = (self.cleaned_data.get(f"kpi_{slot}") for slot in range(1, FORMULA_SLOTS + 1))
        return [kpi for kpi in chosen if kpi is not None]


class GuardrailForm(forms.Form):
    """Let a KPI guard an objective."""

    kpi = PickerField(noun="KPI", label=_("KPI"))
    note = forms.CharField(
        label=_("Why it guards"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "field__input", "placeholder": _("e.g. sales must not be bought")}
        ),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "kpi").use(kpis_source(workspace))


class DriverForm(forms.Form):
    """Declare that the KPI drives another KPI or a key result."""

    kpi = PickerField(noun="KPI", label=_("Drives the KPI"), required=False, empty_label="-")
    key_result = PickerField(
        noun="key result", label=_("or the key result"), required=False, empty_label="-"
    )
    note = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "field__input"}),
    )

    def __init__(self, *args: Any, kpi: Kpi, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "kpi").use(kpis_source(kpi.workspace))
        picker(self, "key_result").use(key_results_source(kpi.workspace_id))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("kpi") is None) == (cleaned.get("key_result") is None):
            raise forms.ValidationError(
                _("Pick either a KPI or a key result that this KPI drives.")
            )
        return cleaned

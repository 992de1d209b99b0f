"""Forms of the template pages: the team and owner of the KPIs a template suggests, and one
row per suggested KPI (chosen or not, its name and goal as the person changed them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.pickers import people_source, teams_source
from goalkeeper.library.services import KPI_NUMBERS
from goalkeeper.pickers import PickerField, picker


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "field__input", **attrs}


class KpiTeamForm(forms.Form):
    """Whose KPIs they will be: the team, and the owner of each."""

    team = PickerField(noun="team", label=_("Team"))
    owner = PickerField(noun="person", required=False, label=_("Owner"), empty_label=_("No owner"))

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "team").use(teams_source(workspace))
        picker(self, "owner").use(people_source(workspace))


class KpiRowForm(forms.Form):
    """One suggested KPI: whether to create it, with its name and goal."""

    use = forms.BooleanField(required=False, label=_("Add"))
    name = forms.CharField(max_length=160, label=_("Name"), widget=forms.TextInput(_input()))
    target = forms.FloatField(
        required=False, label=_("Target"), widget=forms.NumberInput(_input(step="any"))
    )
    warning = forms.FloatField(
        required=False, label=_("Warning threshold"), widget=forms.NumberInput(_input(step="any"))
    )
    low = forms.FloatField(
        required=False, label=_("Low bound"), widget=forms.NumberInput(_input(step="any"))
    )
    high = forms.FloatField(
        required=False, label=_("High bound"), widget=forms.NumberInput(_input(step="any"))
    )

    def __init__(self, *args: Any, direction: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.direction = direction
        unused = ("target",) if direction == "in_range" else ("low", "high")
        for name in unused:
            del self.fields[name]

    def numbers(self) -> dict[str, float | None]:
        return {name: self.cleaned_data.get(name) for name in KPI_NUMBERS if name in self.fields}

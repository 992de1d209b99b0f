"""The cycle board's action bar: the selected objectives and one change for all of them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.pickers import people_source, teams_source
from goalkeeper.pickers import PickerField, PickerWidget, picker

BULK_CHOICES = [
    ("owner", _("New owner")),
    ("team", _("New team")),
    ("close", _("Close")),
]


class BulkObjectiveForm(forms.Form):
    """Objectives by id (the service keeps those of the workspace and names the rest)."""

    objectives = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=_("Objectives"))
    action = forms.ChoiceField(choices=BULK_CHOICES, label=_("Change"))
    owner = PickerField(noun="person", required=False, empty_label="")
    team = PickerField(noun="team", required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "team").use(teams_source(workspace))
        picker(self, "owner").use(people_source(workspace))
        self.fields["owner"].label = _("New owner")
        # Said in the language of the request, not of the process that imported the form.
        owner_widget = self.fields["owner"].widget
        assert isinstance(owner_widget, PickerWidget)
        owner_widget.empty_label = str(_("No owner"))
        self.fields["team"].label = _("New team")
        field = self.fields["objectives"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.valid_value = lambda value: str(value).isdigit()  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "team" and not data.get("team"):
            self.add_error("team", _("Choose the new team."))
        return data

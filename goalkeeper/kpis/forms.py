"""Forms of the KPI pages. They parse and explain; the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.pickers import people_source, teams_source
from goalkeeper.domain.kpis import Direction
from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis.imports import DateFormat
from goalkeeper.pickers import PickerField, PickerWidget, picker

DIRECTION_CHOICES = [
    (Direction.HIGHER_IS_BETTER.value, "Higher is better"),
    (Direction.LOWER_IS_BETTER.value, "Lower is better"),
    (Direction.IN_RANGE.value, "Stay in a range"),
]
FREQUENCY_CHOICES = [(f.value, f.value.capitalize()) for f in Frequency]
AGGREGATION_CHOICES = [
    (Aggregation.LAST.value, "Last value of the period"),
    (Aggregation.SUM.value, "Sum of the period"),
    (Aggregation.AVERAGE.value, "Average of the period"),
    (Aggregation.MIN.value, "Lowest value of the period"),
    (Aggregation.MAX.value, "Highest value of the period"),
]
DATE_FORMAT_CHOICES = [(f.value, f.label) for f in DateFormat]
# Fields each direction uses; the others are cleared rather than refused, since the form
# keeps them (hidden) when the direction changes.
GOAL_FIELDS: dict[str, tuple[str, ...]] = {
    Direction.HIGHER_IS_BETTER: ("target", "warning"),
    Direction.LOWER_IS_BETTER: ("target", "warning"),
    Direction.IN_RANGE: ("low", "high", "warning"),
}


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "field__input", **attrs}


class KpiForm(forms.Form):
    """Create or edit a KPI: its definition, its goal, how often and how it is measured."""

    name = forms.CharField(max_length=160, widget=forms.TextInput(attrs=_input()))
    description = forms.CharField(
        required=False,
        label="Definition",
        help_text="What is counted, and how: a reader should be able to recompute it.",
        widget=forms.Textarea(attrs=_input(rows=3)),
    )
    team = PickerField(noun="team")
    owner = PickerField(noun="person", required=False, empty_label="No owner")
    unit = forms.CharField(
        max_length=30,
        required=False,
        help_text="%, $, ms, customers…",
        widget=forms.TextInput(attrs=_input()),
    )
    direction = forms.ChoiceField(
        choices=DIRECTION_CHOICES,
        initial=Direction.HIGHER_IS_BETTER.value,
        widget=forms.RadioSelect,
    )
    target = forms.FloatField(
        required=False,
        help_text="Green from here on.",
        widget=forms.NumberInput(attrs=_input(step="any")),
    )
    warning = forms.FloatField(
        required=False,
        label="Warning threshold",
        help_text="Yellow between the warning and the target, red beyond it. Leave empty for "
        "no yellow zone. For a range: how far outside it is still yellow.",
        widget=forms.NumberInput(attrs=_input(step="any")),
    )
    low = forms.FloatField(
        required=False,
        label="Low bound",
        widget=forms.NumberInput(attrs=_input(step="any")),
    )
    high = forms.FloatField(
        required=False,
        label="High bound",
        widget=forms.NumberInput(attrs=_input(step="any")),
    )
    frequency = forms.ChoiceField(
        choices=FREQUENCY_CHOICES,
        initial=Frequency.MONTHLY.value,
        help_text="One value per period is judged: health looks at the last complete one.",
        widget=forms.Select(_input()),
    )
    aggregation = forms.ChoiceField(
        choices=AGGREGATION_CHOICES,
        initial=Aggregation.LAST.value,
        help_text="How the measurements inside one period make its value.",
        widget=forms.Select(_input()),
    )
    data_source = forms.CharField(
        max_length=200,
        required=False,
        help_text="Where the numbers come from: a report, a system, a person.",
        widget=forms.TextInput(attrs=_input()),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "team").use(teams_source(workspace))
        picker(self, "owner").use(people_source(workspace))
        # Required or not depending on the direction: the page marks neither way.
        for name in ("target", "low", "high"):
            self.fields[name].conditional = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        direction = data.get("direction")
        if direction not in GOAL_FIELDS:
            return data
        for name in ("target", "warning", "low", "high"):
            if name not in GOAL_FIELDS[direction]:
                data[name] = None
        target, warning = data.get("target"), data.get("warning")
        if direction == Direction.IN_RANGE:
            self._clean_range(data)
        elif target is None:
            if "target" not in self.errors:
                self.add_error("target", "Set the target: the value that counts as healthy.")
        elif warning is not None:
            if direction == Direction.HIGHER_IS_BETTER and warning > target:
                self.add_error(
                    "warning",
                    f"When higher is better, the warning threshold must be below the target "
                    f"({target:g}): values between the two are yellow, lower ones red.",
                )
            if direction == Direction.LOWER_IS_BETTER and warning < target:
                self.add_error(
                    "warning",
                    f"When lower is better, the warning threshold must be above the target "
                    f"({target:g}): values between the two are yellow, higher ones red.",
                )
        return data

    def _clean_range(self, data: dict[str, Any]) -> None:
        low, high, warning = data.get("low"), data.get("high"), data.get("warning")
        for name, value in (("low", low), ("high", high)):
            if value is None and name not in self.errors:
                self.add_error(name, "Set both bounds of the range.")
        if low is not None and high is not None and low > high:
            self.add_error(
                "high",
                f"The range is empty: the high bound ({high:g}) is below the low bound ({low:g}).",
            )
        if warning is not None and warning < 0:
            self.add_error(
                "warning",
                "For a range, the warning is a margin outside it: zero or more.",
            )

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as `create_kpi`/`update_kpi` take it."""
        data = dict(self.cleaned_data)
        return {
            "name": data["name"],
            "description": data.get("description") or "",
            "team": data["team"],
            "owner": data.get("owner"),
            "unit": (data.get("unit") or "").strip(),
            "direction": data["direction"],
            "target": data.get("target"),
            "warning": data.get("warning"),
            "low": data.get("low"),
            "high": data.get("high"),
            "frequency": data["frequency"],
            "aggregation": data["aggregation"],
            "data_source": (data.get("data_source") or "").strip(),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal next to the field it names."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class ValueForm(forms.Form):
    """One value, typed by hand."""

    date = forms.DateField(widget=forms.DateInput(attrs=_input(type="date")))
    time = forms.TimeField(
        required=False,
        help_text="Midnight when empty.",
        widget=forms.TimeInput(attrs=_input(type="time")),
    )
    value = forms.FloatField(widget=forms.NumberInput(attrs=_input(step="any")))

    def timestamp(self, zone: dt.tzinfo) -> dt.datetime:
        """The value's instant, read on the workspace's wall clock."""
        when = dt.datetime.combine(
            self.cleaned_data["date"], self.cleaned_data.get("time") or dt.time(0), tzinfo=zone
        )
        return when.astimezone(dt.UTC).astimezone(zone)


class PasteForm(forms.Form):
    """A column of "date,value" lines pasted from a spreadsheet."""

    lines = forms.CharField(
        label="Date and value lines",
        help_text="One per line: a date, then a comma, semicolon or tab, then the value.",
        widget=forms.Textarea(
            attrs=_input(rows=8, spellcheck="false", placeholder="2026-10-01,1250\n2026-11-01,1310")
        ),
    )
    date_format = forms.ChoiceField(
        choices=DATE_FORMAT_CHOICES,
        initial=DateFormat.ISO.value,
        label="Dates are written",
        widget=forms.Select(_input()),
    )


class UploadForm(forms.Form):
    """A CSV or XLSX file of dates and values."""

    file = forms.FileField(
        help_text="A .csv or .xlsx file of at most 5 MB and 10,000 rows, with a date column and "
        "a value column.",
        widget=forms.ClearableFileInput(attrs=_input(accept=".csv,.txt,.xlsx,text/csv")),
    )
    date_format = forms.ChoiceField(
        choices=DATE_FORMAT_CHOICES,
        initial=DateFormat.ISO.value,
        label="Dates are written",
        widget=forms.Select(_input()),
    )
    date_column = forms.CharField(
        required=False,
        max_length=100,
        label="Date column",
        help_text="Optional: its header or number. Found by itself when named date or timestamp.",
        widget=forms.TextInput(attrs=_input()),
    )
    value_column = forms.CharField(
        required=False,
        max_length=100,
        label="Value column",
        help_text="Optional: its header or number. Found by itself when named value.",
        widget=forms.TextInput(attrs=_input()),
    )


# --- Upkeep: correct a value, delete a KPI, bulk changes (docs/kpis.md, "Upkeep") -----------


class MeasurementForm(ValueForm):
    """One stored value corrected: its value, its time, and why."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Optional: kept in the KPI's history with the old and the new value."),
        widget=forms.TextInput(attrs=_input()),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].label = _("Date")
        self.fields["time"].label = _("Time")
        self.fields["time"].help_text = _("Midnight when empty.")
        self.fields["value"].label = _("Value")


class DeleteKpiForm(forms.Form):
    """Deleting a KPI for good: the person types its name, or ticks the box."""

    name = forms.CharField(
        label=_("Type the KPI's name to confirm"),
        required=False,
        widget=forms.TextInput(attrs=_input(autocomplete="off", spellcheck="false")),
    )
    confirm = forms.BooleanField(
        label=_("I understand that its values and links are deleted for good"),
        required=False,
    )

    def __init__(self, *args: Any, kpi_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpi_name = kpi_name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = " ".join(str(data.get("name") or "").split()).casefold()
        if typed != " ".join(self.kpi_name.split()).casefold() and not data.get("confirm"):
            raise ValidationError(
                _("Type the KPI's name exactly, or tick the box, to delete it for good.")
            )
        return data


BULK_CHOICES = [
    ("owner", _("New owner")),
    ("team", _("New team")),
    ("archive", _("Archive")),
]


class BulkKpiForm(forms.Form):
    """What the board's action bar sends: the selected KPIs and one change for all."""

    kpis = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=_("KPIs"))
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
        field = self.fields["kpis"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        # Any id is parsed here; the service keeps those of the workspace and names the rest.
        field.valid_value = lambda value: str(value).isdigit()  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "team" and not data.get("team"):
            self.add_error("team", _("Choose the new team."))
        return data

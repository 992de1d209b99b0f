"""Forms of the KPI pages. They parse and explain; the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.pickers import people_source, teams_source
from goalkeeper.domain.kpis import Direction
from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis.imports import DateFormat
from goalkeeper.kpis.labels import (
    AGGREGATION_CHOICE_LABELS,
    DIRECTION_LABELS,
    FREQUENCY_LABELS,
)
from goalkeeper.pickers import PickerField, PickerWidget, picker

DIRECTION_CHOICES = [(d.value, label) for d, label in DIRECTION_LABELS.items()]
FREQUENCY_CHOICES = [(f.value, label) for f, label in FREQUENCY_LABELS.items()]
AGGREGATION_CHOICES = [(a.value, label) for a, label in AGGREGATION_CHOICE_LABELS.items()]
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

    name = forms.CharField(max_length=160, label=_("Name"), widget=forms.TextInput(attrs=_input()))
    description = forms.CharField(
        required=False,
        label=_("Definition"),
        help_text=_("What is counted, and how: a reader should be able to recompute it."),
        widget=forms.Textarea(attrs=_input(rows=3)),
    )
    team = PickerField(noun="team", label=_("Team"))
    owner = PickerField(noun="person", required=False, label=_("Owner"), empty_label=_("No owner"))
    unit = forms.CharField(
        max_length=30,
        required=False,
        label=_("Unit"),
        help_text=_("%, $, ms, customers…"),
        widget=forms.TextInput(attrs=_input()),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=DIRECTION_CHOICES,
        initial=Direction.HIGHER_IS_BETTER.value,
        widget=forms.RadioSelect,
    )
    target = forms.FloatField(
        required=False,
        label=_("Target"),
        help_text=_("Green from here on."),
        widget=forms.NumberInput(attrs=_input(step="any")),
    )
    warning = forms.FloatField(
        required=False,
        label=_("Warning threshold"),
        help_text=_(
            "Yellow between the warning and the target, red beyond it. Leave empty for "
            "no yellow zone. For a range: how far outside it is still yellow."
        ),
        widget=forms.NumberInput(attrs=_input(step="any")),
    )
    low = forms.FloatField(
        required=False,
        label=_("Low bound"),
        widget=forms.NumberInput(attrs=_input(step="any")),
    )
    high = forms.FloatField(
        required=False,
        label=_("High bound"),
        widget=forms.NumberInput(attrs=_input(step="any")),
    )
    frequency = forms.ChoiceField(
        label=_("Frequency"),
        choices=FREQUENCY_CHOICES,
        initial=Frequency.MONTHLY.value,
        help_text=_("One value per period is judged: health looks at the last complete one."),
        widget=forms.Select(_input()),
    )
    aggregation = forms.ChoiceField(
        label=_("Aggregation"),
        choices=AGGREGATION_CHOICES,
        initial=Aggregation.LAST.value,
        help_text=_("How the measurements inside one period make its value."),
        widget=forms.Select(_input()),
    )
    data_source = forms.CharField(
        max_length=200,
        required=False,
        label=_("Data source"),
        help_text=_("Where the numbers come from: a report, a system, a person."),
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
                self.add_error("target", _("Set the target: the value that counts as healthy."))
        elif warning is not None:
            if direction == Direction.HIGHER_IS_BETTER and warning > target:
                self.add_error(
                    "warning",
                    _(
                        "When higher is better, the warning threshold must be below the target "
                        "(%(target)s): values between the two are yellow, lower ones red."
                    )
                    % {"target": f"{target:g}"},
                )
            if direction == Direction.LOWER_IS_BETTER and warning < target:
                self.add_error(
                    "warning",
                    _(
                        "When lower is better, the warning threshold must be above the target "
                        "(%(target)s): values between the two are yellow, higher ones red."
                    )
                    % {"target": f"{target:g}"},
                )
        return data

    def _clean_range(self, data: dict[str, Any]) -> None:
        low, high, warning = data.get("low"), data.get("high"), data.get("warning")
        for name, value in (("low", low), ("high", high)):
            if value is None and name not in self.errors:
                self.add_error(name, _("Set both bounds of the range."))
        if low is not None and high is not None and low > high:
            self.add_error(
                "high",
                _("The range is empty: the high bound (%(high)s) is below the low bound (%(low)s).")
                % {"high": f"{high:g}", "low": f"{low:g}"},
            )
        if warning is not None and warning < 0:
            self.add_error(
                "warning",
                _("For a range, the warning is a margin outside it: zero or more."),
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
        service_errors(self, error)


def service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on `form`, next to the field it names."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, gettext(message))
    else:
        for message in error.messages:
            form.add_error(None, gettext(message))


class ValueForm(forms.Form):
    """One value, typed by hand."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=_input(type="date")))
    time = forms.TimeField(
        required=False,
        label=_("Time"),
        help_text=_("Midnight when empty."),
        widget=forms.TimeInput(attrs=_input(type="time")),
    )
    value = forms.FloatField(label=_("Value"), widget=forms.NumberInput(attrs=_input(step="any")))

    def timestamp(self, zone: dt.tzinfo) -> dt.datetime:
        """The value's instant, read on the workspace's wall clock."""
        when = dt.datetime.combine(
            self.cleaned_data["date"], self.cleaned_data.get("time") or dt.time(0), tzinfo=zone
        )
        return when.astimezone(dt.UTC).astimezone(zone)


class PasteForm(forms.Form):
    """A column of "date,value" lines pasted from a spreadsheet."""

    lines = forms.CharField(
        label=_("Date and value lines"),
        help_text=_("One per line: a date, then a comma, semicolon or tab, then the value."),
        widget=forms.Textarea(
            attrs=_input(rows=8, spellcheck="false", placeholder="2026-10-01,1250\n2026-11-01,1310")
        ),
    )
    date_format = forms.ChoiceField(
        choices=DATE_FORMAT_CHOICES,
        initial=DateFormat.ISO.value,
        label=_("Dates are written"),
        widget=forms.Select(_input()),
    )


class UploadForm(forms.Form):
    """A CSV or XLSX file of dates and values."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A .csv or .xlsx file of at most 5 MB and 10,000 rows, with a date column and "
            "a value column."
        ),
        widget=forms.ClearableFileInput(attrs=_input(accept=".csv,.txt,.xlsx,text/csv")),
    )
    date_format = forms.ChoiceField(
        choices=DATE_FORMAT_CHOICES,
        initial=DateFormat.ISO.value,
        label=_("Dates are written"),
        widget=forms.Select(_input()),
    )
    date_column = forms.CharField(
        required=False,
        max_length=100,
        label=_("Date column"),
        help_text=_(
            "Optional: its header or number. Found by itself when named date or timestamp."
        ),
        widget=forms.TextInput(attrs=_input()),
    )
    value_column = forms.CharField(
        required=False,
        max_length=100,
        label=_("Value column"),
        help_text=_("Optional: its header or number. Found by itself when named value."),
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


class BaselineForm(forms.Form):
    """A new baseline for the process limits after a process change (docs/signals.md): the
    periods holding `from` and `to`, and what changed. The fields are named as in the API."""

    # Required by the service, which words every refusal at once (docs/signals.md).
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=2000,
        help_text=_("Kept with the baseline, for whoever reads the chart later."),
        widget=forms.Textarea(
            attrs=_input(rows=2, placeholder=_("New ticketing tool since March"))
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: declared here rather than as class attributes.
        self.fields["from"] = forms.DateField(
            required=False,
            label=_("From"),
            help_text=_("The first period of the baseline: the one holding this day."),
            widget=forms.DateInput(attrs=_input(type="date")),
        )
        self.fields["to"] = forms.DateField(
            required=False,
            label=_("To"),
            help_text=_("Its last period; empty: up to the latest complete one."),
            widget=forms.DateInput(attrs=_input(type="date")),
        )
        self.order_fields(["from", "to", "note"])
        self.fields["note"].conditional = True  # type: ignore[attr-defined]

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal next to the field it names."""
        service_errors(self, error)

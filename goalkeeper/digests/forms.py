"""The schedule form on the workspace settings page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goalkeeper.digests.models import WEEKDAY_CHOICES

TIME_FORMAT = "%H:%M"
# The design system's input class (as accounts' forms give their widgets).
INPUT = "field__input"


class ScheduleForm(forms.Form):
    """A plain form: the service takes the before-snapshot for the audit entry itself."""

    reminder_enabled = forms.BooleanField(label=_("Send the check-in reminder"), required=False)
    reminder_weekday = forms.TypedChoiceField(
        label=_("Reminder day"), choices=WEEKDAY_CHOICES, coerce=int
    )
    reminder_time = forms.TimeField(
        label=_("Reminder time"),
        input_formats=[TIME_FORMAT],
        widget=forms.TimeInput(format=TIME_FORMAT, attrs={"type": "time"}),
        help_text=_("In the workspace's time zone, e.g. 09:00."),
    )
    personal_enabled = forms.BooleanField(label=_("Send the personal digest"), required=False)
    team_enabled = forms.BooleanField(label=_("Send the team digest to team leads"), required=False)
    company_enabled = forms.BooleanField(
        label=_("Send the company digest to admins"), required=False
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Digest day"), choices=WEEKDAY_CHOICES, coerce=int
    )
    digest_time = forms.TimeField(
        label=_("Digest time"),
        input_formats=[TIME_FORMAT],
        widget=forms.TimeInput(format=TIME_FORMAT, attrs={"type": "time"}),
        help_text=_("In the workspace's time zone, e.g. 08:00."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", INPUT)

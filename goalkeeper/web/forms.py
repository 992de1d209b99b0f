"""Forms of the web pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.limits import check_value

NOTE_MAX = 2000


class CheckInForm(forms.Form):
    """A check-in: a value (or done, for a milestone), a confidence 0-10 and a note."""

    # Localised: in German "12,5" reads as 12.5 (and "12.5" still does).
    value = forms.FloatField(required=False, localize=True)
    done = forms.BooleanField(required=False)
    confidence = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10,
        error_messages={
            "min_value": _("Confidence goes from 0 (no chance) to 10 (certain)."),
            "max_value": _("Confidence goes from 0 (no chance) to 10 (certain)."),
            "invalid": _("Confidence is a whole number from 0 to 10."),
        },
    )
    note = forms.CharField(required=False, max_length=NOTE_MAX, strip=True)

    def __init__(self, *args: Any, kind: KeyResultKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["value"].error_messages["invalid"] = gettext(
            "Enter a number, such as 42 or 3.5."
        )

    @property
    def is_milestone(self) -> bool:
        """A milestone is checked in as done or not done, without a value."""
        return self.kind is KeyResultKind.MILESTONE

    def clean_value(self) -> float | None:
        value: float | None = self.cleaned_data.get("value")
        if self.is_milestone:
            return None
        if value is None:
            raise forms.ValidationError(gettext("Enter the current value of this key result."))
        for problem in check_value("value", value):
            raise forms.ValidationError(
                gettext("The value %(problem)s.") % {"problem": problem.message}
            )
        return value

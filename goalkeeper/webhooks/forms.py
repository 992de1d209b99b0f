"""Forms of the webhooks page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from goalkeeper.webhooks.models import EVENTS


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label=_("Payload URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Goalkeeper POSTs JSON here; http:// or https:// only."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(name, name) for name in EVENTS],
        widget=forms.CheckboxSelectMultiple,
    )

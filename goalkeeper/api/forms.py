"""Forms of the API tokens page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text=_("What the token is for, e.g. “CI pipeline” or “Sales dashboard”."),
    )
    read_only = forms.BooleanField(
        required=False,
        help_text=_("A read-only token can read everything you can, and write nothing."),
    )

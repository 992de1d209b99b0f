"""Forms of the API tokens page."""

from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. “CI pipeline” or “Sales dashboard”.",
    )
    read_only = forms.BooleanField(
        required=False,
        help_text="A read-only token can read everything you can, and write nothing.",
    )

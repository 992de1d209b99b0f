"""Forms of two-factor authentication; the services check the codes themselves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

INPUT = "field__input"


class CodeForm(forms.Form):
    """A code from the authenticator app (or, where the page says so, a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": INPUT,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class LoginCodeForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("6-digit code or recovery code")
        self.fields["code"].widget.attrs["autofocus"] = True
        # A recovery code has letters: the numeric keypad would hide them.
        self.fields["code"].widget.attrs.pop("inputmode")


class DisableForm(forms.Form):
    """Turning two-factor off: a current code, or the password."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": INPUT, "autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label=_("or your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"class": INPUT, "autocomplete": "current-password"}),
    )


class SetupForm(forms.Form):
    """Setting up: the password again, so a borrowed signed-in browser cannot bind a phone."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"class": INPUT, "autocomplete": "current-password"}),
    )


class RequirementForm(forms.Form):
    required = forms.BooleanField(
        label=_("Require two-factor authentication of everyone in this workspace"),
        required=False,
    )

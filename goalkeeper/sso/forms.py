"""Forms of single sign-on: where to sign in, and the admin's provider settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Role

INPUT = "field__input"


class StartForm(forms.Form):
    """The email (or the workspace's short name) that finds the workspace's provider."""

    email = forms.CharField(
        label=_("Work email or workspace"),
        max_length=254,
        widget=forms.TextInput(
            attrs={
                "class": INPUT,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class ProviderForm(forms.Form):
    """The provider settings; the secret is never shown back (an empty field keeps it)."""

    enabled = forms.BooleanField(label=_("Single sign-on is on"), required=False)
    issuer = forms.CharField(
        label=_("Issuer"),
        max_length=500,
        required=False,
        help_text=_(
            "The provider's address; its settings are read from "
            "/.well-known/openid-configuration below it."
        ),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=255, required=False)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=2000,
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    allowed_domains = forms.CharField(
        label=_("Allowed email domains"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. acme.com. People of other domains are refused."),
    )
    default_role = forms.ChoiceField(
        label=_("Role of people who sign in the first time"), choices=Role.choices
    )

    def __init__(self, *args: Any, has_secret: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        secret = self.fields["client_secret"]
        secret.help_text = (
            _("A secret is kept. Leave empty to keep it, or enter a new one.")
            if has_secret
            else _("Kept sealed; never shown again.")
        )
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", INPUT)

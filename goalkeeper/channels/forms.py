"""Forms of the chat channel pages. The URL field is never filled back in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Person, Team
from goalkeeper.accounts.pickers import teams_source
from goalkeeper.channels.models import KIND_HELP, Kind
from goalkeeper.pickers import PickerField, PickerWidget, picker

INPUT = "field__input"


class ChannelForm(forms.Form):
    """Add or change a channel. `scoped` adds the team picker (the channels page); the
    personal page has none. On a change, an empty URL keeps the saved one."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Platform"), choices=Kind.choices)
    url = forms.CharField(
        label=_("Webhook URL"),
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("It contains a token: it is stored encrypted and never shown again."),
    )
    team = PickerField(noun="team", label=_("Team"), required=False)
    alerts = forms.BooleanField(label=_("Alerts"), required=False, initial=True)
    digests = forms.BooleanField(label=_("Digests"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        actor: Person,
        scoped: bool,
        editing: bool = False,
        led: set[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.led = led or set()
        if scoped and not editing:
            team = picker(self, "team")
            team.use(teams_source(actor.workspace))
            widget = team.widget
            assert isinstance(widget, PickerWidget)
            if actor.is_admin:
                widget.empty_label = _("The whole workspace")
                team.help_text = _("Leave empty for a channel of the whole workspace.")
            else:
                team.required = True
                team.help_text = "A team you lead."
        else:
            del self.fields["team"]
        if editing:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Active"), required=False, help_text=_("A paused channel receives nothing.")
            )
            self.fields["url"].required = False
            self.fields["url"].help_text = _("Leave empty to keep the saved URL.")
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", INPUT)

    def clean_team(self) -> Team | None:
        team: Team | None = self.cleaned_data.get("team")
        if not self.actor.is_admin and (team is None or team.pk not in self.led):
            raise ValidationError(_("choose a team you lead"))
        return team

    @staticmethod
    def kind_help() -> dict[str, str]:
        """Where to get the URL, per platform (shown under the platform select)."""
        return {str(kind): str(text) for kind, text in KIND_HELP.items()}

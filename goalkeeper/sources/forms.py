"""The data source form: a kind, that kind's parameters, a schedule.

The parameter fields are built from the connector's `Parameter` specs, so a new kind of
source needs no form code. The form parses; `services.configure` checks the parameters
(and names the field that is wrong), so there is one set of rules for the pages and the API.

A secret parameter is never rendered back: its input is always empty, with a placeholder
saying a value is saved, the value masked beside it and a "Clear" box to remove it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from goalkeeper.sources.connectors import REGISTRY, Connector, Parameter
from goalkeeper.sources.secrets import mask
from goalkeeper.sources.services import MAX_INTERVAL_MINUTES

# Form field names of a parameter and of its "Clear" box: prefixed, so that no parameter
# name can collide with the form's own fields (kind, interval_minutes...).
PARAM_PREFIX = "p_"
CLEAR_PREFIX = "clear_"
SAVED_PLACEHOLDER = _("Saved — leave blank to keep")
DEFAULT_INTERVAL = 60
# (minutes, button text): the common schedules, one click away.
INTERVAL_PRESETS: tuple[tuple[int, StrOrPromise], ...] = (
    (15, _("15 min")),
    (60, _("Hourly")),
    (1440, _("Daily")),
)


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "field__input", **attrs}


class SecretTextarea(forms.Textarea):
    """A textarea that never shows a value back (the multi-line twin of a password input)."""

    def format_value(self, value: Any) -> str | None:
        return None


@dataclass(frozen=True)
class KindOption:
    """One kind of source in the chooser."""

    value: str
    label: str
    description: str
    pulled: bool
    checked: bool


@dataclass(frozen=True)
class ParameterField:
    """A parameter as the form lays it out: its input, its "Clear" box, its masked value."""

    spec: Parameter
    field: BoundField
    clear: BoundField | None
    masked: str


class SourceForm(forms.Form):
    """Create or change a KPI's data source."""

    kind = forms.ChoiceField(label=_("Kind of source"), widget=forms.RadioSelect)
    interval_minutes = forms.IntegerField(
        label=_("Sync every (minutes)"),
        min_value=1,
        max_value=MAX_INTERVAL_MINUTES,
        initial=DEFAULT_INTERVAL,
        help_text=_("How often the source is read; between 1 minute and 31 days."),
        widget=forms.NumberInput(attrs=_input(min=1, step=1, inputmode="numeric")),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Untick to pause the schedule; Sync now still works."),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        kind: str,
        initial: dict[str, Any] | None = None,
        saved_secrets: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(name, cls.label) for name, cls in REGISTRY.items()]
        self.connector: type[Connector] | None = REGISTRY.get(kind)
        self.chosen_kind = kind if self.connector is not None else ""
        self.saved_secrets = dict(saved_secrets or {})
        if not self.pulled:
            # Nothing is scheduled for a push source (nor before a kind is chosen).
            self.fields["interval_minutes"].required = False
        for spec in self.specs:
            self.fields[PARAM_PREFIX + spec.name] = self._field(spec)
            if spec.secret and self.saved_secrets.get(spec.name):
                self.fields[CLEAR_PREFIX + spec.name] = forms.BooleanField(
                    label=_("Clear"), required=False
                )

    @property
    def specs(self) -> tuple[Parameter, ...]:
        """The chosen kind's parameters (none before a kind is chosen)."""
        return self.connector.parameters if self.connector is not None else ()

    @property
    def kind_label(self) -> str:
        """The chosen kind as people read it ("CSV file"); "" before a kind is chosen."""
        return str(self.connector.label) if self.connector is not None else ""

    @property
    def kind_description(self) -> str:
        """What the chosen kind of source is, in a sentence."""
        return str(self.connector.description) if self.connector is not None else ""

    @property
    def pulled(self) -> bool:
        """Whether the chosen kind is pulled on a schedule (push sources are not)."""
        return self.connector is not None and self.connector.pulled

    def _field(self, spec: Parameter) -> forms.Field:
        saved = spec.secret and bool(self.saved_secrets.get(spec.name))
        attrs = _input(autocomplete="off" if not spec.secret else "new-password")
        placeholder = SAVED_PLACEHOLDER if saved else spec.placeholder
        if placeholder:
            attrs["placeholder"] = placeholder
        if spec.required and not saved:
            attrs["aria-required"] = "true"
        widget: forms.Widget
        if spec.choices:
            widget = forms.Select(attrs=attrs, choices=spec.choices)
        elif spec.secret and spec.multiline:
            widget = SecretTextarea(attrs={**attrs, "rows": 3, "spellcheck": "false"})
        elif spec.secret:
            widget = forms.PasswordInput(attrs=attrs, render_value=False)
        elif spec.multiline:
            widget = forms.Textarea(attrs={**attrs, "rows": 6, "spellcheck": "false"})
        else:
            widget = forms.TextInput(attrs=attrs)
        # Every parameter is optional here: `configure` knows the rules and names the field.
        return forms.CharField(
            label=spec.label,
            required=False,
            strip=False,
            help_text=spec.help,
            widget=widget,
        )

    # --- What the template lays out -----------------------------------------------------

    def kind_options(self) -> list[KindOption]:
        """Every kind of source, the chosen one checked."""
        return [
            KindOption(
                name, str(cls.label), str(cls.description), cls.pulled, name == self.chosen_kind
            )
            for name, cls in REGISTRY.items()
        ]

    def parameter_fields(self) -> list[ParameterField]:
        """The chosen kind's parameters, with their "Clear" boxes and masked values."""
        rows = []
        for spec in self.specs:
            clear = CLEAR_PREFIX + spec.name
            rows.append(
                ParameterField(
                    spec=spec,
                    field=self[PARAM_PREFIX + spec.name],
                    clear=self[clear] if clear in self.fields else None,
                    masked=mask(self.saved_secrets.get(spec.name, "")) if spec.secret else "",
                )
            )
        return rows

    def typed_secrets(self) -> list[str]:
        """Labels of the secrets typed in this submission (the page never shows them back:
        after an error, they must be typed again)."""
        if not self.is_bound:
            return []
        return [
            str(spec.label)
            for spec in self.specs
            if spec.secret and str(self.data.get(PARAM_PREFIX + spec.name, "")).strip()
        ]

    # --- What the services get ----------------------------------------------------------

    def values(self) -> dict[str, str]:
        """The parameters as typed, by parameter name (for `services.configure`)."""
        return {
            spec.name: str(self.data.get(PARAM_PREFIX + spec.name, "") or "") for spec in self.specs
        }

    def cleared(self) -> list[str]:
        """Secrets whose "Clear" box is ticked."""
        return [
            spec.name
            for spec in self.specs
            if CLEAR_PREFIX + spec.name in self.fields
            and str(self.data.get(CLEAR_PREFIX + spec.name, "")).lower() in {"on", "true", "1"}
        ]

    def field_label(self, name: str) -> str:
        """The label people see for a service's error key (a parameter name or a field)."""
        if name in self.fields:
            return str(self.fields[name].label or name)
        key = PARAM_PREFIX + name
        if key in self.fields:
            return str(self.fields[key].label or name)
        return name.replace("_", " ").capitalize()

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal next to the field it names (a parameter or a field)."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, gettext(message))
            return
        for name, messages in error.message_dict.items():
            key = name if name in self.fields else PARAM_PREFIX + name
            for message in messages:
                # The services and connectors write English (the API answers in it): their
                # messages are marked with gettext_noop and translated here.
                self.add_error(key if key in self.fields else None, gettext(message))

    def labelled_errors(self) -> list[tuple[str, str]]:
        """(field label, message) for every error, to list above the form."""
        found: list[tuple[str, str]] = []
        for name, messages in self.errors.items():
            label = "" if name == NON_FIELD_ERRORS else self.field_label(name)
            found.extend((label, str(message)) for message in messages)
        return found

"""Widgets, fields and mixins shared by the OKR forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "field__input", **attrs}


class NumberField(forms.FloatField):
    """A number as typed. "nan" and "inf" parse, so that the domain names them ("must be a
    finite number"), as it does for the API, instead of the form's generic message."""

    widget = forms.NumberInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.NumberInput(attrs=_input(step="any")))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            return float(str(value).strip().replace(",", ""))
        except ValueError:
            raise ValidationError(_("enter a number, e.g. 42 or 0.5"), code="invalid") from None

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


# The domain's refusals of a key result (goalkeeper/domain/key_results.py, limits.py,
# errors.py): the domain imports no Django, so its messages are listed here for the
# catalogue, as it writes them for each kind.
DOMAIN_MESSAGES = (
    gettext_noop("does not apply to increase key results"),
    gettext_noop("does not apply to decrease key results"),
    gettext_noop("does not apply to maintain key results"),
    gettext_noop("does not apply to milestone key results"),
    gettext_noop("is required for increase key results"),
    gettext_noop("is required for decrease key results"),
    gettext_noop("is required when commit is set"),
    gettext_noop("is required when stretch is set"),
    gettext_noop("target must differ from start"),
    gettext_noop("target must be above start for increase key results"),
    gettext_noop("target must be below start for decrease key results"),
    gettext_noop("commit must be above start"),
    gettext_noop("commit must be below start"),
    gettext_noop("commit must be below target"),
    gettext_noop("commit must be above target"),
    gettext_noop("stretch must be above target"),
    gettext_noop("stretch must be below target"),
    gettext_noop("low or high is required for maintain key results"),
    gettext_noop("low must not exceed high"),
    gettext_noop("must be between -1e15 and 1e15"),
    gettext_noop("must be more than 0 and at most 1000"),
    gettext_noop("must be a finite number"),
    # Phased targets (goalkeeper/domain/phasing.py, goalkeeper/okrs/phases.py).
    gettext_noop("must lie inside the cycle"),
    gettext_noop("must come after the one before"),
    gettext_noop("must be a number"),
    gettext_noop("must be a date (YYYY-MM-DD)"),
    gettext_noop("only an increase or decrease follows phased targets"),
    gettext_noop("phased targets start from the start value: give one"),
)


def shown(message: str) -> str:
    """A model's, a service's or the domain's refusal in the reader's language.

    Models, services and the domain write English (the API answers in it) and mark their
    messages with `gettext_noop`; the pages translate them here. A message without a
    translation (one that quotes a name, say) is shown as written.
    """
    return gettext(message)


class DescribedRadioSelect(forms.RadioSelect):
    """Radio buttons with one line of explanation under each choice."""

    template_name = "okrs/widgets/described_radio.html"

    def __init__(self, descriptions: Mapping[str, StrOrPromise], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.descriptions = dict(descriptions)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["description"] = self.descriptions.get(str(option["value"]), "")
        return option


def _described(
    choices: Sequence[tuple[str, StrOrPromise, StrOrPromise]],
) -> tuple[list[tuple[str, StrOrPromise]], dict[str, StrOrPromise]]:
    return [(value, label) for value, label, _ in choices], {v: d for v, _, d in choices}


class ObjectPicker:
    """Choices for a select, read once, and the objects behind them by id."""

    def __init__(self, objects: Iterable[Model]) -> None:
        self.by_id: dict[str, Model] = {str(obj.pk): obj for obj in objects}

    def get(self, value: Any) -> Any:
        return self.by_id.get(str(value)) if value not in (None, "") else None


class ModelErrorsMixin(forms.Form):
    """Show a model's or a service's ValidationError next to the fields it names."""

    def model_check(
        self, draft: Model, skip: Sequence[str], aliases: Mapping[str, str] = {}
    ) -> None:
        """Run the model's `full_clean` on `draft`; its refusals join the form's errors.

        Fields in `skip` are not judged (the form already refused them, or they are not the
        form's to choose); refusals that name them are dropped.
        """
        try:
            draft.full_clean(exclude=list(skip))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                kept = {k: v for k, v in error.error_dict.items() if k not in skip}
                error = ValidationError(kept) if kept else ValidationError([])
            self.add_model_errors(error, aliases)

    def set_choices(self, name: str, choices: Sequence[Any]) -> None:
        field: Any = self.fields[name]
        field.choices = choices

    def add_model_errors(self, error: ValidationError, aliases: Mapping[str, str] = {}) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, shown(message))
            return
        for field, messages in error.message_dict.items():
            name = aliases.get(field, field)
            for message in messages:
                if name in self.fields:
                    self.add_error(name, shown(message))
                elif name == "__all__":
                    self.add_error(None, shown(message))
                else:
                    self.add_error(None, f"{name.replace('_', ' ')}: {shown(message)}")

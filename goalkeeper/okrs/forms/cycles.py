"""Cycle forms: create and edit with quarter presets, close with final scores, carry over."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.domain.fiscal import fiscal_quarter_name
from goalkeeper.domain.periods import Frequency, next_period, period_of
from goalkeeper.okrs.forms.common import ModelErrorsMixin, NumberField, ObjectPicker, _input, shown
from goalkeeper.okrs.models import (
    Cycle,
    Objective,
)
from goalkeeper.okrs.services import Closing

# --- Cycles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterPreset:
    """A fiscal quarter offered as a ready-made cycle."""

    name: str
    start_date: dt.date
    end_date: dt.date


def quarter_presets(
    workspace: Workspace, today: dt.date, taken: Iterable[str], count: int = 4
) -> list[QuarterPreset]:
    """The next `count` fiscal quarters without a cycle of their name, from today's on."""
    names = {name.lower() for name in taken}
    fiscal_start = workspace.fiscal_year_start_month
    period = period_of(dt.datetime.combine(today, dt.time(12)), Frequency.QUARTERLY, fiscal_start)
    presets: list[QuarterPreset] = []
    # Look a little further than `count` so that quarters already planned are skipped.
    for _attempt in range(count + 8):
        first = period.start.date()
        name = fiscal_quarter_name(first, fiscal_start)
        if name.lower() not in names:
            last = period.end.date() - dt.timedelta(days=1)
            presets.append(QuarterPreset(name, first, last))
            if len(presets) == count:
                break
        period = next_period(period, Frequency.QUARTERLY, fiscal_start)
    return presets


class CycleForm(ModelErrorsMixin):
    """A cycle's name and dates; new cycles start in planning."""

    name = forms.CharField(
        required=False,
        label=_("Name"),
        help_text=_(
            "Quarters read best as 2027-Q1, or FY2027-Q1 for a fiscal year; any name works."
        ),
        widget=forms.TextInput(attrs=_input(maxlength=60, autocomplete="off")),
    )
    start_date = forms.DateField(
        label=_("First day"),
        error_messages={"required": _("give the cycle's first day"), "invalid": _("enter a date")},
        widget=forms.DateInput(attrs=_input(type="date"), format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("Last day"),
        error_messages={"required": _("give the cycle's last day"), "invalid": _("enter a date")},
        widget=forms.DateInput(attrs=_input(type="date"), format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, workspace: Workspace, cycle: Cycle | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.cycle = cycle

    def check(self) -> bool:
        """Validate as the model will: name taken, end before start… each on its field."""
        if not self.is_bound:
            return False
        self.is_valid()
        draft = copy.copy(self.cycle) if self.cycle is not None else Cycle(workspace=self.workspace)
        draft.name = (self.cleaned_data.get("name") or "").strip()
        draft.start_date = self.cleaned_data.get("start_date")  # type: ignore[assignment]
        draft.end_date = self.cleaned_data.get("end_date")  # type: ignore[assignment]
        self.model_check(draft, ["workspace", *self.errors])
        return not self.errors


# --- Closing a cycle and carrying over -----------------------------------------------------


class ClosingRowForm(forms.Form):
    """One objective's final score and retrospective note."""

    final_score = NumberField(
        label=_("Final score"),
        widget=forms.NumberInput(
            attrs=_input(
                step="0.1",
                min="0",
                max="1",
                inputmode="decimal",
                **{"class": "field__input closing__score"},
            )
        ),
    )
    retrospective = forms.CharField(
        required=False,
        label=_("Retrospective"),
        widget=forms.Textarea(
            attrs=_input(
                rows=2, placeholder=_("What worked, what did not, what to change next time.")
            )
        ),
    )


@dataclass
class ClosingRow:
    """An objective of the closing cycle, its numbers and its form."""

    objective: Any  # view_models.ObjectiveRow
    form: ClosingRowForm


class CloseCycleForm:
    """The final scores and notes of every objective of a cycle, in one form."""

    def __init__(
        self,
        rows: Sequence[Any],
        data: Mapping[str, Any] | None = None,
        retrospectives: Mapping[int, str] | None = None,
    ) -> None:
        notes = retrospectives or {}
        self.rows = []
        for row in rows:
            prefill = row.final_score if row.final_score is not None else row.score
            initial = {
                "final_score": "" if prefill is None else f"{prefill:.1f}",
                "retrospective": notes.get(row.id, ""),
            }
            form = ClosingRowForm(data, prefix=f"o{row.id}", initial=initial)
            self.rows.append(ClosingRow(row, form))

    def is_valid(self) -> bool:
        # Every row is validated, so that all the errors show at once.
        results = [row.form.is_valid() for row in self.rows]
        return all(results)

    def closings(self) -> list[Closing]:
        return [
            Closing(
                objective_id=row.objective.id,
                final_score=row.form.cleaned_data.get("final_score"),
                retrospective=row.form.cleaned_data.get("retrospective") or "",
            )
            for row in self.rows
        ]

    def add_service_errors(self, error: ValidationError) -> list[str]:
        """Put `"<id>.<field>"` refusals on their rows; returns the ones that fit nowhere."""
        forms_by_id = {str(row.objective.id): row.form for row in self.rows}
        others: list[str] = []
        if not hasattr(error, "error_dict"):
            return [shown(message) for message in error.messages]
        for key, messages in error.message_dict.items():
            objective_id, _dot, field = key.partition(".")
            form = forms_by_id.get(objective_id)
            if form is not None and field in form.fields:
                for message in messages:
                    form.add_error(field, shown(message))
            else:
                others += [
                    f"{key.replace('_', ' ')}: {shown(m)}" if key != "__all__" else shown(m)
                    for m in messages
                ]
        return others

    @property
    def first_error_id(self) -> str | None:
        for row in self.rows:
            for name in ("final_score", "retrospective"):
                if row.form.errors.get(name):
                    return row.form[name].auto_id
        return None


class CarryOverForm(ModelErrorsMixin):
    """Where the unfinished objectives of a closed cycle go, and which of them."""

    target = forms.ChoiceField(label=_("Into the cycle"), widget=forms.Select(attrs=_input()))
    objectives = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(
        self,
        *args: Any,
        targets: Sequence[Cycle],
        candidates: Sequence[Objective],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.targets = ObjectPicker(targets)
        self.set_choices(
            "target",
            [
                (c.pk, f"{c.name} ({c.get_state_display().lower()}, from {c.start_date:%-d %b %Y})")
                for c in targets
            ],
        )
        self.set_choices("objectives", [(o.pk, o.title) for o in candidates])
        self.initial.setdefault("objectives", [o.pk for o in candidates])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["target"] = self.targets.get(data.get("target"))
        if data["target"] is None and "target" not in self.errors:
            self.add_error("target", _("choose a cycle in planning or active"))
        if not data.get("objectives") and "objectives" not in self.errors:
            self.add_error("objectives", _("choose at least one objective to carry over"))
        data["objectives"] = [int(pk) for pk in data.get("objectives") or []]
        return data

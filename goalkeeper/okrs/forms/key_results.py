"""The key result form: kind, numbers, weight, owner, the KPI it follows."""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.pickers import people_source
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.limits import MAX_WEIGHT
from goalkeeper.domain.phasing import month_ends
from goalkeeper.okrs.forms.common import (
    DescribedRadioSelect,
    ModelErrorsMixin,
    NumberField,
    _described,
    _input,
)
from goalkeeper.okrs.kpi_links import kpi_source
from goalkeeper.okrs.models import (
    KeyResult,
    KpiLinkMode,
    Objective,
    Rollup,
)
from goalkeeper.okrs.phases import phases_of, read_phases, stored_phases
from goalkeeper.okrs.pickers import parent_key_results_source
from goalkeeper.pickers import PickerField, picker

# Fields each kind of key result uses. The others are cleared rather than refused: the form
# keeps them (hidden) while the kind changes, and without JavaScript they are all shown.


KIND_FIELDS: dict[str, tuple[str, ...]] = {
    KeyResultKind.INCREASE: ("start", "target", "commit", "stretch", "kpi", "kpi_mode", "rollup"),
    KeyResultKind.DECREASE: ("start", "target", "commit", "stretch", "kpi", "kpi_mode", "rollup"),
    KeyResultKind.MAINTAIN: ("low", "high", "kpi", "kpi_mode", "rollup"),
    KeyResultKind.MILESTONE: (),
}
KIND_SPECIFIC = (
    "start",
    "target",
    "commit",
    "stretch",
    "low",
    "high",
    "kpi",
    "kpi_mode",
    "rollup",
)
KIND_CHOICES = [
    (KeyResultKind.INCREASE.value, _("Increase"), _("Move a number up, from a start to a target.")),
    (
        KeyResultKind.DECREASE.value,
        _("Decrease"),
        _("Bring a number down, from a start to a target."),
    ),
    (KeyResultKind.MAINTAIN.value, _("Maintain"), _("Keep a number inside a band all cycle long.")),
    (KeyResultKind.MILESTONE.value, _("Milestone"), _("Done or not done.")),
]


ROLLUP_CHOICES = [
    (Rollup.NONE.value, _("Check-ins"), _("Its owner checks in (or a KPI sets it).")),
    (
        Rollup.SUM.value,
        _("Sum of its contributors"),
        _("The key results that contribute to it add up: check in on them."),
    ),
    (
        Rollup.AVERAGE.value,
        _("Average of its contributors"),
        _("The average of the key results that contribute to it."),
    ),
]
# Why a key result cannot add up its contributors, when it cannot (the model says the same).
ROLLUP_REFUSED_KPI = _("To add up its contributors instead, unlink the KPI first.")

KPI_MODE_CHOICES = [
    (KpiLinkMode.LATEST.value, _("Latest value of the KPI")),
    (KpiLinkMode.CYCLE_AGGREGATE.value, _("The KPI's aggregate over the cycle")),
]


# --- Key results ---------------------------------------------------------------------------


class KeyResultForm(ModelErrorsMixin):
    """Create or edit a key result of any kind; only the kind's own numbers are kept."""

    title = forms.CharField(
        required=False,
        label=_("Title"),
        help_text=_("What will have changed, e.g. “Weekly active teams”."),
        widget=forms.TextInput(attrs=_input(maxlength=200, autocomplete="off")),
    )
    kind = forms.ChoiceField(
        choices=[(value, label) for value, label, _ in KIND_CHOICES],
        initial=KeyResultKind.INCREASE.value,
        label=_("How it is measured"),
        widget=DescribedRadioSelect({value: text for value, _, text in KIND_CHOICES}),
    )
    owner = PickerField(noun="person", required=False, label=_("Owner"), empty_label=_("No owner"))
    unit = forms.CharField(
        required=False,
        label=_("Unit"),
        help_text=_("%, $, ms, customers…"),
        widget=forms.TextInput(attrs=_input(maxlength=30, autocomplete="off")),
    )
    weight = NumberField(
        required=True,
        initial=1,
        label=_("Weight"),
        help_text=_("How much it counts in the objective's progress, against the others."),
        error_messages={
            "required": _("give a weight: 1 unless it counts more or less than the others")
        },
        widget=forms.NumberInput(attrs=_input(step="any", min="0", max=f"{MAX_WEIGHT:g}")),
    )
    start = NumberField(label=_("Start"), help_text=_("The value today."))
    target = NumberField(
        label=_("Target"), help_text=_("The value that scores 1.0 (0.7 with zones).")
    )
    commit = NumberField(
        label=_("Commit"),
        help_text=_("Between start and target: scores 0.3."),
    )
    stretch = NumberField(
        label=_("Stretch"),
        help_text=_("Beyond the target: scores 1.0."),
    )
    low = NumberField(label=_("Low bound"), help_text=_("Stay at or above. Leave empty for none."))
    high = NumberField(
        label=_("High bound"), help_text=_("Stay at or below. Leave empty for none.")
    )
    kpi = PickerField(
        noun="KPI",
        required=False,
        empty_label=_("No: values come from check-ins"),
        label=_("Read from a KPI"),
        help_text=_("The key result's value then comes from the KPI by itself."),
    )
    kpi_mode = forms.ChoiceField(
        required=False,
        label=_("Which value"),
        choices=KPI_MODE_CHOICES,
        initial=KpiLinkMode.LATEST.value,
        widget=forms.Select(attrs=_input()),
    )
    contributes_to = PickerField(
        noun="key result",
        required=False,
        empty_label=_("Nothing"),
        label=_("Contributes to"),
        help_text=_("A key result, in any team, that this one's value counts towards."),
    )
    rollup = forms.ChoiceField(
        required=False,
        label=_("Value comes from"),
        choices=_described(ROLLUP_CHOICES)[0],
        initial=Rollup.NONE.value,
        widget=DescribedRadioSelect(_described(ROLLUP_CHOICES)[1]),
    )

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        objective: Objective,
        key_result: KeyResult | None = None,
        phased: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.objective = objective
        self.key_result = key_result
        # The key result page offers phased targets (`phase_<n>`, one per date); the
        # objective writer does not, and leaves them as they are.
        self.phase_dates: tuple[dt.date, ...] = ()
        if phased:
            self._add_phase_fields()
        picker(self, "owner").use(people_source(workspace))
        # The KPIs come from the bridges app (okrs does not import kpis).
        keep = key_result.kpi_id if key_result is not None else None
        picker(self, "kpi").use(kpi_source(workspace, keep))
        picker(self, "contributes_to").use(
            parent_key_results_source(workspace.pk), params={"labels": "objective"}
        )
        # A key result that reads a KPI cannot add up contributors: say why beside the
        # choice (the model refuses it too, whatever is posted).
        self.rollup_refused: StrOrPromise = ""
        if key_result is not None and (key_result.kpi_id or key_result.kpi_formula):
            self.rollup_refused = ROLLUP_REFUSED_KPI

    def _add_phase_fields(self) -> None:
        """A number field per month's end of the cycle (and per other date a stored phase
        has), holding the value expected by that day."""
        cycle = self.objective.cycle
        stored = phases_of(self.key_result.phases) if self.key_result is not None else ()
        inside = {p.until for p in stored if cycle.start_date < p.until <= cycle.end_date}
        self.phase_dates = tuple(sorted(set(month_ends(cycle.start_date, cycle.end_date)) | inside))
        values = {p.until: p.value for p in stored}
        for index, day in enumerate(self.phase_dates):
            name = f"phase_{index}"
            self.fields[name] = NumberField(
                label=date_format(day, "j M Y"),
                widget=forms.NumberInput(
                    attrs=_input(step="any", inputmode="decimal", **{"data-phase": day.isoformat()})
                ),
            )
            if day in values:
                self.initial.setdefault(name, _plain(values[day]))

    @property
    def phase_fields(self) -> list[forms.BoundField]:
        """The phased targets' fields, in date order."""
        return [self[f"phase_{index}"] for index in range(len(self.phase_dates))]

    def phases_open(self) -> bool:
        """Whether the phased targets are shown unfolded: when set or refused."""
        names = [f"phase_{index}" for index in range(len(self.phase_dates))]
        if any(self.errors.get(name) for name in [*names, "phases"]):
            return True
        if self.is_bound:
            return any(self.data.get(self.add_prefix(name)) for name in names)
        return any(self.initial.get(name) is not None for name in names)

    def _phases(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The typed phases, and which field each refusal of `phases[i]` belongs to."""
        data = self.cleaned_data
        phases: list[dict[str, Any]] = []
        aliases: dict[str, str] = {}
        if data.get("kind") not in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
            return phases, aliases
        for index, day in enumerate(self.phase_dates):
            value = data.get(f"phase_{index}")
            if value is None:
                continue
            for part in ("until", "value"):
                aliases[f"phases[{len(phases)}].{part}"] = f"phase_{index}"
            phases.append({"until": day, "value": value})
        if self.phase_dates:
            aliases["phases"] = "phase_0"
        return phases, aliases

    @property
    def kind_value(self) -> str:
        """The kind shown: the one submitted, else the saved or initial one."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("kind"))
            if value in KIND_FIELDS:
                return str(value)
        return str(self.initial.get("kind") or KeyResultKind.INCREASE.value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in KIND_FIELDS:
            for name in KIND_SPECIFIC:
                if name not in KIND_FIELDS[kind]:
                    data[name] = None
                    self.errors.pop(name, None)
        if not data.get("kpi_mode"):
            data["kpi_mode"] = KpiLinkMode.LATEST.value
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as `create_key_result` / `update_key_result` take it."""
        data = self.cleaned_data
        return {
            "title": data.get("title") or "",
            "kind": data.get("kind") or KeyResultKind.INCREASE.value,
            "owner": data.get("owner"),
            "unit": (data.get("unit") or "").strip(),
            "weight": data.get("weight"),
            "start": data.get("start"),
            "target": data.get("target"),
            "commit": data.get("commit"),
            "stretch": data.get("stretch"),
            "low": data.get("low"),
            "high": data.get("high"),
            "kpi": data.get("kpi"),
            "kpi_mode": data.get("kpi_mode") or KpiLinkMode.LATEST.value,
            "contributes_to": data.get("contributes_to"),
            "rollup": data.get("rollup") or Rollup.NONE.value,
        } | ({"phases": self._phases()[0]} if self.phase_dates else {})

    def draft(self) -> KeyResult:
        """An unsaved key result holding the form's values (a copy when editing)."""
        if self.key_result is not None:
            draft = copy.copy(self.key_result)
        else:
            draft = KeyResult(workspace=self.workspace, objective=self.objective)
        for name, value in self.service_fields().items():
            setattr(draft, name, value)
        draft.title = draft.title.strip()
        if self.phase_dates:
            draft.phases = stored_phases(read_phases(draft.phases)[0])
        return draft

    def check(self) -> bool:
        """Validate the values as the model (and so the domain) will on save.

        Fields the form could not read are left out of the draft and of the model's check,
        so that each problem is reported once, and all of them at once.
        """
        if not self.is_bound:
            return False
        self.is_valid()
        skip = ["workspace", "objective", *self.errors]
        self.model_check(self.draft(), skip, self.phase_aliases())
        return not self.errors

    def phase_aliases(self) -> dict[str, str]:
        """The field each refusal of the phased targets is shown beside."""
        return self._phases()[1] if self.phase_dates and hasattr(self, "cleaned_data") else {}

    def zones_open(self) -> bool:
        """Whether the optional zones are shown unfolded: when set or refused."""
        names = ("commit", "stretch")
        if any(self.errors.get(name) for name in names):
            return True
        if self.is_bound:
            return any(self.data.get(self.add_prefix(name)) for name in names)
        return any(self.initial.get(name) is not None for name in names)


def key_result_initial(key_result: KeyResult) -> dict[str, Any]:
    """A saved key result's values as the form starts with them."""
    return {
        "title": key_result.title,
        "kind": key_result.kind,
        "owner": key_result.owner,
        "unit": key_result.unit,
        "weight": _plain(key_result.weight),
        "start": _plain(key_result.start),
        "target": _plain(key_result.target),
        "commit": _plain(key_result.commit),
        "stretch": _plain(key_result.stretch),
        "low": _plain(key_result.low),
        "high": _plain(key_result.high),
        "kpi": key_result.kpi,
        "kpi_mode": key_result.kpi_mode,
        "contributes_to": key_result.contributes_to,
        "rollup": key_result.rollup,
    }


def _plain(value: float | None) -> float | int | None:
    """12.0 as 12 in an input, so people read the number they typed."""
    if value is None or not math.isfinite(value) or value != int(value):
        return value
    return int(value)

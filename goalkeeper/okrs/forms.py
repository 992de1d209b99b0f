"""Forms of the OKR pages. They parse and explain; the models and services decide.

No rule about numbers lives here: a form turns text into values, builds the unsaved row and
asks the model's `full_clean` (which asks `goalkeeper.domain`), so a page shows exactly the
field and reason the API and the CLI show. The choices (people, teams, objectives, KPIs,
cycles) are each read in one query, whatever their number, and looked up in memory.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.urls import reverse

from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.domain.fiscal import fiscal_quarter_name
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.limits import MAX_WEIGHT
from goalkeeper.domain.periods import Frequency, next_period, period_of
from goalkeeper.okrs.kpi_links import kpi_options
from goalkeeper.okrs.models import (
    Cycle,
    CycleState,
    KeyResult,
    KpiLinkMode,
    Objective,
    ObjectiveKind,
    ObjectiveState,
)
from goalkeeper.okrs.services import Closing

# Fields each kind of key result uses. The others are cleared rather than refused: the form
# keeps them (hidden) while the kind changes, and without JavaScript they are all shown.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    KeyResultKind.INCREASE: ("start", "target", "commit", "stretch", "kpi", "kpi_mode"),
    KeyResultKind.DECREASE: ("start", "target", "commit", "stretch", "kpi", "kpi_mode"),
    KeyResultKind.MAINTAIN: ("low", "high", "kpi", "kpi_mode"),
    KeyResultKind.MILESTONE: (),
}
KIND_SPECIFIC = ("start", "target", "commit", "stretch", "low", "high", "kpi", "kpi_mode")
KIND_CHOICES = [
    (KeyResultKind.INCREASE.value, "Increase", "Move a number up, from a start to a target."),
    (KeyResultKind.DECREASE.value, "Decrease", "Bring a number down, from a start to a target."),
    (KeyResultKind.MAINTAIN.value, "Maintain", "Keep a number inside a band all cycle long."),
    (KeyResultKind.MILESTONE.value, "Milestone", "Done or not done."),
]
OBJECTIVE_KIND_CHOICES = [
    (ObjectiveKind.COMMITTED.value, "Committed", "Must be met in full: success is 1.0."),
    (
        ObjectiveKind.ASPIRATIONAL.value,
        "Aspirational",
        "A stretch goal: 0.7 already counts as success.",
    ),
]
STATE_CHOICES = [
    (ObjectiveState.ACTIVE.value, "Active", "Worked on and shown on the boards."),
    (ObjectiveState.DRAFT.value, "Draft", "A proposal: kept off the boards until activated."),
]
KPI_MODE_CHOICES = [
    (KpiLinkMode.LATEST.value, "Latest value of the KPI"),
    (KpiLinkMode.CYCLE_AGGREGATE.value, "The KPI's aggregate over the cycle"),
]


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
            raise ValidationError("enter a number, e.g. 42 or 0.5", code="invalid") from None

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


class DescribedRadioSelect(forms.RadioSelect):
    """Radio buttons with one line of explanation under each choice."""

    template_name = "okrs/widgets/described_radio.html"

    def __init__(self, descriptions: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.descriptions = dict(descriptions)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["description"] = self.descriptions.get(str(option["value"]), "")
        return option


def _described(
    choices: Sequence[tuple[str, str, str]],
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    return [(value, label) for value, label, _ in choices], {v: d for v, _, d in choices}


class ObjectPicker:
    """Choices for a select, read once, and the objects behind them by id."""

    def __init__(self, objects: Iterable[Model]) -> None:
        self.by_id: dict[str, Model] = {str(obj.pk): obj for obj in objects}

    def get(self, value: Any) -> Any:
        return self.by_id.get(str(value)) if value not in (None, "") else None


def team_tree(teams: Sequence[Team]) -> list[tuple[Team, int]]:
    """Teams in tree order (the company root first, children by name), with their depth."""
    children: dict[int | None, list[Team]] = {}
    ids = {team.pk for team in teams}
    for team in teams:
        parent = team.parent_id if team.parent_id in ids else None
        children.setdefault(parent, []).append(team)
    ordered: list[tuple[Team, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for team in sorted(children.get(parent, []), key=lambda t: t.name.lower()):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


def _indent(label: str, depth: int) -> str:
    # Non-breaking spaces: a select shows them, and a screen reader ignores them.
    return "\u00a0\u00a0\u00a0" * depth + label


class ModelErrorsMixin(forms.Form):
    """Show a model's or a service's ValidationError next to the fields it names."""

    def model_check(self, draft: Model, skip: Sequence[str]) -> None:
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
            self.add_model_errors(error)

    def set_choices(self, name: str, choices: Sequence[Any]) -> None:
        field: Any = self.fields[name]
        field.choices = choices

    def add_model_errors(self, error: ValidationError, aliases: Mapping[str, str] = {}) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for field, messages in error.message_dict.items():
            name = aliases.get(field, field)
            for message in messages:
                if name in self.fields:
                    self.add_error(name, message)
                elif name == "__all__":
                    self.add_error(None, message)
                else:
                    self.add_error(None, f"{name.replace('_', ' ')}: {message}")


# --- Objectives ----------------------------------------------------------------------------


class ObjectiveForm(ModelErrorsMixin):
    """Create or edit an objective. The cycle is chosen on creation only."""

    cycle = forms.ChoiceField(widget=forms.Select(attrs=_input()))
    title = forms.CharField(
        required=False,
        strip=True,
        help_text="The outcome you want, in words anyone understands.",
        widget=forms.TextInput(attrs=_input(maxlength=200, autocomplete="off")),
    )
    description = forms.CharField(
        required=False,
        label="Why it matters",
        widget=forms.Textarea(attrs=_input(rows=3)),
    )
    team = forms.ChoiceField(widget=forms.Select(attrs=_input()))
    owner = forms.ChoiceField(required=False, widget=forms.Select(attrs=_input()))
    kind = forms.ChoiceField(
        choices=_described(OBJECTIVE_KIND_CHOICES)[0],
        initial=ObjectiveKind.COMMITTED.value,
        widget=DescribedRadioSelect(_described(OBJECTIVE_KIND_CHOICES)[1]),
    )
    parent = forms.ChoiceField(
        required=False,
        label="Supports",
        help_text="The objective this one contributes to, for the alignment tree.",
        widget=forms.Select(attrs=_input()),
    )
    roll_up_children = forms.BooleanField(
        required=False,
        label="Roll up aligned objectives",
        help_text="Count each objective that supports this one as one more key result.",
    )
    state = forms.ChoiceField(
        choices=_described(STATE_CHOICES)[0],
        initial=ObjectiveState.ACTIVE.value,
        widget=DescribedRadioSelect(_described(STATE_CHOICES)[1]),
    )

    field_order = (
        "cycle",
        "title",
        "description",
        "team",
        "owner",
        "kind",
        "parent",
        "roll_up_children",
        "state",
    )

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        objective: Objective | None = None,
        cycle: Cycle | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.objective = objective
        teams = list(Team.objects.filter(workspace=workspace, archived_at__isnull=True))
        if objective is not None and objective.team_id not in {t.pk for t in teams}:
            teams.append(objective.team)
        self.tree = team_tree(teams)
        self.teams = ObjectPicker(teams)
        self.set_choices("team", [(t.pk, _indent(t.name, d)) for t, d in self.tree])
        people = list(Person.objects.filter(workspace=workspace, is_active=True).order_by("name"))
        self.people = ObjectPicker(people)
        self.set_choices("owner", [("", "No owner"), *((p.pk, p.name) for p in people)])
        if objective is not None:
            del self.fields["cycle"]
            self.chosen_cycle: Cycle | None = objective.cycle
            if objective.state == ObjectiveState.CLOSED:
                # Closed on its own before its cycle: its state is no longer a choice.
                del self.fields["state"]
        else:
            cycles = list(
                Cycle.objects.filter(workspace=workspace)
                .exclude(state=CycleState.CLOSED)
                .order_by("-start_date", "-id")
            )
            self.cycles = ObjectPicker(cycles)
            self.set_choices(
                "cycle", [(c.pk, f"{c.name} ({c.get_state_display().lower()})") for c in cycles]
            )
            # Another cycle (or team) has other parents to offer: fetch the list again.
            refresh = {
                "hx-get": reverse("objective_create"),
                "hx-trigger": "change",
                "hx-include": "[name=cycle], [name=team], [name=parent]",
                "hx-select": "[data-field=parent]",
                "hx-target": "[data-field=parent]",
                "hx-swap": "outerHTML",
            }
            self.fields["cycle"].widget.attrs.update(refresh)
            self.fields["team"].widget.attrs.update(refresh)
            chosen = self.cycles.get(self.data.get("cycle")) if self.is_bound else None
            self.chosen_cycle = chosen or cycle or (cycles[0] if cycles else None)
        self._parents()

    def _parents(self) -> None:
        """Objectives of the same cycle, grouped by team, the company's first."""
        objectives: list[Objective] = []
        if self.chosen_cycle is not None:
            rows = Objective.objects.filter(cycle=self.chosen_cycle).only("id", "title", "team_id")
            if self.objective is not None:
                rows = rows.exclude(pk=self.objective.pk)
            objectives = list(rows.order_by("id"))
        current = self.objective.parent if self.objective is not None else None
        if current is not None and current.pk not in {o.pk for o in objectives}:
            # Aligned to an objective of another cycle (a yearly one): keep it selectable.
            objectives.append(current)
        self.parents = ObjectPicker(objectives)
        names = {team.pk: team.name for team, _ in self.tree}
        # The company first, then the teams above the objective's own (nearest first): the
        # usual parents. The other teams follow in tree order.
        order = {team.pk: len(self.tree) + index for index, (team, _) in enumerate(self.tree)}
        for rank, team_id in enumerate(self._ancestors(), start=1):
            order[team_id] = rank
        for team, depth in self.tree:
            if depth == 0:
                order[team.pk] = 0
        groups: dict[int, list[tuple[int, str]]] = {}
        for objective in objectives:
            groups.setdefault(objective.team_id, []).append((objective.pk, objective.title))
        choices: list[Any] = [("", "Nothing: a top-level objective")]
        for team_id in sorted(groups, key=lambda pk: order.get(pk, len(order))):
            choices.append((names.get(team_id, "Other teams"), groups[team_id]))
        self.set_choices("parent", choices)

    def _ancestors(self) -> list[int]:
        """Ids of the teams above the chosen team, its parent first."""
        chosen = self.data.get("team") if self.is_bound else self.initial.get("team")
        team = self.teams.get(chosen)
        if team is None and self.objective is not None:
            team = self.teams.get(self.objective.team_id)
        parents = {t.pk: t.parent_id for t, _ in self.tree}
        found: list[int] = []
        current = parents.get(team.pk) if team is not None else None
        while current is not None and current not in found:
            found.append(current)
            current = parents.get(current)
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "cycle" in self.fields:
            data["cycle"] = self.cycles.get(data.get("cycle"))
            if data["cycle"] is None and "cycle" not in self.errors:
                self.add_error("cycle", "choose a cycle in planning or active")
        data["team"] = self.teams.get(data.get("team"))
        data["owner"] = self.people.get(data.get("owner"))
        data["parent"] = self.parents.get(data.get("parent"))
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as `create_objective` / `update_objective` take it."""
        data = self.cleaned_data
        fields = {
            "title": data.get("title") or "",
            "description": (data.get("description") or "").strip(),
            "team": data.get("team"),
            "owner": data.get("owner"),
            "kind": data.get("kind") or ObjectiveKind.COMMITTED.value,
            "parent": data.get("parent"),
            "roll_up_children": bool(data.get("roll_up_children")),
        }
        if "state" in self.fields:
            fields["state"] = data.get("state") or ObjectiveState.ACTIVE.value
        return fields

    def draft(self) -> Objective:
        """An unsaved objective holding the form's values (a copy when editing)."""
        fields = self.service_fields()
        if self.objective is not None:
            draft = copy.copy(self.objective)
        else:
            draft = Objective(workspace=self.workspace, cycle=self.chosen_cycle)
        for name, value in fields.items():
            setattr(draft, name, value)
        draft.title = draft.title.strip()
        return draft

    def check(self) -> bool:
        """Validate the values as the model will on save; field errors join the form's.

        The model checks what the form could read, so that every problem shows at once; a
        field the form already refused is not judged twice. The lock of a closed cycle is
        the service's to check.
        """
        if not self.is_bound:
            return False
        self.is_valid()
        skip = ["workspace", "cycle", *self.errors]
        if self.cleaned_data.get("team") is None:
            skip.append("team")
        self.model_check(self.draft(), skip)
        return not self.errors


# --- Key results ---------------------------------------------------------------------------


class KeyResultForm(ModelErrorsMixin):
    """Create or edit a key result of any kind; only the kind's own numbers are kept."""

    title = forms.CharField(
        required=False,
        help_text="What will have changed, e.g. “Weekly active teams”.",
        widget=forms.TextInput(attrs=_input(maxlength=200, autocomplete="off")),
    )
    kind = forms.ChoiceField(
        choices=[(value, label) for value, label, _ in KIND_CHOICES],
        initial=KeyResultKind.INCREASE.value,
        label="How it is measured",
        widget=DescribedRadioSelect({value: text for value, _, text in KIND_CHOICES}),
    )
    owner = forms.ChoiceField(required=False, widget=forms.Select(attrs=_input()))
    unit = forms.CharField(
        required=False,
        help_text="%, $, ms, customers…",
        widget=forms.TextInput(attrs=_input(maxlength=30, autocomplete="off")),
    )
    weight = NumberField(
        required=True,
        initial=1,
        help_text="How much it counts in the objective's progress, against the others.",
        error_messages={
            "required": "give a weight: 1 unless it counts more or less than the others"
        },
        widget=forms.NumberInput(attrs=_input(step="any", min="0", max=f"{MAX_WEIGHT:g}")),
    )
    start = NumberField(help_text="The value today.")
    target = NumberField(help_text="The value that scores 1.0 (0.7 with zones).")
    commit = NumberField(
        label="Commit",
        help_text="Between start and target: scores 0.3.",
    )
    stretch = NumberField(
        label="Stretch",
        help_text="Beyond the target: scores 1.0.",
    )
    low = NumberField(label="Low bound", help_text="Stay at or above. Leave empty for none.")
    high = NumberField(label="High bound", help_text="Stay at or below. Leave empty for none.")
    kpi = forms.ChoiceField(
        required=False,
        label="Read from a KPI",
        help_text="The key result's value then comes from the KPI by itself.",
        widget=forms.Select(attrs=_input()),
    )
    kpi_mode = forms.ChoiceField(
        required=False,
        label="Which value",
        choices=KPI_MODE_CHOICES,
        initial=KpiLinkMode.LATEST.value,
        widget=forms.Select(attrs=_input()),
    )

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        objective: Objective,
        key_result: KeyResult | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.objective = objective
        self.key_result = key_result
        people = list(Person.objects.filter(workspace=workspace, is_active=True).order_by("name"))
        self.people = ObjectPicker(people)
        self.set_choices("owner", [("", "No owner"), *((p.pk, p.name) for p in people)])
        # The KPIs come from the bridges app (okrs does not import kpis): one query.
        options = kpi_options(workspace, key_result.kpi_id if key_result is not None else None)
        self.kpis = ObjectPicker(kpi for kpi, _ in options)
        self.set_choices(
            "kpi",
            [("", "No: values come from check-ins"), *((kpi.pk, label) for kpi, label in options)],
        )

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
        data["owner"] = self.people.get(data.get("owner"))
        data["kpi"] = self.kpis.get(data.get("kpi"))
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
        }

    def draft(self) -> KeyResult:
        """An unsaved key result holding the form's values (a copy when editing)."""
        if self.key_result is not None:
            draft = copy.copy(self.key_result)
        else:
            draft = KeyResult(workspace=self.workspace, objective=self.objective)
        for name, value in self.service_fields().items():
            setattr(draft, name, value)
        draft.title = draft.title.strip()
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
        self.model_check(self.draft(), skip)
        return not self.errors

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
        "owner": key_result.owner_id or "",
        "unit": key_result.unit,
        "weight": _plain(key_result.weight),
        "start": _plain(key_result.start),
        "target": _plain(key_result.target),
        "commit": _plain(key_result.commit),
        "stretch": _plain(key_result.stretch),
        "low": _plain(key_result.low),
        "high": _plain(key_result.high),
        "kpi": key_result.kpi_id or "",
        "kpi_mode": key_result.kpi_mode,
    }


def _plain(value: float | None) -> float | int | None:
    """12.0 as 12 in an input, so people read the number they typed."""
    if value is None or not math.isfinite(value) or value != int(value):
        return value
    return int(value)


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
    for _ in range(count + 8):
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
        help_text="Quarters read best as 2027-Q1, or FY2027-Q1 for a fiscal year; any name works.",
        widget=forms.TextInput(attrs=_input(maxlength=60, autocomplete="off")),
    )
    start_date = forms.DateField(
        label="First day",
        error_messages={"required": "give the cycle's first day", "invalid": "enter a date"},
        widget=forms.DateInput(attrs=_input(type="date"), format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label="Last day",
        error_messages={"required": "give the cycle's last day", "invalid": "enter a date"},
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
        label="Final score",
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
        label="Retrospective",
        widget=forms.Textarea(
            attrs=_input(rows=2, placeholder="What worked, what did not, what to change next time.")
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
            return list(error.messages)
        for key, messages in error.message_dict.items():
            objective_id, _, field = key.partition(".")
            form = forms_by_id.get(objective_id)
            if form is not None and field in form.fields:
                for message in messages:
                    form.add_error(field, message)
            else:
                others += [
                    f"{key.replace('_', ' ')}: {m}" if key != "__all__" else m for m in messages
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

    target = forms.ChoiceField(label="Into the cycle", widget=forms.Select(attrs=_input()))
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
            self.add_error("target", "choose a cycle in planning or active")
        if not data.get("objectives") and "objectives" not in self.errors:
            self.add_error("objectives", "choose at least one objective to carry over")
        data["objectives"] = [int(pk) for pk in data.get("objectives") or []]
        return data

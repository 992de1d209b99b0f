"""The objective form: title, team, owner, kind, parent, state."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.urls import reverse

from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.okrs.forms.common import (
    DescribedRadioSelect,
    ModelErrorsMixin,
    ObjectPicker,
    _described,
    _indent,
    _input,
    team_tree,
)
from goalkeeper.okrs.models import (
    Cycle,
    CycleState,
    Objective,
    ObjectiveKind,
    ObjectiveState,
)

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

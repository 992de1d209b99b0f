"""The objective form: title, team, owner, kind, parent, state."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.pickers import people_source, teams_source
from goalkeeper.okrs.forms.alignments import AlignedRowsMixin
from goalkeeper.okrs.forms.common import (
    DescribedRadioSelect,
    ModelErrorsMixin,
    ObjectPicker,
    _described,
    _input,
)
from goalkeeper.okrs.models import (
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveKind,
    ObjectiveState,
)
from goalkeeper.okrs.pickers import objectives_source
from goalkeeper.pickers import PickerField, picker

OBJECTIVE_KIND_CHOICES = [
    (ObjectiveKind.COMMITTED.value, _("Committed"), _("Must be met in full: success is 1.0.")),
    (
        ObjectiveKind.ASPIRATIONAL.value,
        _("Aspirational"),
        _("A stretch goal: 0.7 already counts as success."),
    ),
]
# The model's and the services' names for the alignment, shown on the "Contributes to" rows.
ALIGNED_ALIASES = {
    "parent": "aligned_0_objective",
    "parent_key_result": "aligned_0_key_result",
    "parents": "aligned_rows",
}
STATE_CHOICES = [
    (ObjectiveState.ACTIVE.value, _("Active"), _("Worked on and shown on the boards.")),
    (ObjectiveState.DRAFT.value, _("Draft"), _("A proposal: kept off the boards until activated.")),
]


# --- Objectives ----------------------------------------------------------------------------


class ObjectiveForm(AlignedRowsMixin, ModelErrorsMixin):
    """Create or edit an objective. The cycle is chosen on creation only."""

    cycle = forms.ChoiceField(label=_("Cycle"), widget=forms.Select(attrs=_input()))
    title = forms.CharField(
        required=False,
        strip=True,
        label=_("Title"),
        help_text=_("The outcome you want, in words anyone understands."),
        widget=forms.TextInput(attrs=_input(maxlength=200, autocomplete="off")),
    )
    description = forms.CharField(
        required=False,
        label=_("Why it matters"),
        widget=forms.Textarea(attrs=_input(rows=3)),
    )
    team = PickerField(noun="team", label=_("Team"))
    owner = PickerField(noun="person", required=False, label=_("Owner"), empty_label=_("No owner"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=_described(OBJECTIVE_KIND_CHOICES)[0],
        initial=ObjectiveKind.COMMITTED.value,
        widget=DescribedRadioSelect(_described(OBJECTIVE_KIND_CHOICES)[1]),
    )
    roll_up_children = forms.BooleanField(
        required=False,
        label=_("Roll up aligned objectives"),
        help_text=_("Count each objective that supports this one as one more key result."),
    )
    state = forms.ChoiceField(
        label=_("State"),
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
        "roll_up_children",
        "state",
    )

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        objective: Objective | None = None,
        cycle: Cycle | None = None,
        parents: Sequence[Objective | KeyResult | None] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.objective = objective
        keep = objective.team if objective is not None else None
        picker(self, "team").use(teams_source(workspace, keep=keep))
        picker(self, "owner").use(people_source(workspace))
        if objective is not None:
            del self.fields["cycle"]
            self.chosen_cycle: Cycle | None = objective.cycle
            if objective.state == ObjectiveState.CLOSED:
                # Closed on its own before its cycle: its state is no longer a choice.
                del self.fields["state"]
            # Parents are searched in the objective's cycle (one of another cycle, such as
            # a yearly objective, is kept and accepted).
            self.add_aligned_rows(
                workspace,
                objectives_source(workspace, exclude=objective),
                parents,
                params={"cycle": objective.cycle_id, "exclude": objective.pk},
                depends=("team",),
            )
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
            chosen = self.cycles.get(self.data.get("cycle")) if self.is_bound else None
            self.chosen_cycle = chosen or cycle or (cycles[0] if cycles else None)
            # Parents are searched in the cycle chosen above, whichever it is at the time,
            # the objectives of the teams above the chosen team first.
            self.add_aligned_rows(
                workspace, objectives_source(workspace), parents, depends=("cycle", "team")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "cycle" in self.fields:
            data["cycle"] = self.cycles.get(data.get("cycle"))
            if data["cycle"] is None and "cycle" not in self.errors:
                self.add_error("cycle", _("choose a cycle in planning or active"))
        self.clean_aligned()
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
        # The primary parent as `set_alignments` will store it, for the model's checks.
        first = next(iter(self.parents()), None)
        draft.parent = self.primary_parent()
        draft.parent_key_result = first if isinstance(first, KeyResult) else None
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
        # The alignment is `set_alignments`' to judge: it names a loop in full.
        skip = ["workspace", "cycle", "parent", "parent_key_result", *self.errors]
        if self.cleaned_data.get("team") is None:
            skip.append("team")
        self.model_check(self.draft(), skip, ALIGNED_ALIASES)
        return not self.errors

"""The "Contributes to" rows of the objective form: one or more parents, each an objective
or one of its key results, in any team; the first is the primary one, the alignment tree's
(docs/cascade.md).

Rows are plain pickers named `aligned_<n>_objective` and `aligned_<n>_key_result`; the
number of rows travels in `aligned_rows`. Adding, removing and reordering rows are buttons
that post the form back without saving, so they work from the keyboard and without
JavaScript, and every picker keeps its value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BoundField
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.pickers import parent_key_results_source
from goalkeeper.pickers import PickerField, Source, picker

# An objective with more parents than this is not aligned, it is scattered.
ALIGNED_MAX = 8
ROWS = "aligned_rows"
ADD = "aligned_add"
REMOVE = "aligned_remove"
PRIMARY = "aligned_primary"


@dataclass(frozen=True)
class AlignedRow:
    """One row as the template draws it."""

    index: int
    objective: BoundField
    key_result: BoundField

    @property
    def primary(self) -> bool:
        return self.index == 0


def editing_action(data: Mapping[str, Any] | None) -> bool:
    """Whether the post only adds, removes or reorders rows (nothing is saved then)."""
    return data is not None and any(k in data for k in (ADD, REMOVE, PRIMARY))


def _int(value: Any, default: int) -> int:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else default


def posted_rows(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The rows as posted, (objective id, key result id) as text, after the row action."""
    if ROWS not in data and "parent" in data:
        # The form's single parent before it took several (API-like posts, bookmarks).
        return [(str(data.get("parent", "")), "")]
    count = min(_int(data.get(ROWS), 1), ALIGNED_MAX)
    rows = [
        (str(data.get(f"aligned_{n}_objective", "")), str(data.get(f"aligned_{n}_key_result", "")))
        for n in range(count)
    ]
    if ADD in data and len(rows) < ALIGNED_MAX:
        rows.append(("", ""))
    if REMOVE in data:
        gone = _int(data.get(REMOVE), -1)
        rows = [row for n, row in enumerate(rows) if n != gone]
    if PRIMARY in data:
        first = _int(data.get(PRIMARY), 0)
        if 0 < first < len(rows):
            rows.insert(0, rows.pop(first))
    return rows or [("", "")]


def current_rows(
    objective: Objective | None, first: Objective | KeyResult | None = None
) -> list[Objective | KeyResult | None]:
    """The parents an objective has (the primary first), as the rows' initial values.

    Reads the further alignments in one query; a new objective starts from `first`.
    """
    if objective is None:
        return [first]
    rows: list[Objective | KeyResult | None] = []
    if objective.parent_key_result_id is not None:
        rows.append(objective.parent_key_result)
    elif objective.parent_id is not None:
        rows.append(objective.parent)
    for alignment in objective.alignments.select_related("parent", "key_result__objective"):
        rows.append(alignment.key_result or alignment.parent)
    return rows or [None]


class AlignedRowsMixin(forms.Form):
    """Adds the "Contributes to" rows to a form; `parents()` gives what they chose."""

    aligned_rows = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def add_aligned_rows(
        self,
        workspace: Workspace,
        objectives: Source,
        initial: Sequence[Objective | KeyResult | None],
        *,
        params: Mapping[str, Any] | None = None,
        depends: Sequence[str] = (),
    ) -> None:
        """Build the rows: as posted when bound (after any row action), else `initial`."""
        values: list[tuple[Any, Any]]
        if self.is_bound:
            values = list(posted_rows(self.data))
            # The rows as they are now (one added, removed or moved first) are what the
            # page shows and what the next post sends: renumber the posted values.
            data = dict(self.data.items())
            for key in [k for k in data if k.startswith("aligned_") and k[8:9].isdigit()]:
                del data[key]
            data[ROWS] = str(len(values))
            for n, (objective, key_result) in enumerate(values):
                data[f"aligned_{n}_objective"] = objective
                data[f"aligned_{n}_key_result"] = key_result
            self.data = data
        else:
            values = [
                (item.objective, item) if isinstance(item, KeyResult) else (item, None)
                for item in initial
            ] or [(None, None)]
        self.aligned_count = len(values)
        self.initial[ROWS] = self.aligned_count
        key_results = parent_key_results_source(workspace.pk)
        for n, (objective, key_result) in enumerate(values):
            self.fields[f"aligned_{n}_objective"] = PickerField(
                noun="objective",
                required=False,
                empty_label=_("Choose an objective"),
                label=_("Objective"),
            )
            self.fields[f"aligned_{n}_key_result"] = PickerField(
                noun="key result",
                required=False,
                empty_label=_("The whole objective"),
                label=_("Or one of its key results"),
            )
            picker(self, f"aligned_{n}_objective").use(objectives, params=params, depends=depends)
            picker(self, f"aligned_{n}_key_result").use(
                key_results, params={"labels": "objective"}, depends=("team",)
            )
            if not self.is_bound:
                self.initial[f"aligned_{n}_objective"] = objective
                self.initial[f"aligned_{n}_key_result"] = key_result

    def after_row_action(self) -> None:
        """A post that only changed the rows shows no errors yet (nothing was saved), and
        puts the focus on the row it added or moved first, so the keyboard stays there."""
        self._errors = ErrorDict()
        data = self.data
        row = self.aligned_count - 1 if ADD in data else 0
        for bound in self:
            bound.field.widget.attrs.pop("autofocus", None)
        self.fields[f"aligned_{row}_objective"].widget.attrs["autofocus"] = True

    def aligned(self) -> list[AlignedRow]:
        """The rows, for the template."""
        return [
            AlignedRow(n, self[f"aligned_{n}_objective"], self[f"aligned_{n}_key_result"])
            for n in range(self.aligned_count)
        ]

    def clean_aligned(self) -> None:
        """Read the rows into `parents()`; a key result beside another objective is refused.
        Called by the form's `clean`."""
        chosen: list[Objective | KeyResult] = []
        for n in range(self.aligned_count):
            objective = self.cleaned_data.get(f"aligned_{n}_objective")
            key_result = self.cleaned_data.get(f"aligned_{n}_key_result")
            if key_result is not None:
                if objective is not None and key_result.objective_id != objective.pk:
                    self.add_error(
                        f"aligned_{n}_key_result",
                        _(
                            "“%(key_result)s” is a key result of “%(objective)s”, not of the "
                            "objective chosen beside it"
                        )
                        % {
                            "key_result": key_result.title,
                            "objective": key_result.objective.title,
                        },
                    )
                chosen.append(key_result)
            elif objective is not None:
                chosen.append(objective)
        self._parents = chosen

    def parents(self) -> list[Objective | KeyResult]:
        """What the rows chose, in order: a key result where one is chosen, else the
        objective; empty rows left out."""
        return list(getattr(self, "_parents", []))

    def primary_parent(self) -> Objective | None:
        """The objective the first chosen row points at (a key result's objective)."""
        for item in self.parents():
            return item.objective if isinstance(item, KeyResult) else item
        return None

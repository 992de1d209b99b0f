"""The objective writer: an objective's form and its key results' rows, on one page.

Each key result row is a `KeyResultForm` with the prefix `kr-<key>`; the page posts the keys
in display order as `kr` (a row added in the browser takes the next free key, a removed row
is simply no longer posted) and a saved key result's id as `kr-<key>-id`. A row left empty
(nothing typed, not saved before) is no key result and is skipped. See docs/okrs.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.domain.coach import KeyResultDraft
from goalkeeper.okrs import coaching
from goalkeeper.okrs.coaching import Coaching
from goalkeeper.okrs.forms.common import _input
from goalkeeper.okrs.forms.key_results import (
    KIND_CHOICES,
    KIND_FIELDS,
    KeyResultForm,
    key_result_initial,
)
from goalkeeper.okrs.forms.objectives import ALIGNED_ALIASES, ObjectiveForm
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services.writer import KeyResultPlan

# More rows than anyone writes for one objective (the advice is 2 to 5): a bound on the
# work of one request.
MAX_ROWS = 30
TEMPLATE_KEY = "__row__"
# Posted by the page with its rows: without it, a post changes the objective only.
ROWS_MARKER = "kr_rows"
# Without JavaScript, "Add key result" and "Remove" post the page back with these.
ADD_ROW = "kr_add"
REMOVE_ROW = "kr_remove"


def row_action(data: Mapping[str, Any]) -> bool:
    """Whether a post only adds or removes a key result row (the page without JavaScript)."""
    return bool(data.get(ADD_ROW) or data.get(REMOVE_ROW))


# What a person types in a row; a row where all of them are empty is no key result yet.
TYPED_FIELDS = (
    "title",
    "unit",
    "start",
    "target",
    "commit",
    "stretch",
    "low",
    "high",
    "kpi",
    "contributes_to",
)


@dataclass
class KeyResultRow:
    """One key result on the writer: its key in the page, its form, the saved row if any."""

    key: str
    form: KeyResultForm
    key_result: KeyResult | None
    number: int = 0

    @property
    def prefix(self) -> str:
        return f"kr-{self.key}"

    @property
    def blank(self) -> bool:
        """Nothing typed and never saved: no key result yet."""
        if self.key_result is not None:
            return False
        if not self.form.is_bound:
            return not self.form.initial.get("title")
        return not any(
            str(self.form.data.get(self.form.add_prefix(name)) or "").strip()
            for name in TYPED_FIELDS
        )

    @property
    def more_open(self) -> bool:
        """Whether the rarer fields are shown unfolded: when one is set or refused."""
        names = ("commit", "stretch", "kpi", "contributes_to")
        form = self.form
        if any(form.errors.get(name) for name in (*names, "kpi_mode", "rollup")):
            return True
        if form.is_bound:
            return any(form.data.get(form.add_prefix(name)) for name in names) or (
                form.data.get(form.add_prefix("rollup")) not in (None, "", "none")
            )
        return any(form.initial.get(name) not in (None, "") for name in names) or (
            form.initial.get("rollup") not in (None, "", "none")
        )


@dataclass(frozen=True)
class Problem:
    """A refusal named for people: "Key result 2 · Target: must differ from start"."""

    label: str
    message: str
    anchor: str


class ObjectiveWriter:
    """An objective's form with its key results' rows; validates and plans the one write."""

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        workspace: Workspace,
        objective: Objective | None = None,
        initial: Mapping[str, Any],
        key_results: Sequence[KeyResult] = (),
        default_owner: Person | None = None,
        drafts: Sequence[Mapping[str, Any]] = (),
        **objective_kwargs: Any,
    ) -> None:
        self.workspace = workspace
        self.objective = objective
        self.default_owner = default_owner
        self.form = ObjectiveForm(
            data,
            workspace=workspace,
            objective=objective,
            initial=initial,
            **objective_kwargs,
        )
        # The rows' forms judge their key result against this objective; a new one is
        # replaced by the objective form's draft once read (see `check`).
        self._owner = objective if objective is not None else Objective(workspace=workspace)
        saved = {kr.pk: kr for kr in key_results}
        # Rows beyond the limit are refused, never dropped: a dropped row of a saved key
        # result would read as removed and take its check-ins with it. Key results made
        # elsewhere (the API, a split) may exceed MAX_ROWS; all of them always fit.
        self.limit = max(MAX_ROWS, len(key_results))
        self.too_many = False
        self.rows: list[KeyResultRow] = []
        self.added: KeyResultRow | None = None
        # A post without the rows (an older page, a script) leaves the key results alone.
        self.rows_posted = data is not None and ROWS_MARKER in data
        if data is None or not self.rows_posted:
            for index, saved_row in enumerate(key_results):
                self.rows.append(self._row(str(index), None, saved_row))
            if not self.rows and objective is None:
                # A new objective starts with one empty row, or with the rows it was given
                # (a template's key results, still to be changed and saved).
                for index, draft in enumerate(list(drafts)[: self.limit] or [{}]):
                    self.rows.append(self._row(str(index), None, None, draft))
        else:
            removed = str(data.get(REMOVE_ROW) or "")
            keys = _keys(data, self.limit + 1)
            self.too_many = len([key for key in keys if key != removed]) > self.limit
            for key in keys[: self.limit + 1]:
                if key == removed:
                    continue
                posted_id = str(data.get(f"kr-{key}-id") or "")
                posted = saved.get(int(posted_id)) if posted_id.isdigit() else None
                self.rows.append(self._row(key, data, posted))
            if data.get(ADD_ROW) and len(self.rows) < self.limit:
                self.added = self._row(str(self.next_key), None, None)
                self.rows.append(self.added)
        self._number()

    def _row(
        self,
        key: str,
        data: Mapping[str, Any] | None,
        key_result: KeyResult | None,
        draft: Mapping[str, Any] | None = None,
    ) -> KeyResultRow:
        if key_result is not None:
            initial = key_result_initial(key_result)
        else:
            initial = {
                "owner": self.default_owner,
                "weight": 1,
                "kind": "increase",
                **(draft or {}),
            }
        form = KeyResultForm(
            data,
            workspace=self.workspace,
            objective=self._owner,
            key_result=key_result,
            initial=initial,
            prefix=f"kr-{key}",
        )
        compact(form)
        return KeyResultRow(key, form, key_result)

    def _number(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            row.number = number

    def template_row(self) -> KeyResultRow:
        """The empty row the page clones for "Add key result"."""
        row = self._row(TEMPLATE_KEY, None, None)
        row.number = 0
        return row

    @property
    def next_key(self) -> int:
        """The first key a row added in the browser may take."""
        keys = [int(row.key) for row in self.rows if row.key.isdigit()]
        return max(keys, default=-1) + 1

    @property
    def written(self) -> list[KeyResultRow]:
        """The rows that are key results: every row but the empty new ones."""
        return [row for row in self.rows if not row.blank]

    def check(self) -> bool:
        """Validate the objective and every written row, all at once (nothing is saved)."""
        valid = self.form.check()
        if self.objective is None and self.form.is_bound:
            draft = self.form.draft()
            for row in self.rows:
                row.form.objective = draft
        if self.rows_posted:
            for row in self.written:
                valid = row.form.check() and valid
        if self.too_many:
            self.form.add_error(
                None,
                _("At most %(limit)s key results fit on one page: remove some rows, then save.")
                % {"limit": self.limit},
            )
            valid = False
        return valid

    def plans(self) -> list[KeyResultPlan] | None:
        """The key results as `write_objective` takes them, in display order (None: leave
        them as they are, when the post did not carry the rows)."""
        if not self.rows_posted:
            return None
        return [KeyResultPlan(row.key_result, row.form.service_fields()) for row in self.written]

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a refusal of `write_objective` beside the field, and the row, it names."""
        if not hasattr(error, "error_dict"):
            self.form.add_model_errors(error)
            return
        written = self.written
        own: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            head, _dot, rest = key.partition(".")
            index, _dot, name = rest.partition(".")
            if head == "key_results" and index.isdigit() and int(index) < len(written):
                form = written[int(index)].form
                form.add_model_errors(ValidationError({name: messages}))
            else:
                own[key] = messages
        if own:
            self.form.add_model_errors(ValidationError(own), ALIGNED_ALIASES)

    def problems(self, touched: set[str] | None = None) -> list[Problem]:
        """Every refusal, named by its row and field, in page order (`touched`: the fields
        typed in, by their posted name; None for all)."""
        found: list[Problem] = []
        for bound in self.form:
            if bound.errors and (touched is None or bound.html_name in touched):
                found += [Problem(str(bound.label), str(e), bound.auto_id) for e in bound.errors]
        found += [Problem("", str(e), "") for e in self.form.non_field_errors()]
        for row in self.written:
            label = _("Key result %(number)s") % {"number": row.number}
            for bound in row.form:
                if bound.errors and (touched is None or bound.html_name in touched):
                    found += [
                        Problem(f"{label} · {bound.label}", str(e), bound.auto_id)
                        for e in bound.errors
                    ]
            found += [Problem(label, str(e), "") for e in row.form.non_field_errors()]
        return found

    def live_errors(self, touched: set[str] | None) -> list[tuple[str, list[str]]]:
        """Each field's error slot and its errors: shown on the fields typed in only."""
        slots: list[tuple[str, list[str]]] = []
        forms_: list[forms.Form] = [self.form, *(row.form for row in self.rows)]
        written = {id(row.form) for row in self.written}
        for form in forms_:
            judged = form is self.form or id(form) in written
            for bound in form:
                shown = judged and (touched is None or bound.html_name in touched)
                slots.append((bound.auto_id, [str(e) for e in bound.errors] if shown else []))
        return slots

    def coaching(self) -> Coaching:
        """The coach on what is typed: the objective, then each written row by number."""
        form = self.form
        source = form.data if form.is_bound else form.initial
        drafts = [_draft_of_row(row) for row in self.rows]
        return coaching.coach(
            str(source.get("title") or ""),
            bool(source.get("owner")),
            drafts,
        )


def _draft_of_row(row: KeyResultRow) -> KeyResultDraft:
    form = row.form
    if not form.is_bound:
        if row.key_result is not None:
            return coaching.draft_of_row(row.key_result)
        return coaching.draft_of_values("", form.kind_value, True, {})
    title = str(form.data.get(form.add_prefix("title")) or "")
    owner = form.data.get(form.add_prefix("owner"))
    values = getattr(form, "cleaned_data", {})
    return coaching.draft_of_values(title, form.kind_value, bool(owner), values)


def _keys(data: Mapping[str, Any], most: int) -> list[str]:
    """The posted rows' keys in order, without repeats, at most `most` of them."""
    getlist = getattr(data, "getlist", None)
    posted = getlist("kr") if getlist is not None else list(data.get("kr") or [])
    keys: list[str] = []
    for key in posted:
        if isinstance(key, str) and key.isdigit() and len(key) < 6 and key not in keys:
            keys.append(key)
            if len(keys) >= most:
                break
    return keys


def compact(form: KeyResultForm) -> None:
    """A key result's form as a row shows it: the kind as a list, shorter labels."""
    form.fields["kind"].widget = forms.Select(
        attrs=_input(), choices=[(value, label) for value, label, _d in KIND_CHOICES]
    )
    form.fields["kind"].label = _("Kind")
    # Named apart from the objective's title on the same page.
    form.fields["title"].label = _("Key result title")
    form.fields["weight"].widget.attrs["size"] = 4
    # A row is read at a glance: the help stays with the rarer fields, under "More".
    for name in ("title", "kind", "owner", "unit", "weight", "start", "target", "low", "high"):
        form.fields[name].help_text = ""


__all__ = [
    "KIND_FIELDS",
    "MAX_ROWS",
    "TEMPLATE_KEY",
    "KeyResultRow",
    "ObjectiveWriter",
    "Problem",
    "compact",
    "row_action",
]

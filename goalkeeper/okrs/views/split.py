"""The split page: share a key result's target among people or teams.

One form, posted for everything: "Add a share" and "Remove" re-render it with a row more or
less (no script needed, keyboard-friendly); a change re-renders only the preview (htmx);
"Split the target" calls `split_target` once and lands on the source's objective page.
The KPI's split page (bridges) reuses the rows, preview and errors from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.domain.formatting import with_unit
from goalkeeper.okrs import services
from goalkeeper.okrs.access import access_key_result_by_id
from goalkeeper.okrs.forms.common import shown
from goalkeeper.okrs.forms.split import ShareForm, SplitForm, row_numbers, share_forms
from goalkeeper.okrs.models import Cycle, KeyResult
from goalkeeper.okrs.split_preview import Preview, split_preview
from goalkeeper.okrs.views.common import _render, objective_url

SHARE_PREFIX = "shares."


@dataclass
class SplitPage:
    """The split form as posted: the method, the rows, their preview and any refusal."""

    form: SplitForm
    rows: list[ShareForm]
    numbers: list[int]
    action: str
    # Refusals not tied to one row (amounts, shares, method, the key result, the cycle).
    errors: list[str] = field(default_factory=list)

    @property
    def method(self) -> str:
        value = self.form["method"].value()
        return str(value or "equal")

    def shares(self) -> list[services.Share]:
        return [row.share() for row in self.rows]

    def valid(self) -> bool:
        return self.form.is_valid() and all(row.is_valid() for row in self.rows)

    def refuse(self, error: ValidationError) -> None:
        """File each message of the service under its row and field, or above the rows."""
        for name, messages_ in error.message_dict.items():
            row, _dot, field_name = name.removeprefix(SHARE_PREFIX).partition(".")
            if name.startswith(SHARE_PREFIX) and row.isdigit() and int(row) < len(self.rows):
                form = self.rows[int(row)]
                target = field_name if field_name in form.fields else None
                for message in messages_:
                    form.add_error(target, shown(message))
            else:
                self.errors += [shown(message) for message in messages_]

    def preview(self, *, start: float, target: float) -> Preview:
        def number(row: ShareForm, name: str) -> float | None:
            value = row[name].value()
            try:
                return float(value) if value not in (None, "") else None
            except (TypeError, ValueError):
                return None

        return split_preview(
            start=start,
            target=target,
            method=self.method,
            amounts=[number(row, "amount") for row in self.rows],
            weights=[number(row, "weight") for row in self.rows],
        )


def split_page(request: HttpRequest, *, workspace: Workspace, cycle: Cycle) -> SplitPage:
    """The split form from the request: a GET starts with three empty rows."""
    data: QueryDict | None = request.POST if request.method == "POST" else None
    numbers = row_numbers(data)
    action = data.get("action", "") if data is not None else ""
    if action == "add":
        numbers.append(max(numbers, default=-1) + 1)
    elif action.startswith("remove-") and len(numbers) > 1:
        number = action.removeprefix("remove-")
        if number.isdigit() and int(number) in numbers:
            numbers.remove(int(number))
    rows = share_forms(data, numbers, workspace=workspace, cycle=cycle)
    return SplitPage(SplitForm(data), rows, numbers, action)


def created_message(source_title: str, made: list[KeyResult], unit: str) -> str:
    """What the success message lists: each share's owner and target."""
    parts = [
        f"{kr.owner.name if kr.owner else kr.objective.title}: {with_unit(kr.target, unit)}"
        for kr in made
    ]
    return ngettext(
        "“%(title)s” is split in %(count)s share, a key result contributing to it: %(shares)s.",
        "“%(title)s” is split in %(count)s shares, each a key result contributing to it: "
        "%(shares)s.",
        len(made),
    ) % {"title": source_title, "count": len(made), "shares": "; ".join(parts)}


def render_split(
    request: HttpRequest, template: str, context: dict[str, Any], page: SplitPage
) -> HttpResponse:
    """The page, or only its preview when htmx asks for it after a change."""
    partial = getattr(request, "htmx", False) and page.action == "preview"
    return _render(request, "okrs/_split_preview.html" if partial else template, context)


@member_required
@require_http_methods(["GET", "POST"])
def key_result_split(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Split a key result's target: GET shows the form, POST previews or splits."""
    key_result = access_key_result_by_id(person, pk, for_write=True)
    objective = key_result.objective
    page = split_page(request, workspace=person.workspace, cycle=objective.cycle)
    if page.action == "split" and page.valid():
        try:
            made = services.split_target(
                actor=person,
                key_result=key_result,
                method=page.method,
                shares=page.shares(),
                roll_up=request.POST.get("roll_up") == "on",
            )
        except ValidationError as error:
            page.refuse(error)
        else:
            messages.success(request, created_message(key_result.title, made, key_result.unit))
            return redirect(objective_url(objective.pk))
    preview = page.preview(start=key_result.start or 0.0, target=key_result.target or 0.0)
    context = {
        "person": person,
        "key_result": key_result,
        "objective": objective,
        "cycle": objective.cycle,
        "page": page,
        "preview": preview,
        "rows": list(zip(page.numbers, page.rows, preview.rows, strict=True)),
        "carriers": [row.carrier() for row in page.rows],
        "unit": key_result.unit,
        "target": key_result.target,
        "start": key_result.start,
        "reads_kpi": key_result.kpi_id is not None or bool(key_result.kpi_formula),
        "roll_up": request.method == "GET" or request.POST.get("roll_up") == "on",
        "back_url": objective_url(objective.pk),
    }
    return render_split(request, "okrs/split.html", context, page)

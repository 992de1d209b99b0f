"""Check in on everything: one page with all the caller's key results of the active cycles.

Each row is a form of its own that posts to `check_in_all_row`: with htmx the answer is the
row, saved (or back with its errors) in place; without JavaScript a saved row redirects to
the page, which keeps the rows done so far in its query string (`updated`, `unchanged`) so
the summary counts them. A row is one call of `goalkeeper.okrs.services.record_check_in`,
the same as the per-key-result check-in and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.notifications.queries import open_count
from goalkeeper.okrs import rows, services
from goalkeeper.okrs.access import access_key_result_for_my_check_in
from goalkeeper.okrs.models import KeyResult
from goalkeeper.okrs.pages import check_in_all as page
from goalkeeper.web.forms import CheckInForm

UPDATED = "updated"
UNCHANGED = "unchanged"
PENDING = "pending"
READ_ONLY = "read-only"


@dataclass(frozen=True)
class Entry:
    """A row as the template draws it: the key result, its form and where it stands."""

    row: page.CheckInAllRow
    form: CheckInForm
    state: str
    focus: bool = False
    saved_note: str = ""


def _blank_form(row: page.CheckInAllRow) -> CheckInForm:
    # The value starts empty (the previous one is shown beside it): a row left untouched
    # is "no change". Confidence and done start where they were.
    initial = {"confidence": row.kr.confidence, "done": row.kr.done}
    return CheckInForm(initial=initial, kind=row.kr.kind)


def _state(row: page.CheckInAllRow, updated: list[int], unchanged: list[int]) -> str:
    if row.read_only:
        return READ_ONLY
    if row.id in updated:
        return UPDATED
    if row.id in unchanged:
        return UNCHANGED
    return PENDING


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _progress(request: HttpRequest) -> tuple[list[int], list[int]]:
    """The rows done so far without JavaScript, from the query string or the form."""
    source = request.POST if request.method == "POST" else request.GET
    updated = page.row_ids(source.getlist(UPDATED))
    unchanged = [pk for pk in page.row_ids(source.getlist(UNCHANGED)) if pk not in updated]
    return updated, unchanged


def _page_context(
    person: Person,
    updated: list[int],
    unchanged: list[int],
    bound: tuple[int, CheckInForm] | None = None,
) -> dict[str, Any]:
    view = page.check_in_all_view(person.workspace, person, timezone.now())
    groups = []
    focused = False
    for group in view.groups:
        entries = []
        for row in group.rows:
            state = _state(row, updated, unchanged)
            form = bound[1] if bound and bound[0] == row.id else _blank_form(row)
            # The first row still to do takes the focus (a row with errors, first of all).
            focus = (bound is not None and bound[0] == row.id) or (
                bound is None and not focused and state == PENDING
            )
            focused = focused or focus
            entries.append(Entry(row, form, state, focus))
        groups.append((group, entries))
    shown = {row.id for row in view.rows}
    return {
        "view": view,
        "groups": groups,
        "updated": [pk for pk in updated if pk in shown],
        "unchanged": [pk for pk in unchanged if pk in shown],
    }


@require_GET
@member_required
def check_in_all(request: HttpRequest, person: Person) -> HttpResponse:
    """All my key results of the active cycles, each with a check-in form."""
    updated, unchanged = _progress(request)
    context = _page_context(person, updated, unchanged)
    return render_page(request, person, "web/okrs/check_in_all.html", context)


def _back(updated: list[int], unchanged: list[int], key_result: KeyResult) -> HttpResponseRedirect:
    query = urlencode(
        {UPDATED: ",".join(map(str, updated)), UNCHANGED: ",".join(map(str, unchanged))}
    )
    return HttpResponseRedirect(f"{reverse('check_in_all')}?{query}#check-in-{key_result.pk}")


def _row_answer(
    request: HttpRequest, person: Person, entry: Entry, *, recount: bool = False
) -> HttpResponse:
    context: dict[str, object] = {"entry": entry, "updated": [], "unchanged": []}
    if recount:
        # A check-in clears the "check-in due" items of its key result: the navigation's
        # inbox count follows at once (an out-of-band swap).
        context["inbox_count"] = open_count(person, person.workspace.clock().today)
    return render_page(request, person, "web/okrs/_check_in_all_row.html", context)


@require_POST
@member_required
def check_in_all_row(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Save one row (or mark it "no change", with `skip`)."""
    key_result = access_key_result_for_my_check_in(person, pk)
    key_result.workspace = person.workspace
    cycle = key_result.objective.cycle
    cycle.workspace = person.workspace
    kr_row = rows.key_result_row(person.workspace, key_result, timezone.now())
    row = page.CheckInAllRow(
        kr_row,
        page.last_notes([key_result.pk]).get(key_result.pk) or "",
        page.read_only_reason(kr_row, cycle),
        cycle.name,
    )
    updated, unchanged = _progress(request)
    if row.read_only or request.POST.get("skip"):
        # Nothing to write: a read-only row stays as it was, a skipped one is "no change".
        if not row.read_only:
            unchanged = [*[u for u in unchanged if u != pk], pk]
            updated = [u for u in updated if u != pk]
        if not _is_htmx(request):
            return _back(updated, unchanged, key_result)
        state = READ_ONLY if row.read_only else UNCHANGED
        return _row_answer(request, person, Entry(row, _blank_form(row), state))
    form = CheckInForm(request.POST, kind=kr_row.kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # The same call, with the same arguments, as `POST /key-results/{id}/check-ins`.
            services.record_check_in(
                actor=person,
                key_result=key_result,
                value=data["value"],
                done=bool(data["done"]),
                confidence=data["confidence"],
                note=data["note"] or "",
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
    if form.errors:
        if _is_htmx(request):
            # In place, as a 200: a refused row is an expected answer (see `views`).
            return _row_answer(request, person, Entry(row, form, PENDING, focus=True))
        context = _page_context(person, updated, unchanged, bound=(pk, form))
        return render_page(request, person, "web/okrs/check_in_all.html", context, status=422)
    if not _is_htmx(request):
        done = [*[u for u in updated if u != pk], pk]
        return _back(done, [u for u in unchanged if u != pk], key_result)
    saved = rows.key_result_row(person.workspace, key_result, timezone.now())
    entry = Entry(
        page.CheckInAllRow(saved, row.last_note, "", cycle.name),
        form,
        UPDATED,
        saved_note=form.cleaned_data["note"] or "",
    )
    return _row_answer(request, person, entry, recount=True)

"""Pages. Thin: resolve the caller, check access, read through queries, render.

Reads are scoped through the access helpers (another workspace's object is a 404); the
only write here, a check-in, is for editors and for the key result's owner (else 403), and
is one call of `goalkeeper.okrs.services.record_check_in`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.okrs import rows, services
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_key_result_by_id,
    access_key_result_for_check_in,
    access_objective_by_id,
)
from goalkeeper.okrs.cycles import (
    choices_of,
    current_cycle_for,
    cycle_header,
    newest_cycle,
    open_cycles_for,
)
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult
from goalkeeper.okrs.pages import alignment as alignment_page
from goalkeeper.okrs.pages import board as board_page
from goalkeeper.okrs.pages import home as home_page
from goalkeeper.okrs.pages import objective as objective_page
from goalkeeper.okrs.view_models import KeyResultRow
from goalkeeper.sources import queries as source_queries
from goalkeeper.web.errors import Refused
from goalkeeper.web.forms import CheckInForm

# Where a key result row is shown; each place lays its row out differently.
ROW_CONTEXTS = ("objective", "waiting", "detail")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness probe for load balancers."""
    return JsonResponse({"status": "ok"})


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- Home -------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """My week in a working cycle: check-ins waiting, my objectives, my teams'.

    It opens on the active cycle holding my objectives; `?cycle=<id>` switches to another
    open cycle (several may be active at once).
    """
    person = person_of(request)
    if person is None:
        # A login that belongs to no workspace (yet): the page says so.
        return render_page(request, None, "web/home.html", {"home": None})
    workspace = person.workspace
    cycles = open_cycles_for(person)
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), cycles[0] if cycles else None)
    view = (
        home_page.home_view(workspace, cycle, timezone.now(), person, choices_of(cycles))
        if cycle
        else None
    )
    # The KPIs they own whose data source broke: theirs to chase, whatever the cycle.
    broken = source_queries.broken_sources_owned_by(person)
    return render_page(request, person, "web/home.html", {"home": view, "broken_sources": broken})


# --- Cycle board ------------------------------------------------------------------------------


@require_GET
@member_required
def cycles(request: HttpRequest, person: Person) -> HttpResponseBase:
    """The board of the person's working cycle (the newest one when none is open).

    `?cycle=<id>` is the cycle switcher without JavaScript: it goes to that cycle's board.
    """
    chosen = request.GET.get("cycle", "")
    if chosen.isdigit():
        cycle = access_cycle_by_id(person, int(chosen))
        return redirect("cycle_board", pk=cycle.pk)
    current = current_cycle_for(person) or newest_cycle(person.workspace)
    if current is None:
        return render_page(request, person, "web/okrs/board.html", {"board": None})
    return _board(request, person, current)


@require_GET
@member_required
def cycle_board(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """All objectives of one cycle by team, filtered by team, owner, status and kind."""
    return _board(request, person, access_cycle_by_id(person, pk))


def _board(request: HttpRequest, person: Person, cycle: Cycle) -> HttpResponse:
    cycle.workspace = person.workspace
    filters = board_page.parse_board_filters(request.GET)
    board = board_page.cycle_board(person.workspace, cycle, timezone.now(), filters, person)
    context = {"board": board, **board_page.bulk_context(person, cycle)}
    # The filter form asks for the results only; history navigation asks for the page.
    if _is_htmx(request) and request.headers.get("HX-Target") == "board-results":
        return render_page(request, person, "web/okrs/_board_results.html", context)
    return render_page(request, person, "web/okrs/board.html", context)


# --- Objective page ---------------------------------------------------------------------------


@require_GET
@member_required
def objective_detail(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """One objective: its numbers, alignment, key results, history and coaching."""
    objective = access_objective_by_id(person, pk)
    objective.cycle.workspace = person.workspace
    detail = objective_page.objective_detail(person.workspace, objective, timezone.now())
    return render_page(request, person, "web/okrs/objective.html", {"detail": detail})


# --- Alignment --------------------------------------------------------------------------------


@require_GET
@member_required
def alignment(request: HttpRequest, person: Person) -> HttpResponse:
    """The alignment tree of the person's working cycle."""
    cycle = current_cycle_for(person) or newest_cycle(person.workspace)
    if cycle is None:
        return render_page(request, person, "web/okrs/alignment.html", {"tree": None})
    return _alignment(request, person, cycle)


@require_GET
@member_required
def alignment_cycle(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The alignment tree of one cycle."""
    return _alignment(request, person, access_cycle_by_id(person, pk))


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _alignment(request: HttpRequest, person: Person, cycle: Cycle) -> HttpResponse:
    cycle.workspace = person.workspace
    now = timezone.now()
    query = alignment_page.clean_query(request.GET.get("q", ""))
    search = alignment_page.tree_search(person.workspace, cycle, now, query) if query else None
    # The search box asks for its results only; the page itself shows them above the tree.
    if _is_htmx(request) and request.headers.get("HX-Target") == "tree-search-results":
        context: dict[str, Any] = {"search": search, "cycle_id": cycle.pk}
        return render_page(request, person, "web/okrs/_tree_search.html", context)
    tree = alignment_page.alignment_tree(
        person.workspace,
        cycle,
        now,
        focus=_number(request.GET.get("focus", "")),
        unaligned_page=_number(request.GET.get("unaligned", "")) or 1,
    )
    context = {"tree": tree, "search": search, "query": request.GET.get("q", "")[:100]}
    return render_page(request, person, "web/okrs/alignment.html", context)


@require_GET
@member_required
def alignment_children(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """The objectives supporting one objective, a page at a time: what opening a node of
    the alignment tree loads. Without htmx, the tree page opened on that objective."""
    objective = access_objective_by_id(person, pk)
    if not _is_htmx(request):
        url = reverse("alignment_cycle", args=[objective.cycle_id])
        return HttpResponseRedirect(f"{url}?focus={objective.pk}#node-{objective.pk}")
    objective.cycle.workspace = person.workspace
    start = _number(request.GET.get("start", "")) or 0
    page = alignment_page.tree_children(person.workspace, objective, timezone.now(), start)
    return render_page(request, person, "web/okrs/_tree_children.html", {"page": page})


# --- Key results: row and check-in ------------------------------------------------------------


def _row_context(request: HttpRequest) -> str:
    raw = request.POST.get("context") or request.GET.get("context") or ""
    return raw if raw in ROW_CONTEXTS else "objective"


def _next_of(request: HttpRequest) -> str:
    """The page a check-in without JavaScript came from, if it is one of ours; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _safe_next(request: HttpRequest, key_result: KeyResult) -> str:
    """Where a saved check-in without JavaScript returns."""
    return _next_of(request) or reverse("objective_detail", args=[key_result.objective_id])


@require_GET
@member_required
def key_result_row(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """One key result's row (what "Cancel" on a check-in form puts back)."""
    key_result = access_key_result_by_id(person, pk)
    row = rows.key_result_row(person.workspace, key_result, timezone.now())
    context = {"kr": row, "place": _row_context(request)}
    return render_page(request, person, "web/okrs/_kr_row.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def key_result_check_in(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """GET: the inline check-in form. POST: record the check-in, then send back the row and,
    out of band, everything on the page it moved (objective rows, counts, chart, history).

    Without htmx the form is a page of its own and a saved check-in redirects back.
    """
    key_result = access_key_result_for_check_in(person, pk)
    key_result.workspace = person.workspace
    key_result.objective.cycle.workspace = person.workspace
    now = timezone.now()
    row = rows.key_result_row(person.workspace, key_result, now)
    if row.locked:
        raise _locked(key_result)
    row_context = _row_context(request)
    if request.method == "GET":
        initial = {"confidence": row.confidence, "value": row.current, "done": row.done}
        form = CheckInForm(initial=initial, kind=row.kind)
        return _check_in_form(request, person, row, form, row_context)
    form = CheckInForm(request.POST, kind=row.kind)
    if not form.is_valid():
        return _check_in_form(request, person, row, form, row_context, status=422)
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
        return _check_in_form(request, person, row, form, row_context, status=422)
    if not _is_htmx(request):
        return HttpResponseRedirect(_safe_next(request, key_result))
    return _check_in_saved(request, person, key_result, row_context, timezone.now())


def _locked(key_result: KeyResult) -> Refused:
    """Why a key result takes no more check-ins, with its objective as the way back."""
    objective = key_result.objective
    if objective.cycle.state == CycleState.CLOSED:
        reason = _("%(cycle)s is closed: its key results take no more check-ins.") % {
            "cycle": objective.cycle.name
        }
    else:
        reason = _("This key result's objective is closed: it takes no more check-ins.")
    return Refused(
        reason, reverse("objective_detail", args=[objective.pk]), _("Back to the objective")
    )


def _check_in_form(
    request: HttpRequest,
    person: Person,
    row: KeyResultRow,
    form: CheckInForm,
    row_context: str,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "kr": row,
        "form": form,
        "place": row_context,
        "next": _next_of(request),
    }
    if _is_htmx(request):
        # In place, with its errors, as a 200: browsers log every 4xx as a console error,
        # and a refused form is an expected answer, not a failure.
        return render_page(request, person, "web/okrs/_kr_check_in.html", context)
    return render_page(request, person, "web/okrs/check_in.html", context, status=status)


def _ids(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit() and len(v) < 12}


def _check_in_saved(
    request: HttpRequest,
    person: Person,
    key_result: KeyResult,
    row_context: str,
    now: dt.datetime,
) -> HttpResponse:
    """The saved row, plus out-of-band updates for what the page shows (it tells us which:
    app.js adds the ids of the objective rows, the other places the key result appears and
    which counts the page carries)."""
    workspace = person.workspace
    row = rows.key_result_row(workspace, key_result, now)
    cycle = key_result.objective.cycle
    context: dict[str, Any] = {
        "kr": row,
        "place": row_context,
        "saved": True,
        "cycle": cycle_header(cycle, workspace.clock(now)),
    }
    if row_context == "detail":
        # The key result came with its objective and cycle: no need to read them again.
        detail = objective_page.objective_detail(workspace, key_result.objective, now)
        context["detail"] = detail
        # The page's row carries the forecast, which needs the key result's history.
        context["kr"] = next((kr for kr in detail.row.key_results if kr.id == row.id), row)
        return render_page(request, person, "web/okrs/_check_in_saved.html", context)
    shown = _ids(request.POST.getlist("shown"))
    shown_rows = rows.objective_rows(workspace, cycle, now, [key_result.objective_id])
    context["objectives"] = [shown_rows[pk] for pk in shown_rows if pk in shown]
    context["copies"] = [
        c
        for c in request.POST.getlist("copies")
        if c in ROW_CONTEXTS and c not in (row_context, "detail")
    ]
    counts = request.POST.get("counts", "")
    if counts == "home":
        context["home"] = home_page.home_view(workspace, cycle, now, person)
    elif counts == "board":
        query = urlsplit(request.headers.get("HX-Current-URL", "")).query
        filters = board_page.parse_board_filters(dict(parse_qsl(query)))
        context["board"] = board_page.cycle_board(workspace, cycle, now, filters, person)
    return render_page(request, person, "web/okrs/_check_in_saved.html", context)

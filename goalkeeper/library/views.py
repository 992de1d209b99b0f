"""Pages of the template library (docs/templates.md): the gallery, a template's preview,
an objective started from a template, and a template's KPIs added to a team."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from goalkeeper.accounts.access import access_team_by_id, require_editor
from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person, Team
from goalkeeper.domain.periods import Frequency
from goalkeeper.kpis.labels import FREQUENCY_LABELS
from goalkeeper.library.catalog import Template, library
from goalkeeper.library.forms import KpiRowForm, KpiTeamForm
from goalkeeper.library.services import KpiChoice, create_kpis_from_template, objective_draft
from goalkeeper.okrs.views.objectives import new_objective_page

PURPOSES = ("objective", "kpis")


def _template(key: str) -> Template:
    template = library().get(key)
    if template is None:
        raise Http404("no such template")
    return template


def _frequency(item: dict[str, Any]) -> str:
    """A suggested KPI's frequency, in the reader's language."""
    return str(FREQUENCY_LABELS[Frequency(item.get("frequency", "monthly"))])


def _team_id(request: HttpRequest) -> int | None:
    value = request.GET.get("team", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@require_GET
@member_required
def gallery(request: HttpRequest, person: Person) -> HttpResponse:
    """Every template, by department; `?q=` searches names, departments and titles,
    `?department=` keeps one, `?for=objective|kpis` says what the person is starting."""
    found = library()
    query = request.GET.get("q", "")[:100].strip()
    department = request.GET.get("department", "")[:60]
    purpose = request.GET.get("for", "")
    matches = found.search(query, department)
    context: dict[str, Any] = {
        "person": person,
        "library": found,
        "templates": matches,
        "query": query,
        "department": department,
        "purpose": purpose if purpose in PURPOSES else "",
        "team_id": _team_id(request),
        "departments": found.departments(),
        "problems": found.problems if person.is_admin else (),
    }
    page = "library/_results.html" if getattr(request, "htmx", False) else "library/gallery.html"
    return render(request, page, context)


@require_GET
@member_required
def template_detail(request: HttpRequest, person: Person, key: str) -> HttpResponse:
    """A template's objectives with their key results, and its suggested KPIs."""
    template = _template(key)
    return render(
        request,
        "library/detail.html",
        {
            "person": person,
            "template": template,
            "kpis": [(item, _frequency(item)) for item in template.kpis],
            "team_id": _team_id(request),
        },
    )


@require_http_methods(["GET", "POST"])
@member_required
def start_objective(request: HttpRequest, person: Person, key: str, index: int) -> HttpResponseBase:
    """The new objective page, its title, kind and key results taken from the template's
    objective at `index` (from 0); the person changes them, picks cycle, team and owner,
    and saves as on the new objective page."""
    require_editor(person)
    template = _template(key)
    try:
        fields, key_results = objective_draft(template, index)
    except ValidationError:
        raise Http404("no such objective in the template") from None
    return new_objective_page(request, person, fields=fields, key_results=key_results)


def _rows(template: Template, data: Any) -> list[KpiRowForm]:
    rows = []
    for index, item in enumerate(template.kpis):
        initial = {"use": True, "name": item["name"]}
        initial.update({name: item.get(name) for name in ("target", "warning", "low", "high")})
        rows.append(
            KpiRowForm(
                data,
                prefix=f"kpi-{index}",
                initial=initial,
                direction=item.get("direction", "higher_is_better"),
            )
        )
    return rows


def _default_team(person: Person, team_id: int | None) -> Team | None:
    if team_id is not None:
        return access_team_by_id(person, team_id)
    mine = person.memberships.filter(team__archived_at__isnull=True).order_by("id").first()
    return mine.team if mine is not None else None


def _service_errors(error: ValidationError, form: KpiTeamForm, rows: list[KpiRowForm]) -> None:
    for name, problems in error.message_dict.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            row = rows[int(parts[1])]
            field = parts[2] if parts[2] in row.fields else None
            for problem in problems:
                row.add_error(field, gettext(problem))
        else:
            field_name = name if name in form.fields else None
            for problem in problems:
                form.add_error(field_name, gettext(problem))


@require_http_methods(["GET", "POST"])
@member_required
def start_kpis(request: HttpRequest, person: Person, key: str) -> HttpResponseBase:
    """The template's suggested KPIs with checkboxes: the chosen ones, their names and goals
    as changed, are created for one team in one go (all or none)."""
    require_editor(person)
    template = _template(key)
    data = request.POST if request.method == "POST" else None
    team = _default_team(person, _team_id(request))
    form = KpiTeamForm(
        data,
        workspace=person.workspace,
        initial={"team": team.pk if team else None, "owner": person.pk},
    )
    rows = _rows(template, data)
    if data is not None and form.is_valid() and all(row.is_valid() for row in rows):
        chosen_team = form.cleaned_data["team"]
        choices = [
            KpiChoice(
                index=index,
                name=row.cleaned_data["name"],
                owner=form.cleaned_data.get("owner"),
                numbers=row.numbers(),
            )
            for index, row in enumerate(rows)
            if row.cleaned_data.get("use")
        ]
        try:
            created = create_kpis_from_template(
                actor=person, template=template, team=chosen_team, choices=choices
            )
        except ValidationError as error:
            _service_errors(error, form, rows)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s KPI of “%(template)s” added to %(team)s.",
                    "%(count)s KPIs of “%(template)s” added to %(team)s.",
                    len(created),
                )
                % {"count": len(created), "template": template.name, "team": chosen_team.name},
            )
            return redirect(f"{reverse('kpis')}?team={chosen_team.pk}")
    rows_with_items = [
        (row, item, _frequency(item)) for row, item in zip(rows, template.kpis, strict=True)
    ]
    return render(
        request,
        "library/kpis.html",
        {
            "person": person,
            "template": template,
            "form": form,
            "rows": rows_with_items,
            "refused": data is not None,
            "title": _("Add the KPIs of %(name)s") % {"name": template.name},
        },
    )

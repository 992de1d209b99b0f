"""Dashboard pages. Thin: resolve the caller, check access, call one read or one service,
render. Who sees and who changes a dashboard: `goalkeeper.dashboards.access`."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.dashboards import export, pages, services
from goalkeeper.dashboards.access import access_dashboard_by_id, access_tile_by_id, can_edit
from goalkeeper.dashboards.configs import tile_kinds
from goalkeeper.dashboards.forms import DashboardForm, LinkForm, TileForm
from goalkeeper.dashboards.models import Dashboard, ShareLink, Sharing, TileKind
from goalkeeper.validation import validation_messages


def _render(
    request: HttpRequest, person: Person, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    with timezone.override(person.workspace.zone):
        return render(request, template, context, status=status)


def _add_errors(form: Any, error: ValidationError) -> None:
    for name, message in validation_messages(error):
        field = name if name in form.fields else None
        shown = _(message)  # a service's refusal, in the reader's language when it has one
        form.add_error(field, f"{name}: {shown}" if field is None and name != "__all__" else shown)


@member_required
@require_GET
def index(request: HttpRequest, person: Person) -> HttpResponse:
    """The dashboards the person may see: theirs, their teams', the workspace's."""
    return _render(
        request, person, "dashboards/index.html", {"lists": pages.dashboard_lists(person)}
    )


@member_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, person: Person) -> HttpResponseBase:
    """A new dashboard; any member may build one (it changes no objective or KPI)."""
    form = DashboardForm(request.POST or None, workspace=person.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dashboard = services.create_dashboard(
                actor=person,
                title=data["title"],
                description=data["description"],
                sharing=data["sharing"],
                team=data.get("team"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Dashboard “%(title)s” created. Add its first tiles.")
                % {"title": dashboard.title},
            )
            return redirect("dashboard_edit", pk=dashboard.pk)
    return _render(request, person, "dashboards/form.html", {"form": form, "dashboard": None})


@member_required
@require_GET
def detail(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """A dashboard, read-only; its tiles refresh themselves every minute."""
    dashboard = access_dashboard_by_id(person, pk)
    context = pages.dashboard_page(dashboard, person, timezone.now())
    context["can_edit"] = can_edit(person, dashboard)
    return _render(request, person, "dashboards/detail.html", context)


@member_required
@require_GET
def tiles(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The tiles alone, for the page's, TV mode's and the share link's refresh."""
    dashboard = access_dashboard_by_id(person, pk)
    context = pages.dashboard_page(dashboard, person, timezone.now())
    context["tv"] = request.GET.get("tv") == "1"
    response = _render(request, person, "dashboards/_grid.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Edit mode: the settings, the tiles arranged by drag or keyboard, a form per kind."""
    dashboard = access_dashboard_by_id(person, pk, for_write=True)
    initial = {
        "title": dashboard.title,
        "description": dashboard.description,
        "sharing": dashboard.sharing,
        "team": dashboard.team_id,
    }
    form = DashboardForm(request.POST or None, workspace=person.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_dashboard(
                actor=person,
                dashboard=dashboard,
                title=data["title"],
                description=data["description"],
            )
            team = data.get("team") if data["sharing"] == Sharing.TEAM else None
            if (data["sharing"], team) != (dashboard.sharing, dashboard.team):
                services.share_dashboard(
                    actor=person, dashboard=dashboard, sharing=data["sharing"], team=team
                )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Dashboard saved."))
            return redirect("dashboard_edit", pk=dashboard.pk)
    return _edit_page(request, person, dashboard, form=form)


def _edit_page(
    request: HttpRequest,
    person: Person,
    dashboard: Dashboard,
    *,
    form: DashboardForm | None = None,
    tile_form: TileForm | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = {kind: TileForm(workspace=person.workspace, kind=kind) for kind in tile_kinds()}
    if tile_form is not None:
        forms[tile_form.kind] = tile_form
    context = pages.dashboard_page(dashboard, person, timezone.now())
    context.update(
        {
            "form": form
            or DashboardForm(
                workspace=person.workspace,
                initial={
                    "title": dashboard.title,
                    "description": dashboard.description,
                    "sharing": dashboard.sharing,
                    "team": dashboard.team_id,
                },
            ),
            "tile_forms": [(kind, TileKind(kind).label, f) for kind, f in forms.items()],
            "open_kind": tile_form.kind if tile_form is not None else "",
            "editing": True,
            "max_tiles": services.MAX_TILES,
        }
    )
    return _render(request, person, "dashboards/edit.html", context, status=status)


@member_required
@require_POST
def tile_add(request: HttpRequest, person: Person, pk: int, kind: str) -> HttpResponseBase:
    """Add a tile of `kind` (placed in the first free spot of the grid)."""
    dashboard = access_dashboard_by_id(person, pk, for_write=True)
    if kind not in tile_kinds():
        return _edit_page(request, person, dashboard, status=404)
    form = TileForm(request.POST, workspace=person.workspace, kind=kind)
    if form.is_valid():
        try:
            tile = services.add_tile(
                actor=person,
                dashboard=dashboard,
                kind=kind,
                config=form.config(),
                title=form.cleaned_data.get("title", ""),
            )
        except ValidationError as error:
            for name, message in validation_messages(error):
                field = {"config.kpis": "kpi", "config.chart": "chart", "tile_title": "title"}.get(
                    name, name.removeprefix("config.")
                )
                form.add_error(field if field in form.fields else None, _(message))
        else:
            messages.success(request, _("Tile “%(title)s” added.") % {"title": tile})
            return redirect(reverse("dashboard_edit", args=[dashboard.pk]) + f"#tile-{tile.pk}")
    return _edit_page(request, person, dashboard, tile_form=form, status=422)


@member_required
@require_POST
def tile_remove(request: HttpRequest, person: Person, pk: int, tile_id: int) -> HttpResponseBase:
    """Take a tile off the dashboard."""
    dashboard = access_dashboard_by_id(person, pk, for_write=True)
    tile = access_tile_by_id(person, dashboard, tile_id)
    services.remove_tile(actor=person, tile=tile)
    messages.success(request, _("Tile removed."))
    return redirect("dashboard_edit", pk=dashboard.pk)


@member_required
@require_POST
def arrange(request: HttpRequest, person: Person, pk: int) -> JsonResponse:
    """Save the whole layout (JSON `{"layout": [{"id", "x", "y", "w", "h"}...]}`)."""
    dashboard = access_dashboard_by_id(person, pk, for_write=True)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"errors": [{"field": None, "message": "not JSON"}]}, status=400)
    layout = body.get("layout") if isinstance(body, dict) else None
    if not isinstance(layout, list):
        return JsonResponse(
            {"errors": [{"field": "layout", "message": "must be a list of tiles"}]}, status=422
        )
    try:
        placed = services.arrange(actor=person, dashboard=dashboard, layout=layout)
    except ValidationError as error:
        return JsonResponse(
            {"errors": [{"field": f, "message": _(m)} for f, m in validation_messages(error)]},
            status=422,
        )
    return JsonResponse(
        {"layout": [{"id": t.pk, "x": t.x, "y": t.y, "w": t.w, "h": t.h} for t in placed]}
    )


@member_required
@require_POST
def delete(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Delete the dashboard (its share links stop working)."""
    dashboard = access_dashboard_by_id(person, pk, for_write=True)
    title = dashboard.title
    services.delete_dashboard(actor=person, dashboard=dashboard)
    messages.success(request, _("Dashboard “%(title)s” deleted.") % {"title": title})
    return redirect("dashboards")


@member_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """The dashboard's share links: make one (its address shown once), see, revoke."""
    dashboard = access_dashboard_by_id(person, pk, for_write=True)
    form = LinkForm(request.POST or None)
    new_url = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _link, raw = services.create_share_link(
                    actor=person, dashboard=dashboard, days=form.cleaned_data["days"]
                )
            except ValidationError as error:
                _add_errors(form, error)
                status = 422
            else:
                new_url = request.build_absolute_uri(reverse("dashboard_shared", args=[raw]))
                form = LinkForm()
        else:
            status = 422
    links = list(ShareLink.objects.filter(dashboard=dashboard).select_related("created_by"))
    return _render(
        request,
        person,
        "dashboards/share.html",
        {
            "dashboard": dashboard,
            "form": form,
            "links": links,
            "new_url": new_url,
            "now": timezone.now(),
        },
        status=status,
    )


@member_required
@require_POST
def link_revoke(request: HttpRequest, person: Person, pk: int, link_id: int) -> HttpResponseBase:
    """Stop a share link working."""
    dashboard = access_dashboard_by_id(person, pk, for_write=True)
    link = ShareLink.objects.filter(pk=link_id, dashboard=dashboard).first()
    if link is None:
        return _render(request, person, "dashboards/link_gone.html", {}, status=404)
    services.revoke_share_link(actor=person, link=link)
    messages.success(request, _("Share link revoked: it no longer works."))
    return redirect("dashboard_share", pk=dashboard.pk)


@member_required
@require_GET
def tv(request: HttpRequest, person: Person) -> HttpResponse:
    """TV mode: chosen dashboards full screen, rotating, refreshing themselves; without a
    choice, the form to choose them."""
    context = pages.tv_page(person, request.GET)
    # The slides take the whole screen; the chooser is an ordinary page.
    context["body_class"] = "dash-bare dash-tv" if context.get("shows") else "app"
    return _render(request, person, "dashboards/tv.html", context)


@member_required
@require_GET
def export_pdf(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The dashboard as a PDF (charts drawn as vectors)."""
    dashboard = access_dashboard_by_id(person, pk)
    with timezone.override(person.workspace.zone):
        data = export.dashboard_pdf(dashboard, person, timezone.now())
    return _download(data, "application/pdf", export.file_name(dashboard, "pdf"))


@member_required
@require_GET
def export_pptx(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The dashboard as a PowerPoint deck: a title slide, then a slide per tile."""
    dashboard = access_dashboard_by_id(person, pk)
    data = export.dashboard_pptx(dashboard, person, timezone.now())
    return _download(
        data,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        export.file_name(dashboard, "pptx"),
    )


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response

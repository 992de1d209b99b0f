"""The admin page of the open format (docs/format.md, "Web"): download an export; upload a
document, see its plan, apply it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from goalkeeper.accounts.decorators import admin_required, member_required
from goalkeeper.accounts.models import Person, Team
from goalkeeper.okrs.models import Cycle
from goalkeeper.portability.document import SCHEMA_PATH, DocumentError, Problem, parse
from goalkeeper.portability.export import dump, workspace_keys
from goalkeeper.portability.plan import Plan, make_plan
from goalkeeper.portability.queries import scoped_document
from goalkeeper.portability.services import import_document

# An uploaded document larger than this is refused before it is read.
MAX_UPLOAD = 20_000_000


def _context(person: Person, **extra: Any) -> dict[str, Any]:
    keys = workspace_keys(person.workspace).teams
    teams = Team.objects.filter(workspace=person.workspace, archived_at__isnull=True)
    return {
        "workspace": person.workspace,
        "cycles": list(
            Cycle.objects.filter(workspace=person.workspace)
            .order_by("-start_date")
            .values_list("name", flat=True)
        ),
        "teams": sorted((keys[team.pk], team.name) for team in teams),
        **extra,
    }


@require_GET
@admin_required
def portability(request: HttpRequest, person: Person) -> HttpResponse:
    """Export the workspace, or import a document."""
    return render(request, "portability/portability.html", _context(person))


@require_GET
@member_required
def portability_schema(request: HttpRequest, person: Person) -> HttpResponse:
    """The JSON Schema of the format, for editors and CI checks of documents kept in git."""
    return HttpResponse(
        SCHEMA_PATH.read_bytes(), content_type="application/schema+json; charset=utf-8"
    )


@require_GET
@admin_required
def portability_export(request: HttpRequest, person: Person) -> HttpResponse:
    """The workspace (or a cycle, or a team's subtree) as a YAML or JSON file."""
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    cycle, team = request.GET.get("cycle") or None, request.GET.get("team") or None
    try:
        document = scoped_document(person.workspace, cycle=cycle, team=team)
    except ValidationError as refused:
        problems = [
            Problem("", None, name, message)
            for name, messages in refused.message_dict.items()
            for message in messages
        ]
        return render(
            request,
            "portability/portability.html",
            _context(person, problems=problems),
            status=422,
        )
    stamp = timezone.localtime(timezone.now(), person.workspace.zone).strftime("%Y%m%d-%H%M")
    content_type = "application/json" if fmt == "json" else "application/yaml"
    response = HttpResponse(dump(document, fmt), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{person.workspace.slug}-{stamp}.{fmt}"'
    )
    return response


def _uploaded(request: HttpRequest) -> tuple[str, str] | Problem:
    """The document sent (an uploaded file, or the text of the plan page) and its name."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size is not None and upload.size > MAX_UPLOAD:
            return Problem(upload.name or "", None, "file", _("the file is larger than 20 MB"))
        try:
            return upload.read().decode("utf-8"), upload.name or "document"
        except UnicodeDecodeError:
            return Problem(upload.name or "", None, "file", _("the file is not UTF-8 text"))
    text = request.POST.get("document", "")
    if not text.strip():
        return Problem("", None, "file", _("choose a YAML or JSON file to import"))
    return text, request.POST.get("filename", "document")[:200]


def _plan_or_problems(request: HttpRequest, person: Person) -> tuple[Plan | None, dict[str, Any]]:
    sent = _uploaded(request)
    if isinstance(sent, Problem):
        return None, {"problems": [sent]}
    text, name = sent
    prune = request.POST.get("prune") == "on"
    try:
        plan = make_plan(person.workspace, parse(text, name), prune=prune)
    except DocumentError as refused:
        return None, {"problems": refused.problems, "filename": name}
    return plan, {"plan": plan, "document": text, "filename": name, "prune": prune}


@require_POST
@admin_required
def portability_import(request: HttpRequest, person: Person) -> HttpResponse:
    """The plan of an uploaded document: what applying it would change."""
    plan, extra = _plan_or_problems(request, person)
    status = 200 if plan is not None else 422
    return render(request, "portability/portability.html", _context(person, **extra), status=status)


@require_POST
@admin_required
def portability_apply(request: HttpRequest, person: Person) -> HttpResponse:
    """Apply the document of the plan page, in one transaction."""
    plan, extra = _plan_or_problems(request, person)
    if plan is None:
        return render(
            request, "portability/portability.html", _context(person, **extra), status=422
        )
    try:
        import_document(plan, workspace=person.workspace, actor=person)
    except DocumentError as refused:
        extra = {"problems": refused.problems, "filename": extra["filename"]}
        return render(
            request, "portability/portability.html", _context(person, **extra), status=422
        )
    return render(request, "portability/portability.html", _context(person, applied=plan.summary()))

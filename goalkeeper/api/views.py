"""Plain Django views of the API app: docs assets, JSON 404, and the API tokens page."""

from __future__ import annotations

from pathlib import Path

import ninja
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goalkeeper.accounts.middleware import person_of
from goalkeeper.api import services
from goalkeeper.api.access import access_api_token_by_id
from goalkeeper.api.forms import TokenForm

_NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}


@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """The Swagger UI files bundled with django-ninja, so /api/v1/docs works offline."""
    if name not in DOCS_ASSETS:
        raise Http404("no such file")
    response = FileResponse((_NINJA_STATIC / name).open("rb"), content_type=DOCS_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown paths under /api/v1/ answer JSON like the rest of the API."""
    return JsonResponse({"detail": "No such endpoint: see /api/v1/docs.", "errors": []}, status=404)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the caller's tokens and create one; the new token is shown on this answer only."""
    person = person_of(request)
    if person is None:
        raise Http404("you are not in a workspace")
    created = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(
                actor=person,
                person=person,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"] or not person.can_edit,
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            created = {"token": token, "raw": raw}
            form = TokenForm()
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": services.tokens_of(person)},
        status=201 if created else (422 if form.errors else 200),
    )
    # The page may hold a secret shown once: never keep it in a cache or the history.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the caller's tokens."""
    person = person_of(request)
    if person is None:
        raise Http404("you are not in a workspace")
    token = access_api_token_by_id(person, token_id)
    services.revoke_token(actor=person, token=token)
    messages.success(
        request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens")

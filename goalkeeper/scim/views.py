"""The provisioning page: an admin creates and revokes the SCIM tokens of the workspace."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person
from goalkeeper.scim import services
from goalkeeper.scim.access import access_scim_token_by_id
from goalkeeper.scim.forms import ScimTokenForm


def _admin(request: HttpRequest) -> Person:
    person = person_of(request)
    if person is None:
        raise Http404("you are not in a workspace")
    require_admin(person)
    return person


@login_required
@require_http_methods(["GET", "POST"])
def scim_tokens(request: HttpRequest) -> HttpResponse:
    """The workspace's SCIM tokens, the base URL to give the identity provider, and a form
    for a new token (shown on this answer only)."""
    person = _admin(request)
    created = None
    form = ScimTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(actor=person, name=form.cleaned_data["name"])
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            created = {"token": token, "raw": raw}
            form = ScimTokenForm()
    response = render(
        request,
        "scim/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": services.tokens_of(person),
            "base_url": request.build_absolute_uri(reverse("scim_root")).rstrip("/"),
        },
        status=201 if created else (422 if form.errors else 200),
    )
    # The page may hold a secret shown once: never keep it in a cache or the history.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def scim_token_revoke(request: HttpRequest, scim_token_id: int) -> HttpResponse:
    """Revoke a SCIM token: the identity provider's next request is refused."""
    person = person_of(request)
    if person is None:
        raise Http404("you are not in a workspace")
    token = access_scim_token_by_id(person, scim_token_id)
    services.revoke_token(actor=person, token=token)
    messages.success(
        request, _("SCIM token “%(name)s” revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("scim_tokens")

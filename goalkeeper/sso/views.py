"""Pages of single sign-on (docs/sso.md).

The way in: the login page links to `sso_start`, where a person types their email (or their
workspace's short name); the workspace whose allowed domains match sends them to its
provider (state, nonce and PKCE kept in the session by Authlib); the provider sends them
back to `sso_callback`, which checks all three, and signs them in. The admin page sets the
provider and tests that its discovery document answers.
"""

from __future__ import annotations

import logging
from typing import Any

from authlib.integrations.base_client import OAuthError
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goalkeeper.accounts.decorators import admin_required
from goalkeeper.accounts.middleware import SESSION_KEY, SSO_SESSION_KEY
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.domain.email_domains import domain_of
from goalkeeper.sso import client, services
from goalkeeper.sso.backends import PATH as BACKEND
from goalkeeper.sso.forms import ProviderForm, StartForm
from goalkeeper.sso.models import Provider
from goalkeeper.sso.sealed import UnreadableSecretError

log = logging.getLogger(__name__)

# What the session keeps between the redirect to the provider and its answer.
PENDING = "sso_pending"


def _next_url(request: HttpRequest, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


def _refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(request, "sso/refused.html", {"reason": reason}, status=status)


@require_http_methods(["GET", "POST"])
def sso_start(request: HttpRequest) -> HttpResponse:
    """Find the workspace of the typed email and send the person to its provider."""
    if request.user.is_authenticated:
        return redirect("home")
    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next", ""))
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.errors else 200
        return render(request, "sso/start.html", {"form": form, "next": next_url}, status=status)
    typed = form.cleaned_data["email"].strip()
    provider = services.provider_for(typed)
    if provider is None:
        if "@" in typed and domain_of(typed):
            reason = _(
                "No workspace lets people of %(domain)s sign in with single sign-on. Log in "
                "with your password, or ask your admin."
            ) % {"domain": domain_of(typed)}
        elif "@" in typed:
            reason = _("Enter a whole email address, e.g. ada@acme.com.")
        else:
            reason = _("No workspace with single sign-on is called %(name)s.") % {"name": typed}
        form.add_error("email", reason)
        return render(request, "sso/start.html", {"form": form, "next": next_url}, status=400)
    try:
        metadata = client.discover(provider.issuer)
        app = client.app_for(provider, metadata)
        redirect_uri = request.build_absolute_uri(reverse("sso_callback"))
        extra = {"login_hint": typed} if "@" in typed else {}
        authorization = app.create_authorization_url(redirect_uri, **extra)
        app.save_authorize_data(request, redirect_uri=redirect_uri, **authorization)
    except (client.DiscoveryError, UnreadableSecretError) as error:
        # The details (internal hosts, what failed) are for the logs and the admin's test,
        # not for whoever typed an address on the login page.
        log.warning("single sign-on of workspace %s: %s", provider.workspace_id, error)
        form.add_error(
            None, _("Single sign-on is not available right now; ask your administrator.")
        )
        return render(request, "sso/start.html", {"form": form, "next": next_url}, status=502)
    request.session[PENDING] = {"workspace": provider.workspace_id, "next": next_url}
    # Not a redirect: the page's Content-Security-Policy (form-action 'self') refuses a form
    # whose answer redirects to another site. A page that moves on by itself is allowed.
    return render(request, "sso/redirect.html", {"url": authorization["url"], "provider": provider})


def _claims(app: Any, token: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims, with the email from the user info endpoint when the ID
    token does not carry it (Okta's, for one)."""
    claims = dict(token.get("userinfo") or {})
    if "email" not in claims and metadata.get("userinfo_endpoint"):
        info = dict(app.userinfo(token=token))
        if str(info.get("sub")) == str(claims.get("sub")):
            for key in ("email", "email_verified", "name"):
                if key in info:
                    claims.setdefault(key, info[key])
    return claims


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: check state, nonce and the code (PKCE), then sign in."""
    pending = request.session.pop(PENDING, None)
    if not isinstance(pending, dict):
        return _refused(
            request,
            _("This sign-in was not started here, or it has expired. Start again."),
            status=400,
        )
    provider = (
        Provider.objects.select_related("workspace")
        .filter(workspace_id=int(pending.get("workspace") or 0), enabled=True)
        .first()
    )
    if provider is None:
        return _refused(request, _("Single sign-on is turned off for this workspace."))
    try:
        metadata = client.discover(provider.issuer)
        app = client.app_for(provider, metadata)
        token = app.authorize_access_token(request)
        claims = _claims(app, token, metadata)
    except OAuthError as error:
        log.warning("single sign-on of workspace %s refused: %s", provider.workspace_id, error)
        return _refused(
            request,
            _(
                "The answer of the single sign-on provider could not be verified "
                "(%(error)s). Start again."
            )
            % {"error": error.error},
            status=400,
        )
    except Exception as error:  # the provider's answer, the keys, the token: never a 500
        log.warning("single sign-on of workspace %s failed: %r", provider.workspace_id, error)
        return _refused(
            request,
            _(
                "The single sign-on provider's answer could not be verified. Start again, "
                "or ask your admin to test the settings."
            ),
            status=502,
        )
    try:
        person = services.sign_in(provider=provider, claims=claims)
    except services.SignInRefusedError as error:
        return _refused(request, str(error))
    auth_login(request, person.user, backend=BACKEND)
    request.session[SESSION_KEY] = person.workspace_id
    # The provider vouches for this workspace's people only: the session reaches no other
    # workspace of the login (a password login lifts this).
    request.session[SSO_SESSION_KEY] = person.workspace_id
    return redirect(pending.get("next") or "home")


@require_http_methods(["GET", "POST"])
@admin_required
def sso_settings(request: HttpRequest, person: Person) -> HttpResponse:
    """The workspace's provider: issuer, client, allowed domains, default role."""
    provider = (
        Provider.objects.filter(workspace=person.workspace).prefetch_related("domains").first()
    )
    initial: dict[str, Any] = {"default_role": "viewer"}
    if provider is not None:
        initial = {
            "enabled": provider.enabled,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "allowed_domains": "\n".join(d.domain for d in provider.domains.all()),
            "default_role": provider.default_role,
        }
    posted = request.POST if request.method == "POST" else None
    has_secret = provider is not None and provider.has_secret
    form = ProviderForm(posted, initial=initial, has_secret=has_secret)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_provider(
                actor=person,
                workspace=person.workspace,
                settings=services.ProviderSettings(**form.cleaned_data),
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved the single sign-on settings."))
            return redirect("sso_settings")
    context = {
        "section": "sso",
        "form": form,
        "provider": provider,
        "redirect_uri": request.build_absolute_uri(reverse("sso_callback")),
    }
    status = 400 if form.errors else 200
    return render_page(request, person, "sso/settings.html", context, status)


@require_POST
@admin_required
def sso_test(request: HttpRequest, person: Person) -> HttpResponse:
    """Read the saved issuer's discovery document and keys, and say what was found."""
    provider = Provider.objects.filter(workspace=person.workspace).first()
    if provider is None or not provider.issuer:
        messages.error(request, _("Save an issuer first, then test it."))
        return redirect("sso_settings")
    try:
        metadata = client.discover(provider.issuer)
        keys = client.app_for(provider, metadata).fetch_jwk_set().get("keys", [])
    except (client.DiscoveryError, UnreadableSecretError) as error:
        messages.error(request, _("The test failed: %(error)s") % {"error": error})
    except Exception as error:  # the keys' address failing: told, not raised
        messages.error(
            request,
            _("The test failed: the signing keys could not be read (%(error)s)")
            % {"error": type(error).__name__},
        )
    else:
        messages.success(
            request,
            ngettext(
                "The provider answered: people sign in at %(url)s; it publishes %(count)s "
                "signing key.",
                "The provider answered: people sign in at %(url)s; it publishes %(count)s "
                "signing keys.",
                len(keys),
            )
            % {"url": metadata["authorization_endpoint"], "count": len(keys)},
        )
    return redirect("sso_settings")

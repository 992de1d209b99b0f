"""Writes of single sign-on: a workspace's provider settings and a person's sign-in.

Each is one transaction with its audit entry (docs/sso.md). Who may sign in:

- an email of an allowed domain of the provider's workspace, nothing else; a domain is
  allowed only when an admin with a login email at it added it, and never a public mail
  provider's (the proof that the workspace controls the domain);
- a login the provider's subject (of the same issuer) signed in with before is that login
  again; changing the issuer or the client forgets every identity;
- a new email gets a new login and a person of the workspace with the default role;
- an email that already has a login is tied to it only if the provider says the email
  is verified; that login then joins the workspace with the default role when it is not
  in it yet (the provider is the company's own: signing in through it is consent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone as django_tz
from django.utils.translation import gettext as _

from goalkeeper.accounts import services as accounts
from goalkeeper.accounts.models import Person, Role, User, Workspace
from goalkeeper.audit.services import diff, record, snapshot
from goalkeeper.domain.email_domains import (
    MAX_DOMAINS,
    domain_of,
    is_allowed,
    is_public_mail,
    parse_domains,
)
from goalkeeper.sso.client import plain_http_allowed
from goalkeeper.sso.models import AllowedDomain, Identity, Provider
from goalkeeper.sso.sealed import seal

AUDITED = ("enabled", "issuer", "client_id", "default_role")


@dataclass(frozen=True)
class ProviderSettings:
    """What an admin sets: `client_secret` empty keeps the sealed one."""

    enabled: bool
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: str
    default_role: str


def _taken_message(domains: list[str]) -> str:
    return _("already signs in to another workspace: %(domains)s") % {"domains": ", ".join(domains)}


class SignInRefusedError(Exception):
    """The provider vouched for someone this workspace does not let in; the message says why."""


def _issuer_errors(issuer: str) -> list[str]:
    try:
        URLValidator(schemes=["https", "http"])(issuer)
    except ValidationError:
        return [_("enter the issuer's address, e.g. https://login.example.com/realms/acme")]
    parts = urlsplit(issuer)
    if parts.scheme == "http" and not plain_http_allowed(parts.hostname or ""):
        # Plain http only to a host the outbound allow setting lets through (a provider on
        # this machine or the internal network): elsewhere, tokens would cross in clear.
        return [_("the issuer must be an https:// address")]
    if parts.query or parts.fragment:
        return [_("the issuer has no query or fragment")]
    return []


def _taken(workspace: Workspace, domains: list[str]) -> list[str]:
    """The domains another workspace already signs in with."""
    return sorted(
        AllowedDomain.objects.filter(domain__in=domains)
        .exclude(provider__workspace=workspace)
        .values_list("domain", flat=True)
    )


def _unproved(actor: Person, domains: list[str], kept: list[str]) -> list[str]:
    """Why the new domains cannot be claimed: a public mail provider's, or not the domain of
    the admin's own login email (owning an address there is the proof of control)."""
    errors: list[str] = []
    added = [domain for domain in domains if domain not in kept]
    public = [domain for domain in domains if is_public_mail(domain)]
    if public:
        errors.append(
            _(
                "%(domains)s: a public mail provider's domain, where anyone can get an "
                "address; a workspace cannot claim it"
            )
            % {"domains": ", ".join(public)}
        )
    own = domain_of(actor.user.email)
    foreign = [domain for domain in added if domain != own and domain not in public]
    if foreign:
        errors.append(
            _(
                "%(domains)s: only an admin whose own login email is at a domain can add "
                "it (yours is at %(own)s)"
            )
            % {"domains": ", ".join(foreign), "own": own or "-"}
        )
    return errors


def _validated(
    actor: Person, workspace: Workspace, settings: ProviderSettings, provider: Provider | None
) -> list[str]:
    errors: dict[str, list[str]] = {}
    issuer = settings.issuer.strip()
    if issuer:
        errors["issuer"] = _issuer_errors(issuer)
    domains, wrong = parse_domains(settings.allowed_domains)
    kept = [] if provider is None else [d.domain for d in provider.domains.all()]
    if wrong:
        errors["allowed_domains"] = [
            _("not a domain: %(pieces)s") % {"pieces": ", ".join(wrong[:5])}
        ]
    elif len(domains) > MAX_DOMAINS:
        errors["allowed_domains"] = [_("at most %(count)s domains") % {"count": MAX_DOMAINS}]
    elif taken := _taken(workspace, domains):
        errors["allowed_domains"] = [_taken_message(taken)]
    else:
        errors["allowed_domains"] = _unproved(actor, domains, kept)
    if settings.default_role not in Role.values:
        errors["default_role"] = [_("choose admin, editor or viewer")]
    if settings.enabled:
        has_secret = bool(settings.client_secret) or (provider is not None and provider.has_secret)
        required = {
            "issuer": issuer,
            "client_id": settings.client_id.strip(),
            "client_secret": has_secret,
            "allowed_domains": domains,
        }
        for field, value in required.items():
            if not value and not errors.get(field):
                errors[field] = [_("required to turn single sign-on on")]
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    return domains


@transaction.atomic
def save_provider(*, actor: Person, workspace: Workspace, settings: ProviderSettings) -> Provider:
    """Set the workspace's provider; the secret is sealed, an empty one keeps the old."""
    provider = Provider.objects.select_for_update().filter(workspace=workspace).first()
    domains = _validated(actor, workspace, settings, provider)
    created = provider is None
    if provider is None:
        provider = Provider(workspace=workspace)
    before = snapshot(provider, AUDITED)
    old_domains = [] if created else sorted(d.domain for d in provider.domains.all())
    provider.enabled = settings.enabled
    provider.issuer = settings.issuer.strip().rstrip("/")
    provider.client_id = settings.client_id.strip()
    provider.default_role = settings.default_role
    secret_changed = bool(settings.client_secret)
    if secret_changed:
        provider.sealed_secret = seal(settings.client_secret)
    provider.updated_at = django_tz.now()
    provider.full_clean(exclude=["workspace"] if created else None)
    provider.save()
    if sorted(domains) != old_domains:
        provider.domains.all().delete()
        try:
            with transaction.atomic():
                AllowedDomain.objects.bulk_create(
                    AllowedDomain(provider=provider, domain=domain) for domain in domains
                )
        except IntegrityError:
            # Another workspace saved the same domain since the check: told, not a 500.
            taken = _taken(workspace, domains) or domains
            raise ValidationError({"allowed_domains": [_taken_message(taken)]}) from None
    changes: dict[str, Any] = diff(before, provider)
    if not created and (before["issuer"], before["client_id"]) != (
        provider.issuer,
        provider.client_id,
    ):
        _forget_identities(actor, provider)
    if sorted(domains) != old_domains:
        changes["allowed_domains"] = [", ".join(old_domains), ", ".join(sorted(domains))]
    if secret_changed:
        # Never the secret itself: only that it changed.
        changes["client_secret"] = ["", "…"]
    record(
        workspace=workspace,
        actor=actor,
        action="sso.created" if created else "sso.updated",
        obj=provider,
        changes=changes,
    )
    return provider


def _forget_identities(actor: Person, provider: Provider) -> None:
    """Another issuer or client: the subjects the old one gave mean nothing any more."""
    count, _by_model = provider.identities.all().delete()
    if count:
        record(
            workspace=provider.workspace,
            actor=actor,
            action="sso.identities_forgotten",
            obj=provider,
            changes={"identities": [count, 0]},
        )


def provider_for(typed: str) -> Provider | None:
    """The enabled provider that `typed` (an email, or a workspace's short name) signs in with."""
    typed = typed.strip().lower()
    if "@" in typed:
        domain = domain_of(typed)
        if not domain or is_public_mail(domain):
            return None
        found = (
            AllowedDomain.objects.select_related("provider__workspace")
            .filter(domain=domain, provider__enabled=True)
            .first()
        )
        return found.provider if found is not None else None
    return (
        Provider.objects.select_related("workspace")
        .filter(workspace__slug=typed, enabled=True)
        .first()
    )


def _claimed_email(claims: dict[str, Any]) -> str:
    email = str(claims.get("email") or "").strip().lower()
    if not email or not domain_of(email):
        raise SignInRefusedError(
            _("The single sign-on provider did not tell your email address; ask your admin.")
        )
    return email


def _verified(claims: dict[str, Any]) -> bool:
    value = claims.get("email_verified")
    # Some providers send the flag as a string.
    return value is True or str(value).lower() == "true"


@transaction.atomic
def sign_in(*, provider: Provider, claims: dict[str, Any]) -> Person:
    """The person of the provider's workspace that the provider's claims name.

    Creates the login and the person (default role) on a first sign-in; refuses an email
    outside the allowed domains, a deactivated person, and an unverified email that
    belongs to an existing login. Raises SignInRefusedError with the reason.
    """
    provider = Provider.objects.select_for_update().select_related("workspace").get(pk=provider.pk)
    workspace = provider.workspace
    if not provider.enabled:
        raise SignInRefusedError(_("Single sign-on is turned off for this workspace."))
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefusedError(_("The single sign-on provider did not say who you are."))
    email = _claimed_email(claims)
    domains = set(provider.domains.values_list("domain", flat=True))
    # A public mail provider's domain proves nothing, even one claimed before that was checked.
    if not is_allowed(email, domains) or is_public_mail(domain_of(email)):
        raise SignInRefusedError(
            _("%(domain)s is not among the email domains %(workspace)s lets in.")
            % {"domain": domain_of(email), "workspace": workspace.name}
        )
    identity = (
        Identity.objects.select_related("user")
        .filter(provider=provider, issuer=provider.issuer, subject=subject)
        .first()
    )
    user = identity.user if identity is not None else User.objects.filter(email=email).first()
    name = str(claims.get("name") or "").strip()[:120] or email.split("@")[0]
    if identity is None and user is not None and not _verified(claims):
        raise SignInRefusedError(
            _(
                "An account with %(email)s exists, and the single sign-on provider does not "
                "confirm that the address is verified. Log in with your password instead."
            )
            % {"email": email}
        )
    if user is not None and not user.is_active:
        raise SignInRefusedError(_("This account is disabled."))
    person = (
        Person.objects.select_related("user", "workspace")
        .filter(workspace=workspace, user=user)
        .first()
        if user is not None
        else None
    )
    if person is not None and not person.is_active:
        raise SignInRefusedError(
            _("You were deactivated in %(workspace)s; ask one of its admins to reactivate you.")
            % {"workspace": workspace.name}
        )
    if person is None:
        person = accounts.add_person(
            actor=None,
            workspace=workspace,
            email=user.email if user is not None else email,
            name=name,
            role=provider.default_role,
            # The provider vouched for the address (checked above): that is the consent.
            existing_login=True,
        )
    now = django_tz.now()
    if identity is None:
        # A login keeps one subject per provider: a subject the provider issued anew for
        # the same verified email replaces the old one.
        Identity.objects.update_or_create(
            provider=provider,
            user=person.user,
            defaults={
                "issuer": provider.issuer,
                "subject": subject,
                "created_at": now,
                "last_login_at": now,
            },
        )
        record(
            workspace=workspace,
            actor=person,
            action="sso.linked",
            obj=person,
            changes={"email": [None, person.user.email]},
        )
    else:
        Identity.objects.filter(pk=identity.pk).update(last_login_at=now)
    return person

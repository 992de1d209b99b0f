"""Single sign-on with OpenID Connect, one provider per workspace (docs/sso.md).

The client secret is sealed with the workspace keys (goalkeeper/sealing.py) and never shown
back. Each allowed email domain belongs to one workspace at most, so an email finds its
workspace. An identity ties the provider's subject to a login once it signed in.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone as django_tz

from goalkeeper.accounts.models import Role, User, Workspace


class Provider(models.Model):
    """A workspace's OpenID provider: where its people sign in.

    Its allowed domains must be proved: an admin adds a domain only with a login email at
    it, and never a public mail provider's (goalkeeper/domain/email_domains.py).
    """

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="sso")
    enabled = models.BooleanField(default=False)
    issuer = models.URLField(max_length=500)
    client_id = models.CharField(max_length=255)
    sealed_secret = models.TextField(blank=True)
    default_role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=django_tz.now)
    updated_at = models.DateTimeField(default=django_tz.now)

    def __str__(self) -> str:
        return self.issuer

    @property
    def has_secret(self) -> bool:
        return bool(self.sealed_secret)


class AllowedDomain(models.Model):
    """An email domain whose people sign in through the workspace's provider."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ("domain",)

    def __str__(self) -> str:
        return self.domain


class Identity(models.Model):
    """The provider's subject (`sub`) of a login: later sign-ins find the login by it.

    A subject means something only at the issuer that gave it: the issuer is kept with it,
    and a provider whose issuer or client changes forgets its identities (docs/sso.md).
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="identities")
    issuer = models.URLField(max_length=500)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    created_at = models.DateTimeField(default=django_tz.now)
    last_login_at = models.DateTimeField(default=django_tz.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("provider", "issuer", "subject"), name="sso_identity_one_per_subject"
            ),
            models.UniqueConstraint(fields=("provider", "user"), name="sso_identity_one_per_user"),
        ]

    def __str__(self) -> str:
        return self.subject

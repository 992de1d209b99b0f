"""Workspaces, people, teams and roles: who may see and change what."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone as django_tz
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.clock import Clock, zone_named
from goalkeeper.changes.stamps import Stamped
from goalkeeper.domain.pace import PaceThresholds


class UserManager(BaseUserManager["User"]):
    """Users log in with their email address."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Language(models.TextChoices):
    """The languages the app speaks; blank on a login means "as the browser asks"."""

    BROWSER = "", _("As my browser asks")
    ENGLISH = "en", "English"
    GERMAN = "de", "Deutsch"


class Theme(models.TextChoices):
    SYSTEM = "system", _("As my system")
    LIGHT = "light", _("Light")
    DARK = "dark", _("Dark")


class User(AbstractBaseUser, PermissionsMixin):
    """A login. The same login may be a person in several workspaces."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=django_tz.now)
    # The person's own choices, the same in every workspace they belong to.
    language = models.CharField(max_length=8, choices=Language.choices, default="", blank=True)
    theme = models.CharField(max_length=8, choices=Theme.choices, default=Theme.SYSTEM)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.full_name or self.email


# The longest hold a workspace may ask of KPI alerts, in periods of the KPI's frequency.
MAX_ALERT_HOLD_PERIODS = 12


class Workspace(models.Model):
    """The tenant. Nothing crosses a workspace boundary."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    timezone = models.CharField(max_length=64, default="UTC")
    # Pace thresholds (docs/scoring.md): the gap s - e at which a key result turns.
    on_track_gap = models.FloatField(default=-0.10)
    at_risk_gap = models.FloatField(default=-0.25)
    stale_days = models.PositiveSmallIntegerField(default=14, validators=[MinValueValidator(1)])
    # KPI alerts (docs/alerts.md): a new health is told once it held this many periods of
    # the KPI's frequency, so a KPI on the edge does not flap; 0 tells it at once.
    alert_hold_periods = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(MAX_ALERT_HOLD_PERIODS)]
    )
    created_at = models.DateTimeField(default=django_tz.now)

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> dt.tzinfo:
        """The workspace's time zone; UTC when its name is unknown to this system."""
        return zone_named(self.timezone)

    @property
    def pace_thresholds(self) -> PaceThresholds:
        """The workspace's pace thresholds, as the domain wants them."""
        return PaceThresholds(
            on_track=self.on_track_gap, at_risk=self.at_risk_gap, stale_days=self.stale_days
        )

    def clock(self, now: dt.datetime | None = None) -> Clock:
        """The workspace's clock at `now` (default: the current time)."""
        return Clock(
            workspace_id=self.pk,
            now=now or django_tz.now(),
            zone=self.zone,
            thresholds=self.pace_thresholds,
            fiscal_year_start_month=self.fiscal_year_start_month,
        )

    def clean(self) -> None:
        if self.at_risk_gap > self.on_track_gap:
            raise ValidationError(
                {"at_risk_gap": "must not be above on_track_gap (at risk is the worse band)"}
            )


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class PersonState(models.TextChoices):
    """Where a person stands in their workspace, as the people page and the API say it."""

    ACTIVE = "active", _("Active")
    INVITED = "invited", _("Invited")
    DEACTIVATED = "deactivated", _("Deactivated")


class Person(Stamped):
    """A user inside one workspace, with that workspace's role."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True, help_text="Job title")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    is_active = models.BooleanField(default=True)
    # Set while the person was added by someone else (an import) and has not joined yet:
    # they own what they were given, but nothing of the workspace reaches them until they
    # accept their invitation (docs/security.md, "Invited people"). None once they joined.
    invited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=django_tz.now)
    updated_at = models.DateTimeField(default=django_tz.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="person_unique_per_workspace"
            ),
        ]
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    @property
    def state(self) -> str:
        """Active, invited (added, not joined yet) or deactivated."""
        if self.is_active:
            return PersonState.ACTIVE
        return PersonState.INVITED if self.invited_at is not None else PersonState.DEACTIVATED

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.ADMIN, Role.EDITOR)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Team(Stamped):
    """A node of the org tree: the company root, divisions, departments, teams."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teams")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=django_tz.now)
    updated_at = models.DateTimeField(default=django_tz.now)
    members: models.ManyToManyField[Person, Membership] = models.ManyToManyField(
        Person, through="Membership", related_name="teams"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="team_slug_unique"),
        ]
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": "a team cannot be its own parent"})
        if self.parent is not None and self.parent.workspace_id != self.workspace_id:
            raise ValidationError({"parent": "must belong to the same workspace"})


class Membership(models.Model):
    """A person belongs to a team; `is_lead` marks who leads it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["team", "person"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.team_id}"


class Invitation(models.Model):
    """A one-time link that lets someone join a workspace with a role.

    Only a hash of the token is stored: the link itself exists in the email (and once on the
    admin's screen), so a copy of the database does not hold working invitations.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    # What an admin who added someone already known (API `POST /people`) asked for besides
    # the role: the job title and the teams, as [{"team": id, "lead": bool}], applied when
    # the invitation is accepted.
    title = models.CharField(max_length=150, blank=True)
    teams = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=django_tz.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "email"], name="invitation_ws_email"),
        ]

    def __str__(self) -> str:
        return self.email

    def is_pending(self, now: Any = None) -> bool:
        """Neither accepted, declined, revoked nor expired."""
        moment = now or django_tz.now()
        return (
            self.accepted_at is None
            and self.declined_at is None
            and self.revoked_at is None
            and self.expires_at > moment
        )


class Attempt(models.Model):
    """A counted attempt (a failed login, a password reset request) for rate limiting.

    Kept in the database rather than a cache so that every web process sees the same
    counts, on SQLite and PostgreSQL alike, with no cache table to create.
    """

    scope = models.CharField(max_length=20)  # e.g. "login-account", "login-address"
    key = models.CharField(max_length=254)  # the email or the client address
    at = models.DateTimeField(default=django_tz.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["scope", "key", "at"], name="attempt_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} @ {self.at:%Y-%m-%d %H:%M:%S}"

"""Reads of two-factor authentication, one query each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from goalkeeper.accounts.models import User
from goalkeeper.twofactor.models import Authenticator, Requirement


@dataclass(frozen=True)
class Status:
    """What the two-factor page and the profile say about a login."""

    enabled: bool
    recovery_codes_left: int


def status_of(user: User) -> Status:
    found = (
        Authenticator.objects.filter(user=user, confirmed_at__isnull=False)
        .annotate(left=Count("recovery_codes", filter=Q(recovery_codes__used_at=None)))
        .values_list("left", flat=True)
        .first()
    )
    return Status(enabled=found is not None, recovery_codes_left=found or 0)


def is_enabled(user_id: int) -> bool:
    return Authenticator.objects.filter(user_id=user_id, confirmed_at__isnull=False).exists()


def is_required(workspace_id: int) -> bool:
    return Requirement.objects.filter(workspace_id=workspace_id, required=True).exists()


def required_anywhere(user: User) -> bool:
    """Whether a workspace where the login is an active person requires two-factor."""
    return Requirement.objects.filter(
        required=True,
        workspace__people__user=user,
        workspace__people__is_active=True,
    ).exists()

"""Writes of two-factor authentication: enrol, confirm, check a login's code, disable,
new recovery codes, and a workspace's requirement. Each is one transaction with its audit
entry (docs/security.md#two-factor-authentication).

Errors are ValidationErrors naming the field ("code", "password", "required") with a
message marked for translation; the pages translate them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person, User, Workspace
from goalkeeper.audit.services import record
from goalkeeper.twofactor import codes
from goalkeeper.twofactor.models import Authenticator, RecoveryCode, Requirement
from goalkeeper.twofactor.queries import required_anywhere

WRONG_CODE = gettext_noop("That code is not right, or it was already used. Try the next one.")
WRONG_PASSWORD = gettext_noop("that is not your password")


@dataclass(frozen=True)
class Enrolment:
    """What the setup page shows, once: the secret, its QR code and link."""

    secret: str
    uri: str


def _locked_authenticator(user: User) -> Authenticator | None:
    return Authenticator.objects.select_for_update().filter(user=user).first()


def needs_password(user: User) -> bool:
    """Whether setting up asks for the password: yes, unless the login has none (it signs
    in through single sign-on only)."""
    return user.has_usable_password()


@transaction.atomic
def begin_enrolment(*, person: Person, password: str = "") -> Enrolment:
    """A fresh secret for `person`'s login, waiting for a code to confirm it.

    The password is asked again, so someone at a signed-in browser cannot bind their own
    phone. An unconfirmed secret from an earlier try is replaced; a confirmed one is kept
    (turn two-factor off first to move it to another phone).
    """
    user = person.user
    authenticator = _locked_authenticator(user)
    if authenticator is not None and authenticator.is_confirmed:
        raise ValidationError({"code": gettext_noop("two-factor authentication is already on")})
    if needs_password(user) and (not password or not user.check_password(password)):
        raise ValidationError({"password": WRONG_PASSWORD})
    secret = codes.new_secret()
    if authenticator is None:
        authenticator = Authenticator(user=user)
    authenticator.sealed_secret = codes.seal(secret)
    authenticator.last_step = 0
    authenticator.created_at = timezone.now()
    authenticator.save()
    return Enrolment(secret=secret, uri=codes.provisioning_uri(secret, user.email))


def pending_enrolment(person: Person) -> Enrolment | None:
    """The secret being set up (to show again after a mistyped code), None when none is."""
    authenticator = Authenticator.objects.filter(user=person.user, confirmed_at=None).first()
    if authenticator is None:
        return None
    secret = codes.unseal(authenticator.sealed_secret)
    return Enrolment(secret=secret, uri=codes.provisioning_uri(secret, person.user.email))


def _replace_recovery_codes(authenticator: Authenticator) -> list[str]:
    plain = codes.new_recovery_codes()
    authenticator.recovery_codes.all().delete()
    RecoveryCode.objects.bulk_create(
        [
            RecoveryCode(authenticator=authenticator, code_hash=codes.hash_recovery_code(code))
            for code in plain
        ]
    )
    return plain


def _accept_totp(authenticator: Authenticator, code: str, now: dt.datetime) -> bool:
    """Check a TOTP code and, when right, remember its step so it is not accepted again."""
    step = codes.matching_step(
        codes.unseal(authenticator.sealed_secret),
        codes.normalise_code(code),
        authenticator.last_step,
        now,
    )
    if step is None:
        return False
    authenticator.last_step = step
    authenticator.save(update_fields=["last_step"])
    return True


@transaction.atomic
def confirm_enrolment(*, person: Person, code: str, now: dt.datetime | None = None) -> list[str]:
    """Turn two-factor on with a first code from the app; the recovery codes, shown once."""
    authenticator = _locked_authenticator(person.user)
    if authenticator is None or authenticator.is_confirmed:
        raise ValidationError({"code": gettext_noop("start the setup again")})
    moment = now or timezone.now()
    if not _accept_totp(authenticator, code, moment):
        raise ValidationError({"code": WRONG_CODE})
    authenticator.confirmed_at = moment
    authenticator.save(update_fields=["confirmed_at"])
    plain = _replace_recovery_codes(authenticator)
    record(
        workspace=person.workspace,
        actor=person,
        action="twofactor.enabled",
        obj=person,
        changes={"two_factor": [False, True]},
    )
    return plain


def _confirmed(person: Person) -> Authenticator:
    authenticator = _locked_authenticator(person.user)
    if authenticator is None or not authenticator.is_confirmed:
        raise ValidationError({"code": gettext_noop("two-factor authentication is not on")})
    return authenticator


@transaction.atomic
def disable(
    *, person: Person, code: str = "", password: str = "", now: dt.datetime | None = None
) -> None:
    """Turn two-factor off, proven with a current code or the account's password."""
    authenticator = _confirmed(person)
    if required_anywhere(person.user):
        raise ValidationError(
            {"code": gettext_noop("a workspace of yours requires two-factor authentication")}
        )
    moment = now or timezone.now()
    if code:
        if not _accept_totp(authenticator, code, moment) and not _use_recovery_code(
            authenticator, code, moment
        ):
            raise ValidationError({"code": WRONG_CODE})
    elif not password or not person.user.check_password(password):
        raise ValidationError(
            {"password": gettext_noop("give a current code or your password to turn it off")}
        )
    authenticator.delete()
    record(
        workspace=person.workspace,
        actor=person,
        action="twofactor.disabled",
        obj=person,
        changes={"two_factor": [True, False]},
    )


@transaction.atomic
def regenerate_recovery_codes(
    *, person: Person, code: str, now: dt.datetime | None = None
) -> list[str]:
    """New recovery codes for a current code; the old ones stop working."""
    authenticator = _confirmed(person)
    if not _accept_totp(authenticator, code, now or timezone.now()):
        raise ValidationError({"code": WRONG_CODE})
    plain = _replace_recovery_codes(authenticator)
    record(
        workspace=person.workspace,
        actor=person,
        action="twofactor.recovery_codes_renewed",
        obj=person,
    )
    return plain


def _use_recovery_code(authenticator: Authenticator, code: str, now: dt.datetime) -> bool:
    used = RecoveryCode.objects.filter(
        authenticator=authenticator, code_hash=codes.hash_recovery_code(code), used_at=None
    ).update(used_at=now)
    return used == 1


@transaction.atomic
def check_login_code(*, user: User, code: str, now: dt.datetime | None = None) -> str | None:
    """The second step of a login: "totp" or "recovery" for the kind of code accepted, or None.

    A recovery code works once and is noted in the audit trail of each workspace the login
    belongs to, so its admins can see that the phone was not used.
    """
    authenticator = _locked_authenticator(user)
    if authenticator is None or not authenticator.is_confirmed:
        return None
    moment = now or timezone.now()
    if _accept_totp(authenticator, code, moment):
        return "totp"
    if not _use_recovery_code(authenticator, code, moment):
        return None
    for person in Person.objects.select_related("workspace").filter(user=user, is_active=True):
        record(
            workspace=person.workspace,
            actor=person,
            action="twofactor.recovery_code_used",
            obj=person,
        )
    return "recovery"


@transaction.atomic
def set_requirement(*, actor: Person, workspace: Workspace, required: bool) -> Requirement:
    """Require two-factor of everyone in `workspace`, or stop requiring it.

    The admin turning it on must have it on themselves: they would otherwise be sent to set
    it up the moment they saved.
    """
    requirement = Requirement.objects.select_for_update().filter(
        workspace=workspace
    ).first() or Requirement(workspace=workspace)
    if (
        required
        and not Authenticator.objects.filter(user=actor.user, confirmed_at__isnull=False).exists()
    ):
        raise ValidationError(
            {"required": gettext_noop("turn on two-factor authentication for yourself first")}
        )
    before = requirement.required
    requirement.required = required
    requirement.updated_at = timezone.now()
    requirement.save()
    if before != required:
        record(
            workspace=workspace,
            actor=actor,
            action="twofactor.requirement_changed",
            obj=requirement,
            changes={"required": [before, required]},
        )
    return requirement


@transaction.atomic
def reset(*, user: User) -> bool:
    """Turn two-factor off for a login that lost its phone and its recovery codes.

    For operators (`goalkeeper twofactor --reset EMAIL`); noted in the audit trail of each
    workspace of the login, by "system". False when it was not on.
    """
    deleted, _ = Authenticator.objects.filter(user=user).delete()
    if not deleted:
        return False
    for person in Person.objects.select_related("workspace").filter(user=user):
        record(
            workspace=person.workspace,
            actor=None,
            action="twofactor.reset",
            obj=person,
            changes={"two_factor": [True, False]},
        )
    return True

"""Emails sent by accounts: the invitation and the failed-logins warning. (Password resets
use Django's own sending.)

Each goes out in its reader's language (docs/languages.md): the invitation in the language
of the login the email already has, else the inviter's, else the page's it was sent from;
the warning in its login's language.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from goalkeeper.accounts.models import Invitation, User

log = logging.getLogger(__name__)


def invitation_link(token: str) -> str:
    """The absolute link of an invitation, on SITE_URL (never on the request's Host header)."""
    return settings.SITE_URL.rstrip("/") + reverse("invite_accept", kwargs={"token": token})


def send_invitation(invitation: Invitation, link: str) -> bool:
    """Email the invitation link; False when the mail server refused or could not be reached."""
    context = {"invitation": invitation, "link": link, "days": invitation_days(invitation)}
    with translation.override(invitation_language(invitation)):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (OSError, smtplib.SMTPException):
        log.exception("could not send the invitation email to %s", invitation.email)
        return False
    return True


def invitation_language(invitation: Invitation) -> str | None:
    """The language to invite in: the invitee's own choice when the email already has a
    login, else the inviter's; None keeps the active one (the inviter's page)."""
    own = User.objects.filter(email=invitation.email).values_list("language", flat=True).first()
    if own:
        return own
    inviter = invitation.invited_by
    if inviter is not None and inviter.user.language:
        return str(inviter.user.language)
    return translation.get_language()


def invitation_days(invitation: Invitation) -> int:
    """For how many whole days the link works."""
    return max(1, round((invitation.expires_at - invitation.created_at).total_seconds() / 86400))


def send_login_warning(user: User, *, address: str, at: dt.datetime, failures: int) -> bool:
    """Tell `user` that wrong passwords were tried on their login: how many, when, from
    which address, with a link to reset the password. False when the mail server refused."""
    context = {
        "email": user.email,
        "address": address,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "failures": failures,
        "reset_link": settings.SITE_URL.rstrip("/") + reverse("password_reset"),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/login_warning_subject.txt", context).strip()
        body = render_to_string("accounts/email/login_warning_body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, smtplib.SMTPException):
        log.exception("could not send the failed-logins warning to %s", user.email)
        return False
    return True

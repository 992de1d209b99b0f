"""Emails sent by accounts: the invitation. (Password resets use Django's own sending.)"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from goalkeeper.accounts.models import Invitation

log = logging.getLogger(__name__)


def invitation_link(token: str) -> str:
    """The absolute link of an invitation, on SITE_URL (never on the request's Host header)."""
    return settings.SITE_URL.rstrip("/") + reverse("invite_accept", kwargs={"token": token})


def send_invitation(invitation: Invitation, link: str) -> bool:
    """Email the invitation link; False when the mail server refused or could not be reached."""
    context = {"invitation": invitation, "link": link, "days": invitation_days(invitation)}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (OSError, smtplib.SMTPException):
        log.exception("could not send the invitation email to %s", invitation.email)
        return False
    return True


def invitation_days(invitation: Invitation) -> int:
    """For how many whole days the link works."""
    return max(1, round((invitation.expires_at - invitation.created_at).total_seconds() / 86400))

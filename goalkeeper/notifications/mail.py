"""Building Goalkeeper's emails: HTML with inlined CSS, a plain-text part, unsubscribe headers.

Every email of the notifications, reminders and digests is built here, so each carries a
signed one-click unsubscribe link (in the footer and in the List-Unsubscribe headers of
RFC 2369 and RFC 8058) and renders in mail clients that ignore <style> blocks.
"""

from __future__ import annotations

from typing import Any

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from goalkeeper.accounts.models import Person
from goalkeeper.notifications.kinds import KINDS
from goalkeeper.notifications.tokens import absolute, unsubscribe_url

_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def build_email(
    *,
    person: Person,
    kind: str,
    subject_line: str,
    html_template: str,
    text_template: str,
    context: dict[str, Any],
) -> EmailMultiAlternatives:
    """One email to `person` about `kind`, ready to send (`.send()`), in the person's
    language (their own choice, else English)."""
    unsubscribe = unsubscribe_url(person.pk, kind)
    context = {
        **context,
        "person": person,
        "kind": KINDS.get(kind),
        "site_url": settings.SITE_URL.rstrip("/"),
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("notification_preferences")),
    }
    with translation.override(person.user.language or "en"):
        text = render_to_string(text_template, context)
        html = _INLINER.inline(render_to_string(html_template, context))
    message = EmailMultiAlternatives(
        subject=" ".join(subject_line.split())[:200],
        body=text,
        from_email=None,
        to=[person.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message

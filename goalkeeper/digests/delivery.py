"""Where the weekly rhythm meets the notifications app: preferences, the mail builder and
the inbox (docs/digests.md)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.channels.models import ChatChannel
from goalkeeper.digests import mail
from goalkeeper.digests.content import Digest
from goalkeeper.digests.models import DigestKind
from goalkeeper.domain.rhythm import Week
from goalkeeper.notifications import services as notifications
from goalkeeper.notifications.kinds import Email
from goalkeeper.notifications.mail import build_email
from goalkeeper.notifications.preferences import choices_for
from goalkeeper.okrs.view_models import KeyResultRow


def notification_kind(kind: str) -> str:
    """The notification kind a person unsubscribes from: "reminder" or "digest"."""
    return "reminder" if kind == DigestKind.REMINDER else "digest"


def wanting_email(person_ids: Iterable[int], kind: str) -> set[int]:
    """The people among `person_ids` who take email of notification `kind` (one query):
    not those who unsubscribed from it or from every email."""
    chosen = choices_for(person_ids, kind)
    return {person_id for person_id, choice in chosen.items() if choice.email != Email.OFF}


def recipients(person_ids: Iterable[int]) -> dict[int, Person]:
    """The people with their logins, by id, in one query."""
    return {
        person.pk: person
        for person in Person.objects.filter(pk__in=set(person_ids)).select_related("user")
    }


# Names the kind of message, for mail filters (and tests counting what arrived).
DIGEST_HEADER = "X-Goalkeeper-Digest"


def message_for(digest: Digest, person: Person) -> EmailMultiAlternatives:
    """The email of one digest, built by the notifications app's mail builder, in the
    language the digest was written in (the recipient's)."""
    with translation.override(digest.language):
        message = build_email(
            person=person,
            kind=notification_kind(digest.kind),
            subject_line=digest.subject,
            html_template=mail.HTML_TEMPLATE,
            text_template=mail.TEXT_TEMPLATE,
            context=mail.context(digest),
        )
    message.extra_headers[DIGEST_HEADER] = digest.kind
    return message


def check_in_due(workspace: Workspace, person_id: int, row: KeyResultRow, week: Week) -> None:
    """The inbox item "check in on this key result this week"; a check-in clears it."""
    notifications.notify(
        workspace_id=workspace.pk,
        people=[person_id],
        kind="check_in_due",
        title=lambda: _("Check in on %(key_result)s") % {"key_result": row.title},
        url=reverse("key_result_check_in", args=[row.id]),
        subject=("key_result", row.id),
        key=f"kr:{row.id}:{week.monday.isoformat()}",
    )


def channel_scopes(workspace: Workspace) -> set[int | None]:
    """The teams (and None for the workspace) with an active channel that takes digests."""
    return set(
        ChatChannel.objects.filter(
            workspace=workspace, is_active=True, digests=True, person__isnull=True
        ).values_list("team_id", flat=True)
    )

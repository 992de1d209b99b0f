"""Who manages which chat channel.

Workspace channels: admins. A team's channels: admins and the team's leads. A personal
channel: its person alone (an admin does not see it: it is theirs). A channel of another
workspace, or another person's own channel, is reported missing (404), never forbidden.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from goalkeeper.accounts.models import Membership, Person, Team
from goalkeeper.channels.models import ChatChannel


def led_team_ids(person: Person) -> set[int]:
    """The teams `person` leads."""
    return set(
        Membership.objects.filter(person=person, is_lead=True).values_list("team_id", flat=True)
    )


def can_manage_scope(person: Person, *, team: Team | None, owner: Person | None) -> bool:
    """Whether `person` may add, change or remove a channel of this scope."""
    if owner is not None:
        return owner.pk == person.pk
    if person.is_admin:
        return True
    return team is not None and team.pk in led_team_ids(person)


def require_scope(person: Person, *, team: Team | None, owner: Person | None) -> None:
    """Refuse a caller who may not manage channels of this scope."""
    if not can_manage_scope(person, team=team, owner=owner):
        raise PermissionDenied(
            "only an admin or the team's lead can manage this channel"
            if owner is None
            else "only its person manages a personal channel"
        )


def shared_channels(person: Person) -> QuerySet[ChatChannel]:
    """Workspace and team channels the caller manages (admins: all; leads: their teams')."""
    channels = ChatChannel.objects.filter(workspace_id=person.workspace_id, person__isnull=True)
    if person.is_admin:
        return channels
    return channels.filter(team_id__in=led_team_ids(person))


def may_see_channels_page(person: Person) -> bool:
    """Admins and team leads see the chat channels page."""
    return person.is_admin or bool(led_team_ids(person))


def access_channel_by_id(person: Person, channel_id: int) -> ChatChannel:
    """A channel the caller manages; 404 for another workspace's or another person's own."""
    channel = (
        ChatChannel.objects.select_related("team", "person")
        .filter(pk=channel_id, workspace_id=person.workspace_id)
        .filter(Q(person__isnull=True) | Q(person=person))
        .first()
    )
    if channel is None:
        raise Http404("no such chat channel")
    require_scope(person, team=channel.team, owner=channel.person)
    return channel

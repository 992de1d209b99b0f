"""Alerts posted to chat: the KPI's team's channels and the workspace's that take alerts."""

from __future__ import annotations

from collections.abc import Callable

from goalkeeper.alerts.messages import Alert, chat_message_for
from goalkeeper.channels.messages import ChatMessage
from goalkeeper.channels.models import Purpose
from goalkeeper.channels.services import post_to_scope


def post_alert(write: Callable[[], Alert]) -> int:
    """Queue the alert `write` makes to its team's channels and the workspace's that take
    alerts (sent by the worker once the caller's transaction commits), worded in each
    channel's language; returns how many were queued."""
    alert = write()

    def message() -> ChatMessage:
        return chat_message_for(write())

    posted = post_to_scope(
        workspace_id=alert.workspace_id, message=message, purpose=Purpose.ALERT.value
    )
    if alert.team_id is not None:
        posted += post_to_scope(
            workspace_id=alert.workspace_id,
            message=message,
            purpose=Purpose.ALERT.value,
            team_id=alert.team_id,
        )
    return posted

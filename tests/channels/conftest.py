"""Chat channel tests: huey runs tasks at once; a tiny worker loop runs scheduled retries."""

from __future__ import annotations

import pytest

from goalkeeper.channels import sealed
from goalkeeper.channels.models import ChatChannel
from goalkeeper.channels.services import create_channel
from tests.api.conftest import (  # noqa: F401 - shared fixtures
    _keep_the_test_connection,
    admin_api,
    api_for,
    editor_api,
    outsider_api,
    viewer_api,
)
from tests.conftest import World
from tests.webhooks.conftest import huey_immediate, run_worker  # noqa: F401

# The token part of a webhook URL: it must never show on a page, in the API or the audit.
TOKEN = "T0KENxyzSECRETb7Kq"
SLACK_URL = f"https://hooks.slack.example/services/T000/B000/{TOKEN}"


@pytest.fixture
def fast_backoff(settings) -> float:
    """A first retry after 0.2 s (then 0.4 s...) instead of 30 s; short timeouts."""
    settings.CHAT_BACKOFF_SECONDS = 0.2
    settings.CHAT_TIMEOUT_SECONDS = 2
    return 0.2


def add_channel(world: World, url: str = SLACK_URL, kind: str = "slack", **scope) -> ChatChannel:
    """A channel added by the admin (workspace or team scope) or by its person."""
    actor = scope.get("person") or world.admin
    return create_channel(
        actor=actor, workspace=world.acme, kind=kind, name=f"{kind} room", url=url, **scope
    )


def url_of(channel: ChatChannel) -> str:
    return sealed.unseal(channel.sealed).url

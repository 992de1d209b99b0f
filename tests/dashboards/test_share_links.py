"""Share links: one dashboard, read-only, for anyone holding the link, until it expires or
is revoked; nothing else of the app, no session, no referrer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from goalkeeper.accounts.services import deactivate_person
from goalkeeper.dashboards import services
from goalkeeper.dashboards.models import ShareLink
from tests.conftest import Everything, World
from tests.dashboards.conftest import Board


def shared_url(raw: str) -> str:
    return reverse("dashboard_shared", args=[raw])


def test_a_link_shows_that_dashboard_and_nothing_else(world: World, board: Board) -> None:
    other = services.create_dashboard(
        actor=world.editor, title="Another board", sharing="workspace"
    )
    _link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=7)
    client = Client()

    response = client.get(shared_url(raw))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Company pulse" in page
    assert "Acme secret KPI" in page
    assert "Another board" not in page
    assert other.title not in page
    # No navigation and no link into the app.
    assert 'class="sidebar"' not in page
    assert 'href="/kpis' not in page
    assert 'href="/objectives' not in page
    assert 'href="/dashboards' not in page
    assert "csrfmiddlewaretoken" not in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


def test_only_a_hash_of_the_token_is_stored(world: World, board: Board) -> None:
    link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=1)

    assert raw not in link.token_hash
    assert len(link.token_hash) == 64
    assert not ShareLink.objects.filter(token_hash=raw).exists()


def test_a_revoked_link_stops_working(world: World, board: Board) -> None:
    link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=7)
    services.revoke_share_link(actor=world.editor, link=link)

    response = Client().get(shared_url(raw))

    assert response.status_code == 410
    assert "This link no longer works" in response.content.decode()
    assert "Company pulse" not in response.content.decode()


def test_an_expired_link_stops_working(world: World, board: Board) -> None:
    link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=1)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert Client().get(shared_url(raw)).status_code == 410
    assert Client().get(reverse("dashboard_shared_tiles", args=[raw])).status_code == 410


def test_a_link_stops_working_when_its_maker_leaves(world: World, board: Board) -> None:
    _link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=7)
    deactivate_person(actor=world.admin, person=world.editor, new_owner=world.admin)

    assert Client().get(shared_url(raw)).status_code == 410


def test_an_unknown_token_is_missing(world: World, board: Board) -> None:
    response = Client().get(shared_url("made-up"))

    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


@override_settings(SHARE_LINK_LIMIT_ADDRESS_COUNT=3)
def test_unknown_tokens_are_rate_limited_per_address(world: World, board: Board) -> None:
    _link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=7)
    client = Client()
    for n in range(3):
        client.get(shared_url(f"guess-{n}"))

    assert client.get(shared_url(raw)).status_code == 429


def test_a_visit_is_remembered(world: World, board: Board) -> None:
    link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=7)
    Client().get(shared_url(raw))

    link.refresh_from_db()
    assert link.last_seen_at is not None


def test_the_tiles_refresh_through_the_link(world: World, board: Board) -> None:
    _link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=7)
    response = Client().get(reverse("dashboard_shared_tiles", args=[raw]))

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="tile"') == 7


def test_a_tile_whose_object_is_gone_is_shown_as_not_available(
    world: World, things: Everything, board: Board
) -> None:
    from goalkeeper.kpis.services import delete_kpi

    _link, raw = services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=7)
    delete_kpi(actor=world.admin, kpi=things.acme.kpi)
    page = Client().get(shared_url(raw)).content.decode()

    assert "Acme secret KPI" not in page
    assert 'data-testid="tile-unavailable"' in page


@pytest.mark.parametrize("days", [0, 2, 365])
def test_a_link_lives_1_7_30_or_90_days(world: World, board: Board, days: int) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.create_share_link(actor=world.editor, dashboard=board.dashboard, days=days)
    assert "days" in error.value.message_dict


def test_the_share_page_shows_the_new_link_once_and_revokes(world: World, board: Board) -> None:
    client = world.client_for(world.editor)
    url = reverse("dashboard_share", args=[board.dashboard.pk])

    made = client.post(url, {"days": "30"})
    page = made.content.decode()
    link = ShareLink.objects.get(dashboard=board.dashboard)
    revoked = client.post(reverse("dashboard_link_revoke", args=[board.dashboard.pk, link.pk]))

    assert made.status_code == 200
    assert "/s/" in page
    assert "Copy it now" in page
    assert "/s/" not in client.get(url).content.decode()
    assert revoked.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None

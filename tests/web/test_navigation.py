"""The layout's navigation (docs/navigation.md): the dark theme's two switches, the admin
tabs on every admin page, the user menu and the palette's offers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.webhooks.models import Subscription
from tests.conftest import World

pytestmark = pytest.mark.django_db

APP_CSS = Path(__file__).resolve().parents[2] / "goalkeeper/web/static/goalkeeper/css/app.css"


def declarations(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", block))


def between(text: str, start: str, end: str) -> str:
    head = text.index(start) + len(start)
    return text[head : text.index(end, head)]


def test_the_chosen_and_the_system_dark_themes_declare_the_same_colours() -> None:
    css = APP_CSS.read_text()
    chosen = declarations(between(css, ':root[data-theme="dark"] {', "}"))
    system = declarations(between(css, "  :root:not([data-theme]) {", "}"))
    light = declarations(between(css, ":root {", "\n}"))

    assert len(chosen) > 30
    assert chosen == system
    # Every colour the dark theme changes exists in the light one.
    assert set(chosen) <= set(light)


def test_no_dark_rule_follows_the_system_against_a_persons_choice() -> None:
    for path in (APP_CSS.parents[4]).rglob("*.css"):
        if "vendor" in path.parts:
            continue
        for block in re.findall(r"prefers-color-scheme:\s*dark\)\s*{\s*([^{]+){", path.read_text()):
            assert ":not([data-theme])" in block, f"{path.name}: {block.strip()}"


def tabs(html: str) -> list[str]:
    nav = between(html, 'data-testid="admin-tabs">', "</nav>")
    return re.findall(r">([^<]+)</a>", nav)


def current_tab(html: str) -> str:
    nav = between(html, 'data-testid="admin-tabs">', "</nav>")
    return re.findall(r'aria-current="page">([^<]+)</a>', nav)[0]


ADMIN_PAGES = [
    ("admin", "Overview"),
    ("admin_people", "People"),
    ("admin_invite", "People"),
    ("admin_teams", "Teams"),
    ("webhooks", "Webhooks"),
    ("chat_channels", "Chat channels"),
    ("scim_tokens", "Provisioning"),
    ("admin_audit", "Audit log"),
    ("portability", "Import and export"),
    ("backup_runs", "Backups"),
    ("workspace_settings", "Settings"),
    ("sso_settings", "Single sign-on"),
]


@pytest.mark.parametrize(("route", "tab"), ADMIN_PAGES)
def test_every_admin_page_shows_the_tabs_with_its_own_current(
    world: World, route: str, tab: str
) -> None:
    html = world.client_for(world.admin).get(reverse(route)).content.decode()

    assert tabs(html) == [
        "Overview",
        "People",
        "Teams",
        "Webhooks",
        "Chat channels",
        "Provisioning",
        "Audit log",
        "Import and export",
        "Backups",
        "Settings",
        "Single sign-on",
    ]
    assert current_tab(html) == tab


def test_a_webhooks_page_is_under_the_webhooks_tab(world: World) -> None:
    subscription = Subscription.objects.create(
        workspace=world.acme, url="https://hooks.example.com/x", events=["objective.created"]
    )

    html = (
        world.client_for(world.admin)
        .get(reverse("webhook_detail", args=[subscription.pk]))
        .content.decode()
    )

    assert current_tab(html) == "Webhooks"


def test_a_team_lead_on_the_chat_channels_page_sees_no_admin_tabs(world: World) -> None:
    response = world.client_for(world.editor).get(reverse("chat_channels"))

    assert response.status_code == 200
    assert 'data-testid="admin-tabs"' not in response.content.decode()


def test_pages_outside_admin_show_no_tabs(world: World) -> None:
    html = world.client_for(world.admin).get(reverse("kpis")).content.decode()

    assert 'data-testid="admin-tabs"' not in html


def test_the_user_menu_reaches_the_persons_own_pages(world: World) -> None:
    html = world.client_for(world.viewer).get(reverse("kpis")).content.decode()
    menu = between(html, "data-user-menu>", "</details>")

    for route in ("profile", "password_change", "api_tokens", "notification_preferences"):
        assert f'href="{reverse(route)}' in menu
    assert f'href="{reverse("api-v1:openapi-view")}"' in menu
    assert f'action="{reverse("profile_theme")}"' in menu
    assert f'action="{reverse("logout")}"' in menu
    assert "Viewer" in menu


def test_the_palette_offers_writing_actions_to_editors_only(world: World) -> None:
    def offers(client: Client) -> dict[str, str]:
        answer = client.get(reverse("search"), {"q": "", "format": "json"}).json()
        return {action["title"]: action["url"] for action in answer["actions"]}

    editor = offers(world.client_for(world.editor))
    assert editor["New objective"] == reverse("objective_create")
    assert editor["New KPI"] == reverse("kpi_create")
    assert editor["KPIs"] == reverse("kpis")
    viewer = offers(world.client_for(world.viewer))
    assert "New objective" not in viewer
    assert viewer["Check in on everything"] == reverse("check_in_all")
    assert "Admin" not in viewer
    assert "Webhooks" not in viewer
    assert offers(world.client_for(world.admin))["Webhooks"] == reverse("webhooks")


def test_the_palettes_offers_are_not_in_the_page(world: World) -> None:
    # They come with the search's answer: a page never names actions it does not show.
    html = world.client_for(world.editor).get(reverse("kpis")).content.decode()

    assert "Check in on everything" not in between(html, "data-palette", "</dialog>")

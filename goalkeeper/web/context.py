"""Template context shared by every page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person, Theme
from goalkeeper.notifications.queries import open_count


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation.

    `url` is None while the page does not exist yet: the entry is shown disabled instead of
    linking to a 404. It turns into a link by itself once a route named `url_name` exists.
    """

    label: str | Promise
    icon: str
    url_name: str
    url: str | None
    current: bool
    # A number shown beside the label (the inbox's open items); None shows nothing.
    count: int | None = None


# (label, icon, route name, admins only). Later pages register these route names.
NAVIGATION: tuple[tuple[str | Promise, str, str, bool], ...] = (
    (_("Home"), "home", "home", False),
    (_("Inbox"), "inbox", "inbox", False),
    (_("Objectives"), "target", "cycles", False),
    (_("KPIs"), "kpi", "kpis", False),
    (_("Data sources"), "source", "sources", False),
    (_("Alignment"), "alignment", "alignment", False),
    (_("Insights"), "insights", "insights", False),
    (_("Dashboards"), "dashboard", "dashboards", False),
    (_("Admin"), "admin", "admin", True),
)


# Pages that belong to a navigation entry without being its own route.
SECTION_OF: dict[str, str] = {
    "cycle_board": "cycles",
    "strategy_map": "alignment",
    "objective_detail": "cycles",
    "key_result_check_in": "cycles",
    "objective_create": "cycles",
    "objective_edit": "cycles",
    "key_result_create": "cycles",
    "key_result_edit": "cycles",
    "cycle_list": "cycles",
    "cycle_create": "cycles",
    "cycle_close": "cycles",
    "cycle_carry_over": "cycles",
    "cycle_edit": "cycles",
    "cycle_activate": "cycles",
    "objective_delete": "cycles",
    "objective_review_request": "cycles",
    "objective_review": "cycles",
    "check_in_all": "home",
    "key_result_delete": "cycles",
    "alignment_cycle": "alignment",
    "source_detail": "sources",
    "source_edit": "sources",
    "source_delete": "sources",
    "source_run": "sources",
    "notification_preferences": "inbox",
}


@dataclass(frozen=True)
class AdminTab:
    """One tab of the admin sections, shown above every admin page of every app."""

    label: str | Promise
    url_name: str
    current: bool


# (label, route name) of each admin section, in the order of the tabs.
ADMIN_TABS: tuple[tuple[str | Promise, str], ...] = (
    (_("Overview"), "admin"),
    (_("People"), "admin_people"),
    (_("Teams"), "admin_teams"),
    (_("Webhooks"), "webhooks"),
    (_("Chat channels"), "chat_channels"),
    (_("Provisioning"), "scim_tokens"),
    (_("Audit log"), "admin_audit"),
    (_("Import and export"), "portability"),
    (_("Backups"), "backup_runs"),
    (_("Settings"), "workspace_settings"),
    (_("Single sign-on"), "sso_settings"),
)

# Admin pages and the tab they belong to (the tabs' own routes belong to themselves).
ADMIN_SECTION_OF: dict[str, str] = {
    "admin_invite": "admin_people",
    "admin_person_edit": "admin_people",
    "admin_person_deactivate": "admin_people",
    "admin_team_edit": "admin_teams",
    "webhook_detail": "webhooks",
    "chat_channel_edit": "chat_channels",
    "chat_channel_deliveries": "chat_channels",
    "digest_schedule": "workspace_settings",
    "sso_test": "sso_settings",
    "portability_import": "portability",
    "portability_apply": "portability",
    "import_page": "portability",
    "import_preview": "portability",
    "import_apply": "portability",
}


def admin_tabs(request: HttpRequest, person: Person | None) -> list[AdminTab]:
    """The admin tabs when an admin is on an admin page, the current one marked; else none
    (a team lead managing their team's chat channels sees no tabs: the others are closed)."""
    if person is None or not person.is_admin:
        return []
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match is not None else None
    section = ADMIN_SECTION_OF.get(name or "", name)
    if section not in {url_name for _label, url_name in ADMIN_TABS}:
        return []
    return [AdminTab(label, url_name, url_name == section) for label, url_name in ADMIN_TABS]


def nav_items(request: HttpRequest, person: Person | None) -> list[NavItem]:
    """The navigation for `person`: admin pages only for admins, missing pages disabled."""
    match = getattr(request, "resolver_match", None)
    current_name = match.url_name if match is not None else None
    current_name = SECTION_OF.get(current_name or "", current_name)
    items = []
    for label, icon, url_name, admins_only in NAVIGATION:
        if admins_only and (person is None or not person.is_admin):
            continue
        try:
            url: str | None = reverse(url_name)
        except NoReverseMatch:
            url = None
        count = None
        if url_name == "inbox" and person is not None and url is not None:
            count = open_count(person, person.workspace.clock().today)
        items.append(
            NavItem(label, icon, url_name, url, url is not None and url_name == current_name, count)
        )
    return items


def theme_of(request: HttpRequest) -> str:
    """The `data-theme` of the page: the login's light or dark, "" to follow the system."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    theme = getattr(user, "theme", "")
    return theme if theme in (Theme.LIGHT, Theme.DARK) else ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person, their workspace and the navigation, for the layout."""
    person = person_of(request) if hasattr(request, "user") else None
    return {
        "ui_theme": theme_of(request),
        "person": person,
        "workspace": person.workspace if person else None,
        # Lazy: a fragment swapped in by htmx never shows the navigation, so it never pays
        # for its links or the inbox count.
        "nav_items": SimpleLazyObject(lambda: nav_items(request, person)) if person else [],
        "admin_tabs": admin_tabs(request, person),
    }

"""What the command palette offers besides the search's hits: the sections of the
navigation and a few actions, each only to those who may use it (docs/navigation.md)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person
from goalkeeper.web.context import ADMIN_TABS, NAVIGATION


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def palette_actions(person: Person) -> list[dict[str, str]]:
    """The palette's offers for `person`, grouped, in the order shown: {group, title, url,
    keywords}. Reads nothing from the database."""
    go, act, admin = _("Go to"), _("Actions"), _("Admin")
    offers: list[tuple[str, str, str, str]] = [
        (go, str(label), url_name, "")
        for label, _icon, url_name, admins_only in NAVIGATION
        if person.is_admin or not admins_only
    ]
    if person.can_edit:
        offers.append((act, _("New objective"), "objective_create", ""))
    offers.append((act, _("Check in on everything"), "check_in_all", _("check-in update")))
    if person.can_edit:
        offers.append((act, _("New KPI"), "kpi_create", ""))
    offers += [
        (act, _("Preferences"), "notification_preferences", _("notifications email settings")),
        (act, _("Profile"), "profile", _("name language theme dark light")),
        (act, _("API tokens"), "api_tokens", ""),
        (act, _("API docs"), "api-v1:openapi-view", _("REST OpenAPI")),
    ]
    if person.is_admin:
        offers += [(admin, str(label), url_name, "") for label, url_name in ADMIN_TABS[1:]]
    return [
        {"group": group, "title": title, "url": url, "keywords": keywords}
        for group, title, url_name, keywords in offers
        if (url := _url(url_name))
    ]

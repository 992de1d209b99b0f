"""Absolute links in reminders and digests: on `settings.SITE_URL`, to the page that opens
the thing (docs/digests.md)."""

from __future__ import annotations

from django.urls import reverse

# Every email's links are made on SITE_URL by the one helper the notification emails use.
from goalkeeper.notifications.tokens import absolute

__all__ = ["absolute"]


def objective(objective_id: int) -> str:
    """The objective's page (its key results are listed there)."""
    return absolute(reverse("objective_detail", args=[objective_id]))


def kpi(kpi_id: int) -> str:
    """The KPI's page."""
    return absolute(reverse("kpi_detail", args=[kpi_id]))


def check_in_all() -> str:
    """The page to check in on every key result at once."""
    return absolute(reverse("check_in_all"))


def inbox() -> str:
    """The person's inbox."""
    return absolute(reverse("inbox"))


def team_board() -> str:
    """The objectives of the active cycles."""
    return absolute(reverse("cycles"))


def on_site(url: str) -> str:
    """An inbox item's link made absolute (items keep paths; email needs the address)."""
    return url if url.startswith(("http://", "https://")) else absolute(url)

"""The alerts' hold on the workspace settings page: admins only, errors naming the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.services import update_workspace
from goalkeeper.audit.models import AuditEntry
from tests.conftest import World


def settings_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "Acme",
        "fiscal_year_start_month": "1",
        "timezone": "UTC",
        "on_track_gap": "-0.1",
        "at_risk_gap": "-0.25",
        "stale_days": "14",
        "alert_hold_periods": "1",
    }
    return {**form, **changes}


def test_a_workspace_holds_alerts_one_period_by_default(world: World):
    assert world.acme.alert_hold_periods == 1


def test_an_admin_sets_the_hold_on_the_settings_page_with_an_audit_entry(world: World):
    client = world.client_for(world.admin)
    page = client.get(reverse("workspace_settings"))
    assert 'name="alert_hold_periods"' in page.content.decode()

    response = client.post(reverse("workspace_settings"), settings_form(alert_hold_periods="0"))

    assert response.status_code == 302
    assert Workspace.objects.get(pk=world.acme.pk).alert_hold_periods == 0
    entry = AuditEntry.objects.filter(action="workspace.settings_changed").latest("id")
    assert entry.changes["alert_hold_periods"] == [1, 0]


@pytest.mark.parametrize("value", ["-1", "13", "soon"])
def test_a_bad_hold_is_refused_naming_the_field(world: World, value: str):
    response = world.client_for(world.admin).post(
        reverse("workspace_settings"), settings_form(alert_hold_periods=value)
    )

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"alert_hold_periods"}
    assert Workspace.objects.get(pk=world.acme.pk).alert_hold_periods == 1


def test_the_service_refuses_a_hold_beyond_the_limit_naming_the_field(world: World):
    with pytest.raises(ValidationError) as refused:
        update_workspace(actor=world.admin, workspace=world.acme, alert_hold_periods=13)
    assert "alert_hold_periods" in refused.value.message_dict


def test_an_editor_cannot_change_the_hold(world: World):
    response = world.client_for(world.editor).post(
        reverse("workspace_settings"), settings_form(alert_hold_periods="3")
    )

    assert response.status_code in {302, 403, 404}
    assert Workspace.objects.get(pk=world.acme.pk).alert_hold_periods == 1

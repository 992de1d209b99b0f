"""The reminders and digests section of the workspace settings page."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.digests.models import DigestSchedule
from goalkeeper.digests.services import update_schedule

URL = "/admin/settings/digests/"
VALID = {
    "reminder_enabled": "on",
    "reminder_weekday": "1",
    "reminder_time": "10:30",
    "personal_enabled": "on",
    "company_enabled": "on",
    "digest_weekday": "4",
    "digest_time": "16:00",
}


def client_for(person):
    client = Client()
    client.force_login(person.user)
    return client


def test_the_settings_page_shows_the_default_schedule(rhythm):
    page = client_for(rhythm.ada).get(reverse("workspace_settings"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Reminders and digests" in html
    assert f'action="{URL}"' in html
    assert 'value="09:00"' in html
    assert 'value="08:00"' in html


def test_an_admin_changes_the_schedule_with_an_audit_entry(rhythm):
    response = client_for(rhythm.ada).post(URL, VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace_settings") + "#digests"
    schedule = DigestSchedule.objects.get(workspace=rhythm.workspace)
    assert (schedule.reminder_weekday, schedule.reminder_time) == (1, dt.time(10, 30))
    assert (schedule.digest_weekday, schedule.digest_time) == (4, dt.time(16, 0))
    assert not schedule.team_enabled
    entry = AuditEntry.objects.get(action="digests.schedule_changed")
    assert entry.changes["team_enabled"] == [True, False]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminder_time", "25:00", "Enter a valid time."),
        ("digest_weekday", "9", "Select a valid choice."),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(rhythm, field, value, message):
    response = client_for(rhythm.ada).post(URL, {**VALID, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert not DigestSchedule.objects.exists()


def test_the_service_refuses_a_field_it_does_not_own(rhythm):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        update_schedule(actor=rhythm.ada, workspace=rhythm.workspace, timezone="UTC")
    assert "timezone" in error.value.message_dict


def test_the_service_refuses_a_weekday_outside_the_week(rhythm):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        update_schedule(actor=rhythm.ada, workspace=rhythm.workspace, reminder_weekday=7)
    assert "reminder_weekday" in error.value.message_dict


def test_an_editor_may_not_change_the_schedule(rhythm):
    response = client_for(rhythm.lena).post(URL, VALID)
    assert response.status_code in (403, 404)
    assert not DigestSchedule.objects.exists()


def test_the_page_alone_shows_the_form(rhythm):
    page = client_for(rhythm.ada).get(URL)
    assert page.status_code == 200
    assert "Send the team digest to team leads" in page.content.decode()

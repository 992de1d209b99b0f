"""Setting up two-factor: the secret shown once, confirmed with a code; turning it off;
new recovery codes. Every write leaves an audit entry."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.twofactor import codes
from goalkeeper.twofactor.models import Authenticator, RecoveryCode
from tests.conftest import PASSWORD, World
from tests.twofactor.helpers import START, code_at, enrol

pytestmark = pytest.mark.django_db


def secret_on(html: str) -> str:
    found = re.search(r'data-testid="twofactor-secret">([A-Z2-7]+)<', html)
    assert found, "the setup page shows the key"
    return found.group(1)


def test_setup_shows_a_qr_code_and_the_key_and_stores_the_key_sealed(world: World):
    client = world.client_for(world.editor)
    with time_machine.travel(START, tick=False):
        response = client.post(reverse("twofactor_setup"), {"password": PASSWORD})

    assert response.status_code == 200
    html = response.content.decode()
    secret = secret_on(html)
    assert '<img src="data:image/svg+xml' in html
    assert response["Cache-Control"] == "no-store"
    stored = Authenticator.objects.get(user=world.editor.user)
    assert secret not in stored.sealed_secret
    assert codes.unseal(stored.sealed_secret) == secret
    assert stored.confirmed_at is None


def test_a_right_code_turns_it_on_and_shows_ten_recovery_codes_once(world: World):
    client = world.client_for(world.editor)
    with time_machine.travel(START, tick=False):
        secret = secret_on(
            client.post(reverse("twofactor_setup"), {"password": PASSWORD}).content.decode()
        )
        response = client.post(reverse("twofactor_confirm"), {"code": code_at(secret, START)})
        overview = client.get(reverse("twofactor")).content.decode()

    assert response.status_code == 200
    shown = re.findall(
        r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.content.decode()
    )
    assert len(shown) == 10
    authenticator = Authenticator.objects.get(user=world.editor.user)
    assert authenticator.confirmed_at == START
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert hashes == {codes.hash_recovery_code(code) for code in shown}
    assert AuditEntry.objects.filter(action="twofactor.enabled", actor_id=world.editor.pk).exists()
    # Once on, the key is never shown again.
    assert secret not in overview
    assert "You have 10 recovery codes left" in overview


def test_a_wrong_code_at_setup_is_refused_with_a_clear_error(world: World):
    client = world.client_for(world.editor)
    with time_machine.travel(START, tick=False):
        client.post(reverse("twofactor_setup"), {"password": PASSWORD})
        response = client.post(reverse("twofactor_confirm"), {"code": "000000"})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not Authenticator.objects.get(user=world.editor.user).is_confirmed


def test_an_empty_code_names_the_field(world: World):
    client = world.client_for(world.editor)
    client.post(reverse("twofactor_setup"), {"password": PASSWORD})
    response = client.post(reverse("twofactor_confirm"), {"code": ""})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_setting_up_again_replaces_an_unconfirmed_key(world: World):
    client = world.client_for(world.editor)
    first = secret_on(
        client.post(reverse("twofactor_setup"), {"password": PASSWORD}).content.decode()
    )
    second = secret_on(
        client.post(reverse("twofactor_setup"), {"password": PASSWORD}).content.decode()
    )

    assert first != second
    assert Authenticator.objects.filter(user=world.editor.user).count() == 1


def test_turning_it_off_needs_a_code_or_the_password(world: World):
    with time_machine.travel(START, tick=False):
        enrol(world.editor)
    client = world.client_for(world.editor)
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False):
        refused = client.post(reverse("twofactor_disable"), {"code": "", "password": "wrong"})
        assert refused.status_code == 400
        assert "give a current code or your password" in refused.content.decode()
        assert Authenticator.objects.filter(user=world.editor.user).exists()

        response = client.post(reverse("twofactor_disable"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.editor.user).exists()
    assert AuditEntry.objects.filter(action="twofactor.disabled").exists()


def test_turning_it_off_with_a_current_code(world: World):
    with time_machine.travel(START, tick=False):
        secret, _ = enrol(world.editor)
    later = START + dt.timedelta(minutes=1)
    client = world.client_for(world.editor)
    with time_machine.travel(later, tick=False):
        response = client.post(reverse("twofactor_disable"), {"code": code_at(secret, later)})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.editor.user).exists()


def test_new_recovery_codes_replace_the_old_ones(world: World):
    with time_machine.travel(START, tick=False):
        secret, old = enrol(world.editor)
    later = START + dt.timedelta(minutes=1)
    client = world.client_for(world.editor)
    with time_machine.travel(later, tick=False):
        response = client.post(
            reverse("twofactor_recovery_codes"), {"code": code_at(secret, later)}
        )

    assert response.status_code == 200
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(hashes) == 10
    assert not hashes & {codes.hash_recovery_code(code) for code in old}
    assert AuditEntry.objects.filter(action="twofactor.recovery_codes_renewed").exists()


def test_the_profile_links_to_two_factor(world: World):
    client = world.client_for(world.editor)
    html = client.get(reverse("profile")).content.decode()

    assert "Two-factor authentication" in html
    assert reverse("twofactor") in html
    assert "Off: your password alone logs you in." in html

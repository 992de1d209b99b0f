"""`goalkeeper twofactor --reset EMAIL`, for a login that lost its phone and recovery codes."""

from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from goalkeeper.audit.models import AuditEntry
from goalkeeper.twofactor.models import Authenticator
from tests.conftest import World
from tests.twofactor.helpers import START, enrol

pytestmark = pytest.mark.django_db


def test_reset_turns_two_factor_off_and_is_audited(world: World):
    with time_machine.travel(START, tick=False):
        enrol(world.editor)
    out = StringIO()

    call_command("twofactor", reset="Eddie@acme.test", stdout=out)

    assert "Two-factor authentication is off for eddie@acme.test." in out.getvalue()
    assert not Authenticator.objects.filter(user=world.editor.user).exists()
    entry = AuditEntry.objects.get(action="twofactor.reset")
    assert entry.actor_name == "system"


def test_reset_of_an_unknown_email_names_the_field(world: World):
    with pytest.raises(CommandError, match=r"reset: no login with the email 'nobody@acme\.test'"):
        call_command("twofactor", reset="nobody@acme.test")


def test_reset_without_an_email_says_what_to_give(world: World):
    with pytest.raises(CommandError, match="reset: give the email of the login"):
        call_command("twofactor")

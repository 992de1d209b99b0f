"""Two-factor in tests: a clock frozen on a step boundary, and codes computed with pyotp."""

from __future__ import annotations

import datetime as dt

import pyotp
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Person
from goalkeeper.twofactor import services
from tests.conftest import PASSWORD

# 09:00:00 starts a 30-second step: each test knows which step a code belongs to.
START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def code_at(secret: str, moment: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def enrol(person: Person, moment: dt.datetime = START) -> tuple[str, list[str]]:
    """Turn two-factor on for `person`: their secret and recovery codes."""
    enrolment = services.begin_enrolment(person=person, password=PASSWORD)
    recovery = services.confirm_enrolment(
        person=person, code=code_at(enrolment.secret, moment), now=moment
    )
    return enrolment.secret, recovery


def log_in(client: Client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def send_code(client: Client, code: str):
    return client.post(reverse("login_code"), {"code": code})

"""`goalkeeper twofactor --reset EMAIL`: turn two-factor off for a login that lost its phone
and its recovery codes (docs/security.md#two-factor-authentication)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from goalkeeper.accounts.models import User
from goalkeeper.twofactor import services


class Command(BaseCommand):
    help = (
        "Turn two-factor authentication off for a login that lost its phone and its "
        "recovery codes; it logs in with its password, and sets it up again where required."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--reset", metavar="EMAIL", help="the login's email")

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["reset"] or "").strip().lower()
        if not email:
            raise CommandError("reset: give the email of the login, --reset EMAIL")
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"reset: no login with the email {email!r}")
        if services.reset(user=user):
            self.stdout.write(f"Two-factor authentication is off for {email}.")
        else:
            self.stdout.write(f"Two-factor authentication was not on for {email}.")

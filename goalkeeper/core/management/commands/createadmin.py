"""`goalkeeper createadmin`: the first workspace and its admin."""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from goalkeeper.accounts.services import create_admin
from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.validation import validation_messages


class Command(BaseCommand):
    help = "Create a workspace admin (asks for what the flags do not give)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--email")
        parser.add_argument("--password")
        parser.add_argument(
            "--workspace", default=None, help="workspace name (default: My company)"
        )
        parser.add_argument("--name", default="", help="the admin's display name")

    def _ask(self, prompt: str, secret: bool = False) -> str:
        if not sys.stdin.isatty():
            raise CommandError(f"{prompt.strip(': ')} is required (no terminal to ask on)")
        return getpass.getpass(prompt) if secret else input(prompt)

    def handle(self, *args: Any, **options: Any) -> None:
        migrate_if_needed(verbosity=0)
        email = (options["email"] or self._ask("Email: ")).strip()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"email: {email!r} is not a valid email address") from exc
        workspace = (
            options["workspace"]
            or (self._ask("Workspace name [My company]: ").strip() if not options["email"] else "")
            or "My company"
        )
        password = options["password"]
        if not password:
            password = self._ask("Password: ", secret=True)
            if password != self._ask("Password (again): ", secret=True):
                raise CommandError("password: the two entries differ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("password: " + " ".join(exc.messages)) from exc
        try:
            person = create_admin(
                email=email, password=password, workspace_name=workspace, name=options["name"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{f}: {m}" for f, m in validation_messages(exc))) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{person.user.email} is an admin of workspace {person.workspace.name!r}."
            )
        )

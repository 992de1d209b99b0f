"""`goalkeeper token create|list|revoke`: personal access tokens for the REST API."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from goalkeeper.accounts.models import Person
from goalkeeper.api import services
from goalkeeper.api.models import ApiToken
from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.validation import validation_messages


class Command(BaseCommand):
    help = "Create, list or revoke personal access tokens for the REST API."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="create a token and print it (once)")
        create.add_argument("--user", required=True, help="the person's email address")
        create.add_argument("--name", required=True, help="what the token is for")
        create.add_argument("--read-only", action="store_true", help="refuse every write")
        create.add_argument(
            "--workspace", default=None, help="workspace slug, when the user is in several"
        )
        listing = actions.add_parser("list", help="list a person's tokens (never the tokens)")
        listing.add_argument("--user", required=True)
        listing.add_argument("--workspace", default=None)
        revoke = actions.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        migrate_if_needed(verbosity=0)
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options["id"])

    def _person(self, email: str, workspace: str | None) -> Person:
        people = Person.objects.select_related("workspace", "user").filter(
            user__email=email.strip().lower(), is_active=True
        )
        if workspace is not None:
            people = people.filter(workspace__slug=workspace)
        found = list(people[:2])
        if not found:
            where = f" in workspace {workspace!r}" if workspace else ""
            raise CommandError(f"user: no active person with email {email!r}{where}")
        if len(found) > 1:
            slugs = ", ".join(sorted(p.workspace.slug for p in people))
            raise CommandError(f"workspace: {email} is in several workspaces ({slugs}); pick one")
        return found[0]

    def _create(self, options: dict[str, Any]) -> None:
        person = self._person(options["user"], options["workspace"])
        try:
            token, raw = services.create_token(
                actor=person,
                person=person,
                name=options["name"],
                read_only=options["read_only"] or not person.can_edit,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{f}: {m}" for f, m in validation_messages(exc))) from exc
        # The token alone on stdout, so that `TOKEN=$(goalkeeper token create ...)` works;
        # the explanation goes to stderr.
        access = "read-only" if token.read_only else "read and write"
        self.stderr.write(
            f"Token {token.pk} {token.name!r} for {person.user.email} in "
            f"{person.workspace.name!r} ({access}). It is shown once: store it now."
        )
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        person = self._person(options["user"], options["workspace"])
        for token in services.tokens_of(person):
            state = (
                "revoked"
                if token.revoked_at
                else ("read-only" if token.read_only else "read-write")
            )
            used = token.last_used_at.isoformat() if token.last_used_at else "never used"
            self.stdout.write(f"{token.pk}\t{token.prefix}...\t{state}\t{used}\t{token.name}")

    def _revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("person__workspace").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"id: no token {token_id}")
        services.revoke_token(actor=None, token=token)
        self.stdout.write(f"Token {token_id} {token.name!r} revoked.")

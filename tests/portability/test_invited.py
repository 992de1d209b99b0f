"""Importing a document that names people the workspace does not know: they arrive invited
(docs/format.md, "People"); `goalkeeper import --invite` emails them once it committed."""

from __future__ import annotations

import re
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Invitation, Person, PersonState
from goalkeeper.okrs.models import Objective
from goalkeeper.portability.document import parse
from goalkeeper.portability.plan import make_plan
from goalkeeper.portability.services import import_document
from tests.conftest import World

NEW_PASSWORD = "welcome aboard 2026"

DOCUMENT = textwrap.dedent(
    """\
    version: 1
    people:
    - email: Nina@Acme.test
      name: Nina New
      role: editor
      title: Analyst
      teams:
      - team: sales
    cycles:
    - name: 2027-Q1
      start: '2027-01-01'
      end: '2027-03-31'
      state: active
    objectives:
    - key: grow-revenue
      cycle: 2027-Q1
      team: sales
      title: Grow revenue
      owner: nina@acme.test
      key_results:
      - key: ship
        title: Ship the partner portal
        kind: milestone
        owner: nina@acme.test
    """
)


def _file(tmp_path: Path, text: str = DOCUMENT) -> str:
    path = tmp_path / "okrs.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def _nina(world: World) -> Person:
    return Person.objects.select_related("user").get(
        workspace=world.acme, user__email="nina@acme.test"
    )


def link_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invite/[\w-]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_an_unknown_email_arrives_invited_owning_what_the_file_gives_and_no_email_is_sent(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        plan = make_plan(world.acme, parse(DOCUMENT, "okrs.yaml"))
        import_document(plan, workspace=world.acme, actor=world.admin)

    nina = _nina(world)
    assert nina.state == PersonState.INVITED
    assert (nina.is_active, nina.title, nina.role) == (False, "Analyst", "editor")
    assert nina.invited_at is not None
    objective = Objective.objects.get(workspace=world.acme, title="Grow revenue")
    assert objective.owner == nina
    assert objective.key_results.get().owner == nina
    assert list(nina.teams.values_list("slug", flat=True)) == ["sales"]
    invitation = Invitation.objects.get(workspace=world.acme, email="nina@acme.test")
    assert invitation.is_pending()
    assert invitation.invited_by == world.admin
    assert mailoutbox == []


def test_import_with_invite_sends_one_email_per_new_person_after_the_commit(
    world: World, tmp_path: Path, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = _run(_file(tmp_path), "--workspace", "acme", "--invite")

    assert "Invitations sent: 1." in output
    assert [m.to for m in mailoutbox] == [["nina@acme.test"]]
    assert "invites you to Acme" in mailoutbox[0].subject
    pending = [i for i in Invitation.objects.filter(email="nina@acme.test") if i.is_pending()]
    assert len(pending) == 1  # the emailed link replaced the one the import made
    # A second import adds nobody, so it invites nobody.
    with django_capture_on_commit_callbacks(execute=True):
        again = _run(_file(tmp_path), "--workspace", "acme", "--invite")
    assert "Invitations sent" not in again
    assert len(mailoutbox) == 1


def test_an_import_refused_with_invite_emails_nobody_and_adds_nobody(
    world: World, tmp_path: Path, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    # The plan is sound; the key result refuses a target equal to its start, after the
    # person was written: everything rolls back, the invitation with it.
    broken = DOCUMENT.replace("    kind: milestone", "    start: 5\n    target: 5")
    assert broken != DOCUMENT
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError):
        _run(_file(tmp_path, broken), "--workspace", "acme", "--invite")

    assert mailoutbox == []
    assert not Person.objects.filter(user__email="nina@acme.test").exists()
    assert not Invitation.objects.filter(email="nina@acme.test").exists()


def test_accepting_the_emailed_invitation_joins_with_a_password_keeping_what_they_own(
    world: World, tmp_path: Path, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _run(_file(tmp_path), "--workspace", "acme", "--invite")
    path = link_path(mailoutbox[0])
    client = Client()

    page = client.get(path).content.decode()
    assert 'name="password1"' in page  # a new login: they choose a password
    response = client.post(
        path, {"name": "Nina New", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    nina = _nina(world)
    assert nina.state == PersonState.ACTIVE
    assert nina.invited_at is None
    assert Objective.objects.get(title="Grow revenue").owner == nina
    assert nina.user.check_password(NEW_PASSWORD)
    assert Person.objects.filter(user__email="nina@acme.test").count() == 1
    assert Invitation.objects.filter(email="nina@acme.test", accepted_by=nina).exists()
    assert client.get(reverse("home")).status_code == 200

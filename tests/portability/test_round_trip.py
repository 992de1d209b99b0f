"""The demo company round-trips through the open format byte for byte (docs/format.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from goalkeeper.accounts.models import Person, Role, Workspace
from goalkeeper.accounts.services import add_person, create_workspace
from goalkeeper.audit.models import AuditEntry
from goalkeeper.demo.services import delete_workspace, demo_workspace, load_demo
from goalkeeper.portability.document import parse
from goalkeeper.portability.export import dump, export_document
from goalkeeper.portability.plan import make_plan
from goalkeeper.portability.services import import_document

TODAY = dt.date(2026, 11, 23)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[int]:
    """The default demo, loaded once for the module and deleted afterwards."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        load_demo(today=TODAY, progress=False)
        workspace = demo_workspace()
        assert workspace is not None
        yield workspace.pk
        with transaction.atomic():
            delete_workspace(Workspace.objects.get(pk=workspace.pk))


def _empty_workspace(name: str) -> tuple[Workspace, Person]:
    workspace = create_workspace(name=name)
    admin = add_person(
        actor=None,
        workspace=workspace,
        email="admin@northwind.example",
        name="Robin Adeyemi",
        role=Role.ADMIN,
        existing_login=True,
    )
    return workspace, admin


# The demo's integration that is down points at a closed port of this machine: the sources'
# check refuses a loopback address unless the instance allows it, as a real one would.
@override_settings(OUTBOUND_ALLOW=["127.0.0.1"])
def test_the_demo_round_trips_byte_for_byte_and_a_second_import_changes_nothing(
    demo: int,
) -> None:
    # Imported from YAML; JSON, the same shape, is checked on the same import below (one
    # import of the demo is the costly part of the test).
    fmt = "yaml"
    source = Workspace.objects.get(pk=demo)
    first = dump(export_document(source), fmt)
    workspace, admin = _empty_workspace(source.name)

    data = parse(first).data
    plan = make_plan(workspace, parse(first, f"demo.{fmt}"))
    assert plan.summary().startswith("create 8 teams, 31 people, 3 cycles, 85 KPIs, 4 data sources")
    # The document carries every part of the demo: sources, links, phases and comments.
    key_results = [kr for item in data["objectives"] for kr in item.get("key_results", [])]
    assert sum(len(item.get("guardrails", [])) for item in data["objectives"]) > 0
    assert sum(len(item.get("drives", [])) for item in data["kpis"]) > 0
    assert any(kr.get("phases") for kr in key_results)
    assert any(item.get("comments") for item in data["objectives"])
    assert "@[" in first
    assert "(person:" in first
    import_document(plan, workspace=workspace, actor=admin)

    assert dump(export_document(workspace), fmt) == first
    # People the workspace lacked arrive invited: they own what the file gives them and join
    # when they accept.
    people = Person.objects.filter(workspace=workspace)
    assert people.filter(is_active=True).get() == admin
    invited = people.filter(is_active=False, invited_at__isnull=False)
    assert invited.count() == len(parse(first).data["people"]) - 1
    entries = AuditEntry.objects.filter(workspace_id=workspace.pk)
    assert entries.filter(action="objective.created").count() == len(
        parse(first).data["objectives"]
    )
    again = make_plan(workspace, parse(first, f"demo.{fmt}"))
    assert again.summary() == "nothing to change"
    before = entries.count()
    import_document(again, workspace=workspace, actor=admin)
    assert entries.count() == before

    # JSON: the same document in the other syntax exports identically and plans nothing.
    as_json = dump(export_document(source), "json")
    assert dump(export_document(workspace), "json") == as_json
    assert make_plan(workspace, parse(as_json, "demo.json")).summary() == "nothing to change"

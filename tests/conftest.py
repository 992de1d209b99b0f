"""The shared test base: a workspace with named people, so permission tests read like sentences.

- `admin`: runs the Acme workspace;
- `editor`: writes objectives and KPIs in Acme;
- `viewer`: reads Acme only;
- `owner`: a viewer of Acme who owns a key result (in `things`), and so may check in on it;
- `outsider`: an admin of another workspace (Globex), who must never see Acme's data.

`things` adds one object of every type to each workspace, for tests that walk every route.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.text import slugify
from pytest_httpserver import HTTPServer

from goalkeeper.accounts.models import Invitation, Person, Role, Team, Workspace
from goalkeeper.accounts.services import (
    add_member,
    add_person,
    company_team,
    create_team,
    create_workspace,
    invite_person,
)
from goalkeeper.audit.kept import forget_all
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs import standing
from goalkeeper.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Objective
from goalkeeper.okrs.services import (
    create_cycle,
    create_key_result,
    create_objective,
    record_check_in,
)

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def own_source_files(worker_id: str) -> None:
    """Each test worker keeps source files in a folder of its own: the demo writes its
    warehouse and export files there, and two workers loading different demos at once would
    otherwise read each other's files."""
    root = Path(settings.SOURCE_FILE_ROOTS[0]) / worker_id
    root.mkdir(parents=True, exist_ok=True)
    settings.SOURCE_FILE_ROOTS = [root.resolve(), *settings.SOURCE_FILE_ROOTS[1:]]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; tests that are not about hashing need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    """A request in German leaves German active in the thread that served it (the test's own
    thread for the test client): every test starts, and ends, in English."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_standings() -> None:
    """Ids and frozen clocks repeat from one test to the next: no board answer carries over."""
    standing.forget()
    forget_all()


@dataclass
class World:
    """Two workspaces and the people in them."""

    acme: Workspace
    globex: Workspace
    company: Team
    sales: Team
    admin: Person
    editor: Person
    viewer: Person
    outsider: Person
    cycle: Cycle
    owner: Person

    def client_for(self, person: Person) -> Client:
        client = Client()
        client.force_login(person.user)
        return client


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    """The named people in Acme and Globex (what the `world` fixture gives)."""
    acme = create_workspace(name="Acme")
    globex = create_workspace(name="Globex")
    company = company_team(acme)
    sales = create_team(actor=None, workspace=acme, name="Sales", parent=company)
    admin = add_person(
        actor=None,
        workspace=acme,
        email="ada@acme.test",
        name="Ada Admin",
        role=Role.ADMIN,
        password=PASSWORD,
    )
    editor = add_person(
        actor=None,
        workspace=acme,
        email="eddie@acme.test",
        name="Eddie Editor",
        role=Role.EDITOR,
        password=PASSWORD,
    )
    viewer = add_person(
        actor=None,
        workspace=acme,
        email="vera@acme.test",
        name="Vera Viewer",
        role=Role.VIEWER,
        password=PASSWORD,
    )
    outsider = add_person(
        actor=None,
        workspace=globex,
        email="oscar@globex.test",
        name="Oscar Outsider",
        role=Role.ADMIN,
        password=PASSWORD,
    )
    owner = add_person(
        actor=None,
        workspace=acme,
        email="owen@acme.test",
        name="Owen Owner",
        role=Role.VIEWER,
        password=PASSWORD,
    )
    add_member(actor=None, team=sales, person=editor, is_lead=True)
    cycle = create_cycle(
        actor=admin,
        workspace=acme,
        name="2026-Q4",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
        state=CycleState.ACTIVE,
    )
    return World(
        acme=acme,
        globex=globex,
        company=company,
        sales=sales,
        admin=admin,
        editor=editor,
        viewer=viewer,
        outsider=outsider,
        cycle=cycle,
        owner=owner,
    )


@dataclass
class Things:
    """One object of every type in a workspace, named after `label`."""

    workspace: Workspace
    cycle: Cycle
    team: Team
    person: Person
    objective: Objective
    key_result: KeyResult
    check_in: CheckIn
    kpi: Kpi
    invitation: Invitation
    invitation_token: str

    @property
    def ids(self) -> dict[str, int]:
        """{object type: id}, the types named as routes name them."""
        return {
            "workspace": self.workspace.pk,
            "cycle": self.cycle.pk,
            "team": self.team.pk,
            "person": self.person.pk,
            "objective": self.objective.pk,
            "key_result": self.key_result.pk,
            "check_in": self.check_in.pk,
            "kpi": self.kpi.pk,
            "invitation": self.invitation.pk,
        }


@dataclass
class Everything:
    """`Things` in Acme and in Globex."""

    acme: Things
    globex: Things


def make_things(
    *,
    workspace: Workspace,
    cycle: Cycle,
    parent: Team,
    admin: Person,
    key_result_owner: Person,
    label: str,
) -> Things:
    """An object of every type in `workspace`, each name starting with `label`."""
    team = create_team(actor=admin, workspace=workspace, name=f"{label} team", parent=parent)
    person = add_person(
        actor=admin,
        workspace=workspace,
        email=f"{slugify(label) or 'someone'}-{workspace.slug}@people.test",
        name=f"{label} person",
        role=Role.EDITOR,
        password=PASSWORD,
    )
    add_member(actor=admin, team=team, person=person)
    objective = create_objective(
        actor=admin, cycle=cycle, team=team, title=f"{label} objective", owner=person
    )
    kpi = create_kpi(
        actor=admin,
        team=team,
        name=f"{label} KPI",
        owner=person,
        direction="higher_is_better",
        target=100,
        warning=80,
    )
    key_result = create_key_result(
        actor=admin,
        objective=objective,
        title=f"{label} key result",
        kind="increase",
        start=0,
        target=100,
        owner=key_result_owner,
        kpi=None,
    )
    check_in = record_check_in(
        actor=key_result_owner, key_result=key_result, value=10, confidence=7, note=f"{label} note"
    )
    record_measurements(
        actor=admin,
        kpi=kpi,
        points=[(dt.datetime(2026, 10, 1, tzinfo=dt.UTC), 90.0)],
    )
    invitation, token = invite_person(
        actor=admin,
        workspace=workspace,
        email=f"invited-{workspace.slug}@people.test",
        name=f"{label} invitee",
        role=Role.VIEWER,
        team=team,
    )
    return Things(
        workspace=workspace,
        cycle=cycle,
        team=team,
        person=person,
        objective=objective,
        key_result=key_result,
        check_in=check_in,
        kpi=kpi,
        invitation=invitation,
        invitation_token=token,
    )


@pytest.fixture
def things(world: World) -> Everything:
    """Objects of every type in Acme (the owner owns its key result) and in Globex."""
    return build_things(world)


def build_things(world: World) -> Everything:
    """What the `things` fixture gives."""
    globex_cycle = create_cycle(
        actor=world.outsider,
        workspace=world.globex,
        name="2026-Q4",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
        state=CycleState.ACTIVE,
    )
    acme = make_things(
        workspace=world.acme,
        cycle=world.cycle,
        parent=world.company,
        admin=world.admin,
        key_result_owner=world.owner,
        label="Acme secret",
    )
    globex = make_things(
        workspace=world.globex,
        cycle=globex_cycle,
        parent=company_team(world.globex),
        admin=world.outsider,
        key_result_owner=world.outsider,
        label="Globex secret",
    )
    return Everything(acme=acme, globex=globex)


# Fixtures that give a test the run's database (pytest-django refuses it to every other test).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def uses_the_database(item: pytest.Item) -> bool:
    return bool(
        item.get_closest_marker("django_db")
        or item.get_closest_marker("postgresql_pass")
        or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs the tests that use the run's database. A test that uses none
    (pure domain functions, pages rendered without rows, the served demo in its own SQLite
    folder) would run exactly as in the SQLite pass, so it runs there only (README,
    "Tests")."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        (kept if uses_the_database(item) else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture
def late_httpserver() -> Iterator[HTTPServer]:
    """A server of the test's own, for answers that outlive their test. The shared
    `httpserver` logs a request when its handler returns: a handler still sleeping when its
    test ends would log into the next test's server. This one is stopped instead, and a late
    answer lands in a server no other test reads."""
    server = HTTPServer(host="localhost", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def allow_local_outbound(settings: Any) -> None:
    """Let outbound requests reach this machine (docs/security.md, "Outbound requests"): the
    receivers and servers tests start listen on 127.0.0.1, which the policy refuses by
    default. Only tests that need a local listener use it."""
    settings.OUTBOUND_ALLOW = ["127.0.0.0/8", "::1/128", "localhost"]

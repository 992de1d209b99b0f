"""The route-walking tests share one world per module.

Building the world and its objects costs more than most requests; the matrix sends
hundreds. So each module builds them once inside an outer transaction, each test runs in
a savepoint that pytest-django rolls back (whatever a test writes is gone for the next:
a route that deletes, revokes or consumes an object finds it again in the next case),
and the outer transaction is rolled back at the end of the module.

Besides the shared base's `things`, the routes need objects it does not make: a webhook
subscription and one of its deliveries, a key result read from the KPI, an API token and
a staged KPI upload. The last two are reached by the person who made them only (anyone
else's is missing, 404), so each Acme persona also gets their own (`MatrixIds.own`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.api.services import create_token
from goalkeeper.bridges.models import DriverLink, Guardrail
from goalkeeper.bridges.services import link_key_result
from goalkeeper.channels.services import create_channel
from goalkeeper.comments.services import add_comment
from goalkeeper.dashboards import services as dashboards
from goalkeeper.exports.models import Format, ListKind
from goalkeeper.exports.services.requests import start_export
from goalkeeper.exports.services.running import run_export
from goalkeeper.kpis.models import Kpi, Measurement, RecoveryLink
from goalkeeper.kpis.services import stage_upload
from goalkeeper.notifications import services as notifications
from goalkeeper.notifications.models import Notification
from goalkeeper.okrs.services import create_key_result
from goalkeeper.scim.services import create_token as create_scim_token
from goalkeeper.sources import services as sources
from goalkeeper.sources.connection_tests import request_test as request_connection_test
from goalkeeper.sources.models import RunTrigger
from goalkeeper.webhooks.services import create_subscription, send_ping
from tests.conftest import Everything, Things, World, build_things, build_world

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACME_LABEL = "Acme secret"  # how tests/conftest.py's build_things names Acme's objects
GLOBEX_LABEL = "Globex secret"
# Acme's personas: each gets a token and an upload of their own.
ACME_PERSONAS = ("admin", "editor", "viewer", "owner")


def add_webhook(*, workspace: Workspace, admin: Person, label: str) -> dict[str, int]:
    """A webhook subscription of `workspace` and one delivery of it (a ping)."""
    subscription = create_subscription(
        actor=admin,
        workspace=workspace,
        url=f"https://hooks.example.com/{workspace.slug}",
        events=["objective.closed", "kpi.health_changed"],
        description=f"{label} webhook",
    )
    delivery = send_ping(actor=admin, subscription=subscription)
    return {"subscription": subscription.pk, "delivery": delivery.pk}


def add_chat_channel(*, workspace: Workspace, admin: Person, label: str) -> dict[str, int]:
    """A chat channel of the whole workspace (admins manage it; a team lead does not)."""
    channel = create_channel(
        actor=admin,
        workspace=workspace,
        kind="slack",
        name=f"{label} chat",
        url=f"https://hooks.example.com/services/{workspace.slug}/token1234",
    )
    return {"chat_channel": channel.pk}


def add_source(*, kpi: Kpi, admin: Person, label: str, run: bool = True) -> dict[str, int]:
    """A CSV data source on `kpi` (a secret header included) and one finished run of it
    (or only a queued one, which writes no audit entry)."""
    root = Path(settings.SOURCE_FILE_ROOTS[0])
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"matrix-{kpi.pk}.csv"
    path.write_text("date,value\n2026-10-01,90\n")
    configuration = sources.configure(
        kpi=kpi,
        kind="csv",
        values={
            "location": str(path),
            "timestamp_column": "date",
            "value_column": "value",
            "headers": f"X-Api-Key: {label} source key 12345",
        },
    )
    source = sources.create_source(actor=admin, kpi=kpi, configuration=configuration)
    queued = sources.request_sync(actor=admin, source=source, trigger=RunTrigger.MANUAL)
    if run:
        sources.execute(queued.pk)
    # Each workspace of the world holds a queued test per source: more than one workspace
    # may queue by default (`SOURCE_TEST_MAX_PENDING`).
    with override_settings(SOURCE_TEST_MAX_PENDING=10):
        test = request_connection_test(actor=admin, kpi=kpi, configuration=configuration)
    return {"sync_run": queued.pk, "connection_test": test.pk}


def add_dashboard(kpi: Kpi, *, admin: Person, label: str) -> dict[str, int]:
    """A dashboard of the workspace's admin shared with everyone, with a chart of `kpi` and
    a share link."""
    dashboard = dashboards.create_dashboard(
        actor=admin, title=f"{label} dashboard", sharing="workspace"
    )
    tile = dashboards.add_tile(
        actor=admin, dashboard=dashboard, kind="kpi_chart", config={"kpi": kpi.pk}
    )
    link, _raw = dashboards.create_share_link(actor=admin, dashboard=dashboard, days=7)
    return {"dashboard": dashboard.pk, "tile": tile.pk, "share_link": link.pk}


def own_upload(person: Person, kpi: Kpi) -> str:
    """The token of an upload `person` staged for `kpi` (its preview is theirs only; it
    expires after an hour, far longer than a module runs)."""
    staged = stage_upload(
        actor=person,
        kpi=kpi,
        points=[(dt.datetime(2026, 10, 2, tzinfo=dt.UTC), 95.0)],
        filename=f"{person.name}.csv",
    )
    return str(staged.token)


def own_objects(person: Person, things: Things) -> dict[str, Any]:
    """Objects only `person` reaches: an API token, an upload staged for the KPI, an item
    of their inbox and an export."""
    token, _raw = create_token(actor=person, person=person, name=f"{person.name} token")
    notifications.notify(
        workspace_id=person.workspace_id,
        people=[person.pk],
        kind="mention",
        title=f"{person.name} was mentioned",
        url=f"/objectives/{things.objective.pk}/",
        subject=("objective", things.objective.pk),
    )
    item = Notification.objects.filter(person=person).latest("id")
    return {
        "api_token": token.pk,
        "upload": own_upload(person, things.kpi),
        "notification": item.pk,
        "export": own_export(person),
    }


def own_export(person: Person) -> int:
    """A finished export of `person`'s, its file written (only its maker reaches it)."""
    export = start_export(
        person=person, kind=ListKind.KPIS, file_format=Format.CSV, filters={}, rows=1
    )
    run_export(export.pk)
    return export.pk


def add_matrix_objects(things: Things, *, admin: Person, label: str) -> dict[str, Any]:
    """The objects the shared base does not make, in `things`' workspace, named after
    `label`; returns every id the routes take, by object type (`things.ids` included).

    The token and the upload belong to `things.person`, none of the personas: they are
    another person's, which must look missing.
    """
    webhook = add_webhook(workspace=things.workspace, admin=admin, label=label)
    # A key result of its own: linking the owner's one would stop their check-ins counting.
    linked = create_key_result(
        actor=admin,
        objective=things.objective,
        title=f"{label} linked key result",
        kind="increase",
        start=0,
        target=100,
        owner=things.person,
    )
    link_key_result(actor=admin, key_result=linked, kpi=things.kpi)
    # The objective counts as the KPI's recovery (made as stored: the KPI is not red).
    RecoveryLink.objects.create(kpi=things.kpi, objective=things.objective, created_by=admin)
    # The KPI guards the objective and drives its key result (made as stored).
    Guardrail.objects.create(workspace=things.workspace, objective=things.objective, kpi=things.kpi)
    driver = DriverLink.objects.create(
        workspace=things.workspace, leading=things.kpi, lagging_key_result=things.key_result
    )
    comment = add_comment(
        actor=things.person,
        subject_type="objective",
        subject_id=things.objective.pk,
        body=f"{label} comment",
    )
    return {
        **things.ids,
        **add_dashboard(things.kpi, admin=admin, label=label),
        **webhook,
        "comment": comment.pk,
        **add_chat_channel(workspace=things.workspace, admin=admin, label=label),
        "scim_token": create_scim_token(actor=admin, name=f"{label} SCIM")[0].pk,
        **add_source(kpi=things.kpi, admin=admin, label=label),
        **own_objects(things.person, things),
        "invitation_token": things.invitation_token,
        "linked_key_result": linked.pk,
        "recovery": things.objective.pk,
        "guardrail_kpi": things.kpi.pk,
        "driver_link": driver.pk,
        # One stored value of the KPI, for the page that corrects it.
        "measurement": Measurement.objects.filter(kpi=things.kpi).values_list("pk", flat=True)[0],
    }


@dataclass
class MatrixIds:
    """The ids that fill route arguments: Acme's, Globex's, and each Acme persona's own."""

    acme: dict[str, Any]
    globex: dict[str, Any]
    own: dict[str, dict[str, Any]] = field(default_factory=dict)

    def acme_for(self, persona: str) -> dict[str, Any]:
        """Acme's ids as `persona` uses them: their own token and upload where they have
        one (the outsider and the anonymous visitor get another person's)."""
        return {**self.acme, **self.own.get(persona, {})}


def build_matrix_ids(world: World, things: Everything) -> MatrixIds:
    return MatrixIds(
        acme=add_matrix_objects(things.acme, admin=world.admin, label=ACME_LABEL),
        globex=add_matrix_objects(things.globex, admin=world.outsider, label=GLOBEX_LABEL),
        own={p: own_objects(getattr(world, p), things.acme) for p in ACME_PERSONAS},
    )


@pytest.fixture(scope="module")
def shared(
    django_db_setup: Any, django_db_blocker: Any
) -> Iterator[tuple[World, Everything, MatrixIds]]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        world = build_world()
        things = build_things(world)
        yield world, things, build_matrix_ids(world, things)
        transaction.set_rollback(True)


@pytest.fixture
def world(shared: tuple[World, Everything, MatrixIds], db: None) -> World:
    return shared[0]


@pytest.fixture
def things(shared: tuple[World, Everything, MatrixIds], db: None) -> Everything:
    return shared[1]


@pytest.fixture
def ids(shared: tuple[World, Everything, MatrixIds], db: None) -> MatrixIds:
    return shared[2]

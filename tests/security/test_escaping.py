"""Markup typed into a name is shown as text on every page.

An objective, key result, KPI, team and person of Acme are all named after
`<script>alert(1)</script>`. Every page route of the project (found by walking the
resolver) is fetched by Acme's admin: none may contain the raw tag, and each page that
displays a kind of object (ROUTES' `shows`) must contain its name, escaped.
"""

from __future__ import annotations

from typing import Any

import pytest

from goalkeeper.accounts.models import Role
from goalkeeper.accounts.services import add_person
from goalkeeper.comments.services import add_comment
from goalkeeper.kpis.models import Measurement
from goalkeeper.kpis.services import create_kpi
from goalkeeper.notifications import services as notifications
from goalkeeper.notifications.models import Notification
from tests.conftest import PASSWORD, World, make_things
from tests.security.conftest import (
    add_chat_channel,
    add_dashboard,
    add_source,
    add_webhook,
    own_export,
    own_upload,
)
from tests.security.routes import ROUTES, FoundRoute, active_routes, build_url

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# How make_things names each kind of object after its label.
SUFFIX = {
    "objective": "objective",
    "key_result": "key result",
    "kpi": "KPI",
    "team": "team",
    "person": "person",
}

PAGES = [found for found, spec in active_routes() if spec.kind == "page" and spec.read]


@pytest.fixture
def hostile(world: World) -> dict[str, Any]:
    # The webhook first: the admin page lists the six latest audit entries, which must
    # still name the objective, key result, KPI and person made below.
    # A KPI with a data source before them too, for the same reason; an export (its request
    # is audited) before everything.
    export = own_export(world.admin)
    sourced = create_kpi(actor=world.admin, team=world.company, name=f"{PAYLOAD} KPI", target=1)
    source = add_source(kpi=sourced, admin=world.admin, label="hostile", run=False)
    # A dashboard of it, before the objects below for the same reason.
    dashboard = add_dashboard(sourced, admin=world.admin, label=PAYLOAD)
    webhook = add_webhook(workspace=world.acme, admin=world.admin, label=PAYLOAD)
    chat = add_chat_channel(workspace=world.acme, admin=world.admin, label=PAYLOAD)
    # A comment with markup in its text and in a mention's name, made before the objects
    # below for the same reason; the admin wrote it, so the edit form (the author's, for
    # 15 minutes) is fetched too.
    mentioned = add_person(
        actor=None,
        workspace=world.acme,
        email="mentioned@people.test",
        name=f"{PAYLOAD} mentioned",
        role=Role.EDITOR,
        password=PASSWORD,
    )
    comment = add_comment(
        actor=world.admin,
        subject_type="kpi",
        subject_id=sourced.pk,
        body=f"{PAYLOAD} @[{PAYLOAD}](person:{mentioned.pk}) https://x.org/{PAYLOAD}",
    )
    things = make_things(
        workspace=world.acme,
        cycle=world.cycle,
        parent=world.company,
        admin=world.admin,
        key_result_owner=world.owner,
        label=PAYLOAD,
    )
    return {
        **things.ids,
        **dashboard,
        **webhook,
        **chat,
        **source,
        "comment": comment.pk,
        "invitation_token": things.invitation_token,
        # Staging an upload writes no audit entry; the preview is its maker's, the admin's.
        "upload": own_upload(world.admin, things.kpi),
        "notification": hostile_notification(world, things.objective.pk),
        "export": export,
        "measurement": Measurement.objects.filter(kpi=things.kpi).values_list("pk", flat=True)[0],
    }


def hostile_notification(world: World, objective_id: int) -> int:
    """An inbox item of the admin's whose title is the payload."""
    notifications.notify(
        workspace_id=world.acme.pk,
        people=[world.admin.pk],
        kind="mention",
        title=f"{PAYLOAD} mentioned you",
        url=f"/objectives/{objective_id}/",
        subject=("objective", objective_id),
    )
    return Notification.objects.filter(person=world.admin).latest("id").pk


@pytest.mark.parametrize("found", PAGES, ids=[f.key for f in PAGES])
def test_names_with_markup_are_shown_as_text(
    found: FoundRoute, world: World, hostile: dict[str, Any]
) -> None:
    spec = ROUTES[found.key]
    response = world.client_for(world.admin).get(build_url(found, spec, hostile))

    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert "<script>alert" not in html, f"{found.key} shows raw markup"
        for kind in spec.shows:
            expected = f"{ESCAPED} {SUFFIX[kind]}"
            assert expected in html, f"{found.key} should show the {kind}'s name as text"
    else:
        assert not spec.shows, f"{found.key}: {response.status_code} {response.get('Content-Type')}"


def test_every_kind_of_object_is_checked_on_some_page() -> None:
    shown = set().union(*(ROUTES[f.key].shows for f in PAGES))
    assert set(SUFFIX) <= shown

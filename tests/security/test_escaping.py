"""Markup typed into a name is shown as text on every page.

An objective, key result, KPI, team and person of Acme are all named after
`<script>alert(1)</script>`. Every page route of the project (found by walking the
resolver) is fetched by Acme's admin: none may contain the raw tag, and each page that
displays a kind of object (ROUTES' `shows`) must contain its name, escaped.
"""

from __future__ import annotations

from typing import Any

import pytest

from goalkeeper.kpis.services import create_kpi
from tests.conftest import World, make_things
from tests.security.conftest import add_source, add_webhook, own_upload
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
    # A KPI with a data source before them too, for the same reason.
    sourced = create_kpi(actor=world.admin, team=world.company, name=f"{PAYLOAD} KPI", target=1)
    source = add_source(kpi=sourced, admin=world.admin, label="hostile", run=False)
    webhook = add_webhook(workspace=world.acme, admin=world.admin, label=PAYLOAD)
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
        **webhook,
        **source,
        "invitation_token": things.invitation_token,
        # Staging an upload writes no audit entry; the preview is its maker's, the admin's.
        "upload": own_upload(world.admin, things.kpi),
    }


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

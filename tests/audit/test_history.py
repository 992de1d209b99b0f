"""Each object's history: what `history_for` finds, how it reads, and who may see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goalkeeper.audit.queries import history_for, show_value
from goalkeeper.audit.services import record
from goalkeeper.okrs.services import record_check_in, update_key_result, update_objective
from tests.conftest import Everything, World


def test_an_objectives_history_includes_its_key_results_and_check_ins(
    world: World, things: Everything
):
    acme = things.acme
    update_objective(actor=world.editor, objective=acme.objective, owner=world.viewer)
    record_check_in(actor=world.owner, key_result=acme.key_result, value=42, confidence=8)

    history = history_for(world.acme, acme.objective)

    actions = [entry.action for entry in history]
    assert actions[:2] == ["check_in.created", "objective.updated"]
    assert {"objective.created", "key_result.created"} <= set(actions)
    changed_owner = history[1]
    assert changed_owner.actor_name == "Eddie Editor"
    assert changed_owner.verb == "updated objective"
    owner = next(c for c in changed_owner.changes if c.field == "owner")
    assert (owner.label, owner.old, owner.new) == ("Owner", "Acme secret person", "Vera Viewer")
    check_in = history[0]
    assert check_in.object_label == "Key result"
    assert [(c.label, c.old, c.new) for c in check_in.changes][:1] == [("Value", "10", "42")]


def test_a_key_results_history_is_its_own(world: World, things: Everything):
    acme = things.acme
    update_key_result(actor=world.editor, key_result=acme.key_result, target=120)

    history = history_for(world.acme, acme.key_result)

    assert {e.object_type for e in history} == {"keyresult"}
    assert history[0].changes[0].label == "Target"
    assert (history[0].changes[0].old, history[0].changes[0].new) == ("100", "120")


def test_history_reads_in_a_fixed_number_of_queries(
    world: World, things: Everything, django_assert_max_num_queries
):
    for n in range(30):
        record_check_in(actor=world.owner, key_result=things.acme.key_result, value=n)
        update_objective(actor=world.editor, objective=things.acme.objective, title=f"T{n}")

    with django_assert_max_num_queries(5):
        history = history_for(world.acme, things.acme.objective)
    assert len(history) == 50


def test_history_never_names_another_workspaces_objects(world: World, things: Everything):
    record(
        workspace=world.acme,
        actor=world.admin,
        action="objective.updated",
        obj=things.acme.objective,
        changes={"owner": [None, things.globex.person.pk]},
    )

    newest = history_for(world.acme, things.acme.objective)[0]

    assert newest.changes[0].new == "someone no longer here"
    assert str(things.globex.person.pk) not in newest.sentence


def test_another_workspaces_entries_are_not_in_the_history(world: World, things: Everything):
    record(
        workspace=world.globex,
        actor=world.outsider,
        action="objective.updated",
        obj=things.acme.objective,
        changes={"title": ["a", "b"]},
    )

    assert all(
        e.actor_name != "Oscar Outsider" for e in history_for(world.acme, things.acme.objective)
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "-"),
        ("", "-"),
        (True, "Yes"),
        (False, "No"),
        (0.1, "0.1"),
        (1234.5, "1,234.5"),
        (25000, "25,000"),
        (["a", "b"], "a, b"),
        ("x" * 400, "x" * 159 + "\u2026"),
    ],
)
def test_values_read_plainly(value, shown):
    assert show_value(value) == shown


@pytest.mark.parametrize(
    ("persona", "object_type", "status"),
    [
        ("viewer", "objective", 200),
        ("viewer", "key_result", 200),
        ("viewer", "kpi", 200),
        ("viewer", "cycle", 200),
        ("viewer", "team", 200),
        ("viewer", "person", 403),
        ("admin", "person", 200),
        ("outsider", "objective", 404),
        ("outsider", "key_result", 404),
        ("outsider", "kpi", 404),
        ("outsider", "cycle", 404),
        ("outsider", "team", 404),
        ("outsider", "person", 404),
        ("admin", "workspace", 404),
        ("admin", "auditentry", 404),
    ],
)
def test_the_history_endpoint_checks_access_per_object_type(
    world: World, things: Everything, persona: str, object_type: str, status: int
):
    ids = things.acme.ids
    object_id = ids.get(object_type, 1)

    response = world.client_for(getattr(world, persona)).get(
        reverse("object_history", args=[object_type, object_id])
    )

    assert response.status_code == status


def test_htmx_gets_the_fragment_and_a_browser_gets_a_page(world: World, things: Everything):
    url = reverse("object_history", args=["objective", things.acme.objective.pk])
    client = world.client_for(world.viewer)

    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    page = client.get(url).content.decode()

    assert 'data-testid="history"' in fragment
    assert "<html" not in fragment
    assert "<html" in page
    assert "Acme secret objective" in page
    assert "created the objective" in page


def test_the_loader_include_fetches_the_history_with_a_link_fallback(world: World):
    from django.template import Context, Template

    html = Template(
        '{% include "audit/_history_loader.html" with object_type="kpi" object_id=7 %}'
    ).render(Context({}))

    assert 'hx-get="/history/kpi/7/"' in html
    assert 'hx-trigger="load"' in html
    assert 'href="/history/kpi/7/"' in html


def test_an_object_without_changes_says_so(world: World):
    from django.template.loader import render_to_string

    nothing = history_for(world.acme, ("objective", [987654321]))
    html = render_to_string("audit/_history.html", {"history": nothing})

    assert nothing == ()
    assert 'data-testid="history-empty"' in html

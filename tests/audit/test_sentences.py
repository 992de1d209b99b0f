"""Histories read as sentences: names instead of ids, words instead of codes, units on
numbers, and nothing about fields that did not change or mean nothing to a person."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalkeeper.accounts.services import (
    deactivate_person,
    set_memberships,
    update_person,
    update_team,
    update_workspace,
)
from goalkeeper.audit import actions, sentences, words
from goalkeeper.audit.queries import AuditFilters, history_for, workspace_history
from goalkeeper.audit.services import record
from goalkeeper.bridges.services import promote_key_result
from goalkeeper.bridges.services.drive import link_key_result
from goalkeeper.kpis.services import create_kpi, record_measurements, update_kpi
from goalkeeper.okrs.services import (
    close_objective,
    create_key_result,
    record_check_in,
    update_key_result,
    update_objective,
)
from tests.conftest import Everything, World


def newest(world: World, target) -> str:
    """The newest entry about `target` as plain text, its details after a bar."""
    entry = history_for(world.acme, target)[0]
    return " | ".join([words.plain(entry.sentence), *map(words.plain, entry.details)])


# --- Objectives and key results ---------------------------------------------------------------


def test_changing_one_field_of_a_key_result_says_from_what_to_what(
    world: World, things: Everything
):
    kr = things.acme.key_result
    update_key_result(actor=world.editor, key_result=kr, target=80)

    assert newest(world, kr) == (
        "Eddie Editor changed the target of the key result Acme secret key result from 100 to 80"
    )


def test_money_reads_with_its_unit(world: World, things: Everything):
    kr = things.acme.key_result
    update_key_result(actor=world.editor, key_result=kr, unit="€")
    update_key_result(actor=world.editor, key_result=kr, target=12000)

    assert "from €100 to €12,000" in newest(world, kr)


def test_a_new_key_result_lists_what_was_set_and_leaves_out_bookkeeping(
    world: World, things: Everything
):
    kr = create_key_result(
        actor=world.editor,
        objective=things.acme.objective,
        title="Ship the mobile app",
        kind="milestone",
        owner=world.owner,
    )

    text = newest(world, kr)
    assert text.startswith("Eddie Editor created the milestone Ship the mobile app")
    assert "owner set to Owen Owner" in text
    assert "kind set to milestone" in text
    for meaningless in ("osition", "KPI reading", "latest", "weight", "value source"):
        assert meaningless not in text


def test_a_changed_owner_is_named(world: World, things: Everything):
    objective = things.acme.objective
    update_objective(actor=world.editor, objective=objective, owner=world.viewer)

    assert newest(world, objective) == (
        "Eddie Editor changed the owner of the objective Acme secret objective "
        "from Acme secret person to Vera Viewer"
    )


def test_several_changes_read_one_line_each(world: World, things: Everything):
    objective = things.acme.objective
    update_objective(
        actor=world.editor, objective=objective, title="Delight customers", kind="aspirational"
    )

    text = newest(world, objective)
    assert text.startswith("Eddie Editor changed the objective Delight customers:")
    assert "kind from committed to aspirational" in text
    assert "title from “Acme secret objective” to “Delight customers”" in text


def test_closing_an_objective_gives_its_final_score(world: World, things: Everything):
    objective = things.acme.objective
    close_objective(actor=world.editor, objective=objective, final_score=0.7, retrospective="Ok")

    text = newest(world, objective)
    assert "Eddie Editor closed the objective Acme secret objective with a final score of 0.7" in (
        text
    )
    assert "Retrospective: “Ok”" in text


# --- Check-ins -------------------------------------------------------------------------------


def test_a_check_in_says_the_value_the_confidence_and_the_note(world: World, things: Everything):
    kr = things.acme.key_result
    update_key_result(actor=world.editor, key_result=kr, unit="%")
    record_check_in(actor=world.owner, key_result=kr, value=45, confidence=7, note="Two deals")

    assert newest(world, kr) == (
        "Owen Owner checked in 45% on the key result Acme secret key result "
        "(confidence 7 of 10): “Two deals”"
    )


def test_a_check_in_repeating_the_value_still_says_it(world: World, things: Everything):
    kr = things.acme.key_result
    record_check_in(actor=world.owner, key_result=kr, value=10)

    assert newest(world, kr).startswith("Owen Owner checked in 10 on the key result")


@pytest.mark.parametrize(
    ("done", "said"),
    [
        ([True], "marked the milestone Launch done"),
        ([True, False], "marked the milestone Launch not done"),
        ([False], "checked in on the milestone Launch: not done yet"),
    ],
)
def test_a_milestone_check_in_says_done_or_not_done(
    world: World, things: Everything, done: list[bool], said: str
):
    kr = create_key_result(
        actor=world.editor, objective=things.acme.objective, title="Launch", kind="milestone"
    )
    for flag in done:
        record_check_in(actor=world.owner, key_result=kr, done=flag)

    assert newest(world, kr).startswith(f"Owen Owner {said}")


# --- KPIs, measurements, links, recovery, promotion -------------------------------------------


def test_a_kpis_direction_reads_in_words(world: World, things: Everything):
    kpi = things.acme.kpi
    update_kpi(actor=world.editor, kpi=kpi, direction="lower_is_better", warning=120)

    text = newest(world, kpi)
    assert text.startswith("Eddie Editor changed the KPI Acme secret KPI:")
    assert "direction from higher is better to lower is better" in text
    assert "warning threshold from 80 to 120" in text


def test_a_new_kpi_says_its_target_with_its_unit(world: World):
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Net revenue", unit="€", target=11_000_000
    )

    text = newest(world, kpi)
    assert text.startswith("Eddie Editor created the KPI Net revenue")
    assert "target set to €11,000,000" in text


def test_recorded_values_are_counted_and_say_how_they_arrived(world: World, things: Everything):
    import datetime as dt

    points = [(dt.datetime(2026, 10, d, tzinfo=dt.UTC), float(d)) for d in range(2, 5)]
    record_measurements(actor=world.editor, kpi=things.acme.kpi, points=points, source="manual")

    assert newest(world, things.acme.kpi) == (
        "Eddie Editor recorded 3 values of the KPI Acme secret KPI by hand"
    )


def test_linking_a_kpi_names_it(world: World, things: Everything):
    kpi = create_kpi(actor=world.editor, team=world.sales, name="Net revenue", target=1)
    link_key_result(actor=world.editor, key_result=things.acme.key_result, kpi=kpi)

    history = history_for(world.acme, things.acme.key_result)
    linked = next(e for e in history if e.action == "key_result.updated")
    assert words.plain(linked.sentence) == (
        "Eddie Editor linked the key result Acme secret key result to the KPI Net revenue"
    )


def test_a_recovery_objective_is_named_for_its_kpi(world: World, things: Everything):
    record(
        workspace=world.acme,
        actor=world.editor,
        action="kpi.recovery_created",
        obj=things.acme.kpi,
        changes={"objective": [None, things.acme.objective.pk], "value": [None, 42.0]},
    )

    text = newest(world, things.acme.kpi)
    assert text.startswith(
        "Eddie Editor created the recovery objective Acme secret objective "
        "for the KPI Acme secret KPI"
    )
    assert str(things.acme.objective.pk) not in text.replace("42", "")


def test_promoting_a_key_result_names_both(world: World, things: Everything):
    kpi = promote_key_result(actor=world.editor, key_result=things.acme.key_result)

    entry = next(e for e in history_for(world.acme, kpi) if e.action == "key_result.promoted")
    assert words.plain(entry.sentence) == (
        f"Eddie Editor promoted the key result Acme secret key result to the KPI {kpi.name}"
    )


# --- People, teams, settings ------------------------------------------------------------------


def test_people_and_roles_read_in_words(world: World, things: Everything):
    person = things.acme.person
    update_person(actor=world.admin, person=person, role="admin")
    assert newest(world, person) == "Ada Admin made Acme secret person admin"

    set_memberships(actor=world.admin, person=person, teams={world.sales.pk: False})
    assert newest(world, person).startswith("Ada Admin put Acme secret person in the teams ")
    assert "Sales" in newest(world, person)

    deactivate_person(actor=world.admin, person=person, new_owner=world.editor)
    assert newest(world, person) == (
        "Ada Admin deactivated Acme secret person and handed their work to Eddie Editor"
    )


def test_teams_read_by_name(world: World, things: Everything):
    team = things.acme.team
    update_team(actor=world.admin, team=team, name="Growth")
    assert newest(world, team) == "Ada Admin renamed the team “Acme secret team” to “Growth”"

    update_team(actor=world.admin, team=team, parent=world.sales)
    assert newest(world, team) == "Ada Admin moved the team Growth under Sales"


def test_workspace_settings_read_as_labels(world: World):
    update_workspace(actor=world.admin, workspace=world.acme, fiscal_year_start_month=4)

    entry = workspace_history(world.acme, AuditFilters(), 1, per_page=1)[1][0]
    assert words.plain(entry.sentence) == (
        "Ada Admin set the first month of the fiscal year of the workspace Acme to April"
    ) or words.plain(entry.sentence) == (
        "Ada Admin changed the first month of the fiscal year of the workspace Acme "
        "from January to April"
    )


# --- Safety and cost --------------------------------------------------------------------------


def test_names_are_escaped(world: World, things: Everything):
    update_objective(actor=world.editor, objective=things.acme.objective, title="<b>x</b>")

    entry = history_for(world.acme, things.acme.objective)[0]
    assert "<b>x</b>" not in entry.sentence
    assert escape("<b>x</b>") in entry.sentence


def test_the_log_names_a_page_of_entries_in_a_fixed_number_of_queries(
    world: World, things: Everything, django_assert_max_num_queries
):
    kr = things.acme.key_result
    for n in range(15):
        record_check_in(actor=world.owner, key_result=kr, value=n, confidence=5)
        update_objective(actor=world.editor, objective=things.acme.objective, owner=world.viewer)
        update_objective(actor=world.editor, objective=things.acme.objective, owner=world.editor)
        update_kpi(actor=world.editor, kpi=things.acme.kpi, owner=world.owner)

    with django_assert_max_num_queries(8):
        _page, entries = workspace_history(world.acme, AuditFilters(), 1)
        rendered = [entry.sentence for entry in entries]
    assert len(rendered) == 50


# --- Every action and field reads as words ----------------------------------------------------

ACTIONS = sorted(
    {
        *actions.SPECIAL,
        "objective.created",
        "objective.updated",
        "key_result.created",
        "key_result.updated",
        "kpi.created",
        "kpi.updated",
        "kpi.deleted",
        "cycle.updated",
        "team.archived",
        "kpi.archived",
        "kpi.measurement_corrected",
    }
)
FIELDS = sorted(
    {
        *words.FIELDS,
        *words.REFERENCES,
        *words.HIDDEN,
        "position",
        "kpi_mode",
        "rollup",
        "created",
        "updated",
        "source",
        "from",
        "error",
        "check_ins_copied",
        "objectives",
        "emoji",
        "member",
        "new_owner",
    }
)
TYPES = ["objective", "keyresult", "kpi", "team", "person", "cycle", "workspace", "comment"]
IDS = st.integers(min_value=900_000_001, max_value=900_000_999)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    IDS,
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(
        [
            "",
            "lower_is_better",
            "in_range",
            "cycle_aggregate",
            "latest",
            "sum",
            "2026-10-01",
            "A plain note",
        ]
    ),
    st.lists(IDS, max_size=3),
)
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|#\d")


@given(
    action=st.sampled_from(ACTIONS),
    object_type=st.sampled_from(TYPES),
    changes=st.dictionaries(st.sampled_from(FIELDS), st.tuples(VALUES, VALUES), max_size=5),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_action_and_field_reads_without_ids_or_codes(action, object_type, changes):
    told = sentences.tell(
        action=action,
        actor_name="Robin Adeyemi",
        object_type=object_type,
        object_repr="Churn rate",
        changes={field: list(pair) for field, pair in changes.items()},
        facts=words.Facts(name_of=lambda model, pk: None, unit="€"),
    )

    text = re.sub("“[^”]*”", "", told.text).replace(",", "")
    assert text.strip()
    assert not CODE.search(text), text
    numbers = {
        number
        for field, pair in changes.items()
        if words.reference(object_type, field) is None
        for v in pair
        for number in (v if isinstance(v, list) else [v])
        if isinstance(number, int)
    }
    for field, pair in changes.items():
        if words.reference(object_type, field) is not None:
            for pk in pair if isinstance(pair, tuple) else ():
                for one in pk if isinstance(pk, list) else [pk]:
                    if isinstance(one, int) and not isinstance(one, bool) and one not in numbers:
                        assert str(one) not in text, text


def test_lists_of_names_are_escaped_once(world: World, things: Everything):
    other = create_key_result(
        actor=world.editor, objective=things.acme.objective, title="Tom's share", kind="milestone"
    )
    record(
        workspace=world.acme,
        actor=world.editor,
        action="key_result.split",
        obj=things.acme.key_result,
        changes={"key_results": [None, [other.pk, things.acme.key_result.pk]]},
    )

    entry = history_for(world.acme, things.acme.key_result)[0]
    assert "&lt;strong" not in entry.sentence
    assert "&amp;#x27;" not in entry.sentence
    assert words.plain(entry.sentence).endswith("across Tom's share, Acme secret key result")

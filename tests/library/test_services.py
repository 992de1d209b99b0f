"""Using a template: its objective as the writer's draft, its KPIs created for a team
through the KPI services, all or none, a refusal naming the KPI and field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Kpi
from goalkeeper.library.catalog import library
from goalkeeper.library.services import KpiChoice, create_kpis_from_template, objective_draft
from tests.conftest import World


def template(key: str):  # type: ignore[no-untyped-def]
    found = library().get(key)
    assert found is not None
    return found


def test_an_objective_draft_carries_the_title_kind_and_key_results() -> None:
    fields, key_results = objective_draft(template("engineering"), 1)

    assert fields == {"title": "Keep production reliable", "kind": "committed", "description": ""}
    assert key_results[0] == {
        "title": "Change failure rate stays under 15%",
        "kind": "maintain",
        "unit": "%",
        "high": 15,
        "weight": 1,
    }
    assert key_results[1]["kind"] == "decrease"
    assert (key_results[1]["start"], key_results[1]["target"]) == (240, 60)


def test_an_objective_draft_of_an_objective_the_template_lacks_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        objective_draft(template("sales"), 7)

    assert refused.value.message_dict == {"objective": ["the template has no objective 8"]}


@pytest.mark.django_db
def test_the_chosen_kpis_are_created_for_the_team_with_their_changes(world: World) -> None:
    AuditEntry.objects.all().delete()
    support = template("customer-support")

    created = create_kpis_from_template(
        actor=world.editor,
        template=support,
        team=world.sales,
        choices=[
            KpiChoice(0, owner=world.editor),
            KpiChoice(1, name="CSAT (chat)", numbers={"target": 93, "warning": 88}),
        ],
    )

    first, second = created
    assert (first.name, first.team, first.owner, first.unit) == (
        "First response time",
        world.sales,
        world.editor,
        "hours",
    )
    assert (first.direction, first.target, first.warning) == ("lower_is_better", 1, 2)
    assert (first.frequency, first.aggregation) == ("weekly", "average")
    assert (second.name, second.target, second.warning, second.owner) == (
        "CSAT (chat)",
        93,
        88,
        None,
    )
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["kpi.created"] * 2


@pytest.mark.django_db
def test_a_refused_kpi_creates_none_and_names_its_place_and_field(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        create_kpis_from_template(
            actor=world.editor,
            template=template("customer-support"),
            team=world.sales,
            choices=[
                KpiChoice(0),
                KpiChoice(1, numbers={"target": 90, "warning": 95}),
            ],
        )

    assert list(refused.value.message_dict) == ["kpis.1.warning"]
    assert Kpi.objects.count() == 0


@pytest.mark.django_db
def test_nothing_chosen_or_an_owner_of_another_workspace_is_refused(world: World) -> None:
    finance = template("finance")
    with pytest.raises(ValidationError) as nothing:
        create_kpis_from_template(
            actor=world.editor, template=finance, team=world.sales, choices=[]
        )
    with pytest.raises(ValidationError) as stranger:
        create_kpis_from_template(
            actor=world.editor,
            template=finance,
            team=world.sales,
            choices=[KpiChoice(2, owner=world.outsider)],
        )
    with pytest.raises(ValidationError) as unknown:
        create_kpis_from_template(
            actor=world.editor, template=finance, team=world.sales, choices=[KpiChoice(40)]
        )

    assert nothing.value.message_dict == {"kpis": ["choose at least one KPI"]}
    assert stranger.value.message_dict == {"kpis.2.owner": ["not a person of this workspace"]}
    assert unknown.value.message_dict == {"kpis": ["the template has no KPI 41"]}
    assert Kpi.objects.count() == 0

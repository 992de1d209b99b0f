"""What a key result that rolls up refuses, and the contribution loops refused with the key
results named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs import services
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, Objective
from tests.conftest import World

# The fixtures the roll-up tests use, shared by importing them.
from tests.okrs.test_cascade_rollups import (
    chain,
    company_objective,
    fresh,
    mrr,
    sales_objective,
)
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")
__all__ = ["company_objective", "mrr", "sales_objective"]


def test_a_rolled_up_key_result_refuses_a_persons_check_in(world: World, mrr: KeyResult) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_check_in(actor=world.admin, key_result=mrr, value=5)

    assert refused.value.message_dict == {
        "value": ["this key result adds up its contributors: check in on them"]
    }
    assert not CheckIn.objects.filter(key_result=mrr).exists()


def test_a_rolled_up_key_result_refuses_a_kpi_link(world: World, mrr: KeyResult) -> None:
    kpi = create_kpi(
        actor=world.admin,
        team=world.company,
        name="MRR",
        owner=world.admin,
        direction="higher_is_better",
        target=600,
        warning=500,
    )

    with pytest.raises(ValidationError) as refused:
        services.update_key_result(actor=world.admin, key_result=mrr, kpi=kpi)

    assert refused.value.message_dict == {
        "kpi": ["this key result adds up its contributors: it cannot read a KPI"]
    }


def test_a_contribution_loop_is_refused_naming_the_key_results(world: World) -> None:
    bottom, _middle, top = chain(world, 3)

    with pytest.raises(ValidationError) as refused:
        services.update_key_result(actor=world.admin, key_result=top, contributes_to=bottom)

    assert refused.value.message_dict == {
        "contributes_to": [
            "this would make a loop: “Level 2 result” -> “Level 0 result” -> "
            "“Level 1 result” -> “Level 2 result”"
        ]
    }
    assert fresh(top).contributes_to_id is None


def test_contributing_to_oneself_is_refused(world: World, mrr: KeyResult) -> None:
    with pytest.raises(ValidationError) as refused:
        services.update_key_result(actor=world.admin, key_result=mrr, contributes_to=mrr)

    assert "contributes_to" in refused.value.message_dict


def test_contributing_to_another_workspace_is_refused(world: World, mrr: KeyResult) -> None:
    globex_cycle = Cycle.objects.create(
        workspace=world.globex,
        name="2026-Q4",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
        state="active",
    )
    globex_team = world.globex.teams.get()
    theirs = factories.key_result(
        factories.objective(globex_cycle, globex_team, "Theirs"), "Their MRR"
    )

    with pytest.raises(ValidationError) as refused:
        services.update_key_result(actor=world.admin, key_result=mrr, contributes_to=theirs)

    assert refused.value.message_dict["contributes_to"] == ["must belong to the same workspace"]


def test_the_audit_entry_names_the_new_fields(
    world: World, mrr: KeyResult, sales_objective: Objective
) -> None:
    ann = factories.key_result(sales_objective, "Ann's MRR")

    services.update_key_result(actor=world.editor, key_result=ann, contributes_to=mrr)

    entry = AuditEntry.objects.filter(action="key_result.updated").latest("id")
    assert entry.changes == {"contributes_to": [None, mrr.pk]}

"""Notification tests: the shared world, an objective with a key result owned in Sales."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from goalkeeper.accounts.models import Person, Role
from goalkeeper.accounts.services import add_member, add_person
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services import create_key_result, create_objective
from tests.conftest import PASSWORD, World
from tests.mailserver import smtp_server  # noqa: F401 - shared fixture


@dataclass
class Plan:
    """Sales' objective (owned by the editor, who leads Sales) and a key result of Owen's."""

    world: World
    objective: Objective
    key_result: KeyResult
    fan: Person  # an editor of Acme who owns nothing and leads nothing


@pytest.fixture
def plan(world: World) -> Plan:
    objective = create_objective(
        actor=world.admin,
        cycle=world.cycle,
        team=world.sales,
        title="Win the north",
        owner=world.editor,
    )
    key_result = create_key_result(
        actor=world.admin,
        objective=objective,
        title="Sign 10 customers",
        kind="increase",
        start=0,
        target=10,
        unit="customers",
        owner=world.owner,
    )
    fan = add_person(
        actor=None,
        workspace=world.acme,
        email="fay@acme.test",
        name="Fay Fan",
        role=Role.EDITOR,
        password=PASSWORD,
    )
    add_member(actor=None, team=world.company, person=fan)
    return Plan(world, objective, key_result, fan)

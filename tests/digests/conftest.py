"""A small company with one of everything the weekly rhythm looks at, in a chosen zone."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core import mail

from goalkeeper.accounts.models import Person, Role, Team, Workspace
from goalkeeper.accounts.services import (
    add_member,
    add_person,
    company_team,
    create_team,
    create_workspace,
    deactivate_person,
)
from goalkeeper.digests.delivery import DIGEST_HEADER
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.notifications.services import unsubscribe
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective
from goalkeeper.okrs.services import (
    create_cycle,
    create_key_result,
    create_objective,
    record_check_in,
)
from tests.conftest import PASSWORD
from tests.mailserver import smtp_server  # noqa: F401 - a fixture


@dataclass
class Rhythm:
    """Ada (admin), Lena (leads Sales), Omar (owns two key results and a red KPI), Uma
    (owns a key result, unsubscribed from all email), Dora (led Sales, deactivated)."""

    workspace: Workspace
    company: Team
    sales: Team
    cycle: Cycle
    ada: Person
    lena: Person
    omar: Person
    uma: Person
    dora: Person
    objective: Objective
    revenue: KeyResult
    deals: KeyResult
    umas: KeyResult
    kpi: Kpi


def build_rhythm(zone: str = "UTC", name: str = "Rhythm") -> Rhythm:
    """Build the company as of the current (frozen) instant; its cycle runs around it."""
    workspace = create_workspace(name=name, timezone=zone)
    company = company_team(workspace)
    sales = create_team(actor=None, workspace=workspace, name="Sales", parent=company)
    slug = workspace.slug

    def person(first: str, role: str = Role.EDITOR) -> Person:
        return add_person(
            actor=None,
            workspace=workspace,
            email=f"{first.lower()}@{slug}.test",
            name=f"{first} {name}",
            role=role,
            password=PASSWORD,
        )

    ada = person("Ada", Role.ADMIN)
    lena, omar, uma, dora = person("Lena"), person("Omar"), person("Uma"), person("Dora")
    add_member(actor=None, team=sales, person=lena, is_lead=True)
    add_member(actor=None, team=sales, person=dora, is_lead=True)
    add_member(actor=None, team=sales, person=omar)
    add_member(actor=None, team=sales, person=uma)
    today = workspace.clock().today
    cycle = create_cycle(
        actor=ada,
        workspace=workspace,
        name="The quarter",
        start_date=today - dt.timedelta(days=40),
        end_date=today + dt.timedelta(days=50),
        state=CycleState.ACTIVE,
    )
    objective = create_objective(
        actor=ada, cycle=cycle, team=sales, title="Win the north", owner=omar
    )

    def key_result(title: str, owner: Person) -> KeyResult:
        return create_key_result(
            actor=ada,
            objective=objective,
            title=title,
            kind="increase",
            start=0,
            target=100,
            owner=owner,
            kpi=None,
        )

    revenue, deals, umas = (
        key_result("Revenue in the north", omar),
        key_result("Deals signed", omar),
        key_result("Partners found", uma),
    )
    record_check_in(actor=omar, key_result=revenue, value=5, confidence=4, note="slow start")
    kpi = create_kpi(
        actor=ada,
        team=sales,
        name="Pipeline",
        owner=omar,
        direction="higher_is_better",
        target=100,
        warning=80,
        frequency="monthly",
    )
    yesterday = workspace.clock().now - dt.timedelta(days=1)
    record_measurements(actor=ada, kpi=kpi, points=[(yesterday, 20.0)])
    unsubscribe(person=uma, kind="all")
    deactivate_person(actor=ada, person=dora, new_owner=ada)
    return Rhythm(
        workspace,
        company,
        sales,
        cycle,
        ada,
        lena,
        omar,
        uma,
        dora,
        objective,
        revenue,
        deals,
        umas,
        kpi,
    )


@pytest.fixture
def rhythm(db: None) -> Rhythm:
    return build_rhythm()


def received(messages: list[object] | None = None) -> Counter[tuple[str, str]]:
    """(recipient, digest kind) of every message in the test outbox, counted."""
    counted: Counter[tuple[str, str]] = Counter()
    for message in messages if messages is not None else mail.outbox:
        for address in message.to:  # type: ignore[attr-defined]
            counted[(address, message.extra_headers[DIGEST_HEADER])] += 1  # type: ignore[attr-defined]
    return counted

"""Alerts are posted to the KPI's team's chat channels and the workspace's that take alerts."""

from __future__ import annotations

from goalkeeper.accounts.services import create_team
from goalkeeper.channels.models import ChatChannel, ChatDelivery
from goalkeeper.channels.services import create_channel
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources import services
from tests.alerts.conftest import DAY, RED, START, WEEK, Clock, Record, sweep
from tests.conftest import World


def channel(world: World, name: str, **scope) -> ChatChannel:
    return create_channel(
        actor=None,
        workspace=world.acme,
        kind="json",
        name=name,
        url=f"https://hooks.example.test/{name}",
        **scope,
    )


def test_a_kpi_alert_is_posted_to_its_team_and_workspace_channels_that_take_alerts(
    world: World, churn: Kpi, record: Record, clock: Clock
):
    team = channel(world, "sales", team=world.sales)
    company = channel(world, "company")
    channel(world, "quiet", team=world.sales, alerts=False)
    other = create_team(actor=None, workspace=world.acme, name="Ops", parent=world.company)
    channel(world, "ops", team=other)

    record(RED)
    clock.at(START + WEEK)
    sweep()
    sweep()

    posted = ChatDelivery.objects.filter(purpose="alert")
    assert sorted(d.channel_id for d in posted) == sorted([team.pk, company.pk])
    assert {d.title for d in posted} == {"Churn rate turned red (4.1% against a target of 3%)"}


def test_a_silent_push_source_is_posted_once_to_the_workspace_channels(
    world: World, deals: Kpi, clock: Clock
):
    company = channel(world, "company")
    services.create_source(
        actor=world.admin,
        kpi=deals,
        configuration=services.configure(kpi=deals, kind="push", values={}),
    )
    clock.at(START + 3 * DAY)
    sweep()
    sweep()

    [posted] = ChatDelivery.objects.filter(purpose="alert")
    assert posted.channel_id == company.pk
    assert posted.title == "Nothing pushed to Signed deals since 4 Nov 2026"

import datetime as dt

import pytest
import time_machine

from goalkeeper.digests.chat import CHAT_LINES, chat_message_for, tone_of
from goalkeeper.digests.content import Digest, Line, Section
from goalkeeper.digests.content import company as company_digest
from goalkeeper.digests.reads import PersonInfo, load_week
from goalkeeper.domain.rhythm import Week
from tests.digests.conftest import build_rhythm

WEEK = Week(dt.date(2026, 11, 16))
ADA = PersonInfo(1, "Ada", "ada@example.test", "admin")


def digest(*statuses, more=0):
    lines = tuple(Line(f"Thing {n}", f"https://x.test/{n}", s, s) for n, s in enumerate(statuses))
    return Digest(
        kind="team",
        person=ADA,
        week=WEEK,
        workspace_name="Acme",
        headline="2 objectives at risk or off track, 0 red KPIs.",
        sections=(Section("Objectives at risk or off track", lines, more), Section("Red KPIs", ())),
        team_name="Sales",
        action_url="https://x.test/objectives/",
        action_label="Open the objectives",
    )


@pytest.mark.parametrize(
    ("statuses", "tone"),
    [(("on_track",), "green"), (("at_risk", "on_track"), "yellow"), (("at_risk", "red"), "red")],
)
def test_the_tone_is_the_worst_status_shown(statuses, tone):
    assert tone_of(digest(*statuses)) == tone


def test_a_team_digest_becomes_a_chat_message_with_a_field_per_section_that_has_lines():
    message = chat_message_for(digest("at_risk", "off_track"))
    assert message.title == "Sales: the week (2026-W47)"
    assert message.text == "2 objectives at risk or off track, 0 red KPIs."
    assert message.url == "https://x.test/objectives/"
    assert message.link_label == "Open the objectives"
    assert message.fields == (
        ("Objectives at risk or off track", "Thing 0: at_risk\nThing 1: off_track"),
    )
    assert message.tone == "red"


def test_a_long_section_is_cut_in_chat_with_what_was_left_out():
    message = chat_message_for(digest(*["at_risk"] * 8, more=3))
    _, text = message.fields[0]
    assert len(text.splitlines()) == CHAT_LINES + 1
    assert text.endswith("and 6 more")


def test_the_company_digest_is_titled_with_the_workspace(db):
    moment = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        rhythm = build_rhythm()
        week = load_week(rhythm.workspace, moment)
    message = chat_message_for(company_digest(week, ADA, WEEK))
    assert message.title.startswith("Rhythm: the week")
    assert ("Red KPIs", "Pipeline: Red") in message.fields


SLACK = "https://hooks.slack.example/services/T000/B000/digests"


def test_team_and_company_digests_are_posted_to_their_channels_once_a_week(db):
    from goalkeeper.channels.models import ChatDelivery
    from goalkeeper.channels.services import create_channel
    from goalkeeper.digests import sending

    moment = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)
    with time_machine.travel(moment - dt.timedelta(days=5), tick=False):
        rhythm = build_rhythm()
        for scope in ({"team": rhythm.sales}, {}):
            create_channel(
                actor=rhythm.ada,
                workspace=rhythm.workspace,
                kind="slack",
                name="room",
                url=SLACK,
                **scope,
            )
    week = Week(dt.date(2026, 11, 16))
    with time_machine.travel(moment, tick=False):
        first = sending.run_round(rhythm.workspace, ["team", "company"], week, moment)
        again = sending.run_round(rhythm.workspace, ["team", "company"], week, moment)
    assert first.posted == 2
    assert again.posted == 0
    posts = ChatDelivery.objects.filter(purpose="digest").select_related("channel")
    assert {(p.channel.team_id, p.title) for p in posts} == {
        (rhythm.sales.pk, "Sales: the week (2026-W47)"),
        (None, "Rhythm: the week (2026-W47)"),
    }

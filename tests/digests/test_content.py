"""What the personal digest says besides key results: changes in my teams, mentions."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from goalkeeper.digests import sending
from goalkeeper.digests.content import personal
from goalkeeper.digests.reads import load_week
from goalkeeper.digests.tasks import send_due_digests
from goalkeeper.domain.rhythm import week_of
from goalkeeper.notifications.services import notify
from goalkeeper.okrs.services import close_objective, create_objective
from tests.digests.conftest import build_rhythm, received

BUILT = dt.datetime(2026, 11, 11, 10, tzinfo=dt.UTC)
MONDAY = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)


@pytest.fixture
def rhythm(db):
    with time_machine.travel(BUILT, tick=False):
        return build_rhythm()


def personal_of(rhythm, person):
    with time_machine.travel(MONDAY, tick=False):
        week = load_week(rhythm.workspace, MONDAY)
        info = week.people[person.pk]
        digest = personal(week, info, week_of(MONDAY, dt.UTC))
    return {section.title: section for section in digest.sections}


def test_my_open_mentions_are_listed_with_absolute_links(rhythm):
    with time_machine.travel(BUILT, tick=False):
        notify(
            workspace_id=rhythm.workspace.pk,
            people=[rhythm.lena.pk],
            kind="mention",
            title="Omar mentioned you on Win the north",
            url=f"/objectives/{rhythm.objective.pk}/",
            subject=("objective", rhythm.objective.pk),
            actor_id=rhythm.omar.pk,
        )
    (line,) = personal_of(rhythm, rhythm.lena)["What mentions you"].lines
    assert line.title == "Omar mentioned you on Win the north"
    assert line.url == f"http://127.0.0.1:8000/objectives/{rhythm.objective.pk}/"


def test_a_kpi_health_change_in_my_team_is_listed_for_every_member(rhythm):
    with time_machine.travel(BUILT, tick=False):
        notify(
            workspace_id=rhythm.workspace.pk,
            people=[rhythm.omar.pk],
            kind="kpi_health",
            title="Pipeline turned red",
            url=f"https://goals.example.com/kpis/{rhythm.kpi.pk}/",
            subject=("kpi", rhythm.kpi.pk),
        )
    for person in (rhythm.lena, rhythm.omar):
        changes = personal_of(rhythm, person)["What changed in your teams"].lines
        assert ("Pipeline turned red", "KPI health") in {(c.title, c.label) for c in changes}
    assert not personal_of(rhythm, rhythm.ada)["What changed in your teams"].lines


def test_an_objective_closed_in_my_team_is_listed_with_its_final_score(rhythm):
    with time_machine.travel(BUILT, tick=False):
        done = create_objective(
            actor=rhythm.ada, cycle=rhythm.cycle, team=rhythm.sales, title="Hire two reps"
        )
        close_objective(actor=rhythm.ada, objective=done, final_score=0.7)
    changes = personal_of(rhythm, rhythm.lena)["What changed in your teams"].lines
    closed = [c for c in changes if c.label == "Closed"]
    assert [(c.title, c.detail) for c in closed] == [("Hire two reps", "Sales · final score 0.7")]


def test_the_periodic_job_sends_what_is_due(rhythm):
    with time_machine.travel(MONDAY, tick=False):
        send_due_digests.call_local()
    assert sum(received().values()) == 5


def test_the_command_fails_when_a_message_fails_and_says_the_next_run_retries(rhythm, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(sending.delivery, "message_for", broken)
    out = StringIO()
    with (
        time_machine.travel(MONDAY, tick=False),
        pytest.raises(CommandError, match="the next run retries them"),
    ):
        call_command("digests", "--now", "--kind", "company", stdout=out)
    assert "failed     company to Ada Rhythm: mail server down" in out.getvalue()

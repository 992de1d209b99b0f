"""Who watches: owners and team leads by default, explicit watches, and unwatching."""

from __future__ import annotations

import pytest

from goalkeeper.notifications import services
from goalkeeper.notifications.subjects import describe, describe_one
from goalkeeper.notifications.watching import watchers, watchers_of
from tests.notifications.conftest import Plan

pytestmark = pytest.mark.django_db


def test_owners_and_team_leads_watch_by_default(plan: Plan) -> None:
    w = plan.world
    # Owen owns the key result; Eddie owns the objective and leads Sales.
    kr = ("key_result", plan.key_result.pk)
    assert watchers(w.acme.pk, kr) == {w.owner.pk, w.editor.pk}
    assert watchers(w.acme.pk, ("objective", plan.objective.pk)) == {w.editor.pk}


def test_anyone_may_watch_and_the_owner_may_unwatch(plan: Plan) -> None:
    w = plan.world
    kr = ("key_result", plan.key_result.pk)
    info = describe_one(kr)
    assert info is not None
    services.set_watching(person=plan.fan, info=info, watching=True)
    services.set_watching(person=w.owner, info=info, watching=False)
    assert watchers(w.acme.pk, kr) == {plan.fan.pk, w.editor.pk}


def test_watching_an_objective_follows_its_key_results_unless_one_is_unwatched(
    plan: Plan,
) -> None:
    w = plan.world
    objective = describe_one(("objective", plan.objective.pk))
    kr = describe_one(("key_result", plan.key_result.pk))
    assert objective is not None
    assert kr is not None
    services.set_watching(person=plan.fan, info=objective, watching=True)
    assert plan.fan.pk in watchers(w.acme.pk, kr.subject)
    services.set_watching(person=plan.fan, info=kr, watching=False)
    assert plan.fan.pk not in watchers(w.acme.pk, kr.subject)
    assert plan.fan.pk in watchers(w.acme.pk, objective.subject)


def test_a_subject_of_another_workspace_has_no_watchers_here(plan: Plan) -> None:
    assert watchers(plan.world.globex.pk, ("objective", plan.objective.pk)) == set()
    assert watchers(plan.world.acme.pk, ("objective", 10**9)) == set()


def test_many_subjects_take_a_bounded_number_of_queries(
    plan: Plan, django_assert_max_num_queries: object
) -> None:
    subjects = [("objective", plan.objective.pk), ("key_result", plan.key_result.pk)]
    infos = describe(subjects)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        found = watchers_of(infos.values())
    assert set(found) == set(subjects)

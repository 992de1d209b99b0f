import pytest

from goalkeeper.domain.coach import (
    TASK_VERBS,
    KeyResultDraft,
    ObjectiveDraft,
    Remark,
    Severity,
    coach_objective,
    coach_sandbagging,
    coach_team,
    looks_like_task,
)
from goalkeeper.domain.key_results import KeyResultKind

GOOD_KR = KeyResultDraft("Raise NPS from 30 to 45", KeyResultKind.INCREASE, True, True)


def objective(*key_results, has_owner=True):
    return ObjectiveDraft("Delight our customers", has_owner, list(key_results))


def codes(remarks):
    return [(remark.code, remark.subject) for remark in remarks]


@pytest.mark.parametrize(
    "title",
    [
        "Launch the new website",
        "attend three conferences",
        "- Create a partner program",
        '"Set up CI for every repo"',
        "Set-up the onboarding flow",
        "  ship v2.0",
        "Kick off the hiring plan",
    ],
)
def test_titles_opening_with_a_task_verb_look_like_tasks(title):
    assert looks_like_task(title)


@pytest.mark.parametrize(
    "title",
    ["Reduce churn to 2%", "Customers renew without a call", "Launched beta", "", "!!! 42"],
)
def test_outcomes_do_not_look_like_tasks(title):
    assert not looks_like_task(title)


def test_task_verbs_include_the_examples_from_the_design():
    assert {"launch", "attend", "create", "set up"} <= TASK_VERBS


def test_well_formed_objective_gets_no_remarks():
    assert coach_objective(objective(GOOD_KR, GOOD_KR)) == []


@pytest.mark.parametrize("count", [0, 1])
def test_objective_with_fewer_than_two_key_results_is_flagged(count):
    remarks = coach_objective(objective(*[GOOD_KR] * count))

    assert codes(remarks) == [("too_few_key_results", "objective")]
    assert remarks[0].severity == Severity.WARNING


def test_objective_with_more_than_five_key_results_is_flagged():
    assert codes(coach_objective(objective(*[GOOD_KR] * 6))) == [
        ("too_many_key_results", "objective")
    ]
    assert coach_objective(objective(*[GOOD_KR] * 5)) == []


def test_missing_owners_are_flagged_on_the_objective_and_each_key_result():
    unowned = KeyResultDraft("Raise NPS to 45", KeyResultKind.INCREASE, False, True)

    remarks = coach_objective(objective(GOOD_KR, unowned, has_owner=False))

    assert codes(remarks) == [("missing_owner", "objective"), ("missing_owner", "key_result:2")]


def test_key_result_with_nothing_measurable_is_flagged():
    vague = KeyResultDraft("Be better", KeyResultKind.INCREASE, True, False)

    assert codes(coach_objective(objective(vague, GOOD_KR))) == [("not_measurable", "key_result:1")]


def test_milestone_phrased_as_a_task_is_flagged():
    task = KeyResultDraft("Launch the referral program", KeyResultKind.MILESTONE, True, True)

    remarks = coach_objective(objective(GOOD_KR, task))

    assert remarks == [
        Remark(
            "task_not_result",
            Severity.INFO,
            'Key result 2 reads like a task with no metric: "Launch the referral program".',
            "A key result states the outcome a task should bring, not the task itself.",
            "key_result:2",
        )
    ]


def test_metric_key_result_phrased_with_a_task_verb_is_not_flagged():
    metric = KeyResultDraft("Launch 3 products", KeyResultKind.INCREASE, True, True)

    assert coach_objective(objective(GOOD_KR, metric)) == []


def test_every_remark_explains_itself_in_one_sentence():
    unowned_task = KeyResultDraft("Write a blog", KeyResultKind.MILESTONE, False, False)
    remarks = [
        *coach_objective(objective(*[unowned_task] * 6, has_owner=False)),
        *coach_objective(objective()),
        *coach_team(20, 9),
        *coach_team(0, 0),
        *coach_sandbagging([[1.0], [1.0]]),
    ]

    assert {remark.code for remark in remarks} == {
        "too_few_key_results",
        "too_many_key_results",
        "missing_owner",
        "not_measurable",
        "task_not_result",
        "too_many_kpis",
        "too_few_kpis",
        "too_many_objectives",
        "sandbagging",
    }
    for remark in remarks:
        assert remark.why.endswith(".")
        assert remark.why.count(". ") == 0


def test_healthy_team_gets_no_remarks():
    assert coach_team(kpi_count=8, objectives_in_cycle=3) == []
    assert coach_team(kpi_count=12, objectives_in_cycle=5) == []
    assert coach_team(kpi_count=3, objectives_in_cycle=0) == []


def test_team_with_too_many_kpis_and_objectives_is_flagged():
    assert codes(coach_team(kpi_count=13, objectives_in_cycle=6)) == [
        ("too_many_kpis", "team"),
        ("too_many_objectives", "team"),
    ]


@pytest.mark.parametrize("kpi_count", [0, 2])
def test_team_with_too_few_kpis_is_flagged_even_with_none(kpi_count):
    assert codes(coach_team(kpi_count=kpi_count, objectives_in_cycle=1)) == [
        ("too_few_kpis", "team")
    ]


def test_team_limits_can_be_changed():
    assert codes(coach_team(5, 2, max_kpis=4, min_kpis=1, max_objectives=1)) == [
        ("too_many_kpis", "team"),
        ("too_many_objectives", "team"),
    ]


def test_team_acing_aspirational_objectives_two_cycles_running_is_sandbagging():
    remarks = coach_sandbagging([[1.0, 0.95], [1.0], [0.3]])

    assert codes(remarks) == [("sandbagging", "team")]
    assert remarks[0].why == (
        "Aspirational objectives that always score 1.0 were not ambitious: 0.7 is success."
    )


@pytest.mark.parametrize(
    "history",
    [
        [],
        [[1.0]],
        [[1.0], []],
        [[], [1.0]],
        [[1.0, 0.9], [1.0]],
        [[1.0], [0.94]],
        [[0.7], [1.0], [1.0]],
    ],
)
def test_sandbagging_needs_every_aspirational_objective_of_the_last_two_cycles_aced(history):
    assert coach_sandbagging(history) == []


def test_sandbagging_threshold_can_be_changed():
    assert coach_sandbagging([[0.9], [0.9]], threshold=0.9) != []

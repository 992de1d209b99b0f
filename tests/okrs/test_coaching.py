"""The coach on a form being written speaks only about what was typed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.coach import KeyResultDraft
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.okrs.coaching import coach, draft_of_values

KINDS = st.sampled_from(list(KeyResultKind))
BLANK_TITLES = st.sampled_from(["", " ", "\t", "  \n"])
TITLES = st.text(min_size=1, max_size=30).filter(lambda text: text.strip() != "")


def blank_row(kind: KeyResultKind = KeyResultKind.INCREASE) -> KeyResultDraft:
    return draft_of_values("", kind, True, {})


def good_row(title: str = "Weekly active teams") -> KeyResultDraft:
    return draft_of_values(title, "increase", True, {"start": 10.0, "target": 40.0})


@given(st.lists(st.tuples(BLANK_TITLES, KINDS, st.booleans()), max_size=6))
def test_rows_without_a_title_get_no_remark_at_all(rows: list) -> None:
    drafts = [draft_of_values(title, kind, owned, {}) for title, kind, owned in rows]

    remarks = coach("Win the mid-market", True, drafts).remarks

    assert remarks == ()


@given(st.integers(min_value=0, max_value=4), st.integers(min_value=1, max_value=6))
def test_each_remark_names_the_row_by_its_number_on_screen(blanks: int, written: int) -> None:
    drafts = [blank_row()] * blanks + [
        draft_of_values(f"Launch step {n}", "milestone", False, {}) for n in range(written)
    ]

    remarks = coach("Win the mid-market", True, drafts).remarks

    rows = {r.subject for r in remarks if r.subject.startswith("key_result:")}
    assert rows == {f"key_result:{blanks + n}" for n in range(1, written + 1)}
    for remark in remarks:
        if remark.subject.startswith("key_result:"):
            assert remark.message.startswith(f"Key result {remark.subject.split(':')[1]} ")


def test_the_number_of_key_results_is_judged_once_one_has_a_title() -> None:
    none = coach("Win the mid-market", True, [blank_row(), blank_row()]).remarks
    one = coach("Win the mid-market", True, [good_row(), blank_row()]).remarks

    assert none == ()
    assert [(r.code, r.message) for r in one] == [
        ("too_few_key_results", "This objective has only one key result; aim for 2 to 5.")
    ]


def test_an_untouched_row_is_never_called_not_measurable() -> None:
    remarks = coach("Win the mid-market", True, [good_row(), good_row(), blank_row()]).remarks

    assert "not_measurable" not in {remark.code for remark in remarks}


def test_a_titled_row_without_numbers_is_not_measurable() -> None:
    row = draft_of_values("Weekly active teams", "increase", True, {})

    remarks = coach("Win the mid-market", True, [good_row(), row]).remarks

    assert [(r.code, r.message) for r in remarks] == [
        ("not_measurable", "Key result 2 has nothing measurable.")
    ]


@given(st.lists(TITLES, min_size=2, max_size=5))
def test_no_count_remark_speaks_in_brackets(titles: list[str]) -> None:
    drafts = [good_row(title) for title in titles]

    for count in range(len(drafts) + 1):
        for remark in coach("Win", True, drafts[:count]).remarks:
            assert "(s)" not in remark.message


@given(st.lists(BLANK_TITLES, max_size=4), BLANK_TITLES)
def test_a_form_with_nothing_typed_is_blank_and_gets_no_praise(rows: list, title: str) -> None:
    coaching = coach(title, True, [draft_of_values(row, "increase", True, {}) for row in rows])

    assert coaching.blank
    assert coaching.remarks == ()


def test_a_typed_title_or_key_result_ends_the_blank() -> None:
    assert not coach("Win the mid-market", True, [blank_row()]).blank
    assert not coach("", True, [good_row()]).blank

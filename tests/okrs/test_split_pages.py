"""The split page: rows added and removed, the preview, errors per row, one split on submit."""

from __future__ import annotations

import pytest
from django.test import Client

from goalkeeper.okrs.models import KeyResult, Objective
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def mrr(world: World) -> KeyResult:
    company = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    return factories.key_result(company, "Reach $600k MRR", start=0, target=600_000, unit="$")


def url(mrr: KeyResult) -> str:
    return f"/key-results/{mrr.pk}/split/"


def posted(method: str, rows: list[dict[str, object]], action: str, **extra: object) -> dict:
    data: dict[str, object] = {"method": method, "action": action, "row": [], **extra}
    for number, row in enumerate(rows):
        data["row"].append(str(number))  # type: ignore[union-attr]
        for name, value in row.items():
            data[f"share-{number}-{name}"] = value
    return data


def test_the_page_starts_with_three_rows_and_an_equal_preview(
    admin: Client, mrr: KeyResult
) -> None:
    page = admin.get(url(mrr))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('name="row"') == 3
    assert "$200,000" in html
    assert 'data-testid="split-total">$600,000' in html


def test_amounts_that_do_not_add_up_are_shown_with_the_gap(
    admin: Client, world: World, mrr: KeyResult
) -> None:
    data = posted(
        "amounts",
        [
            {"person": world.editor.pk, "amount": 300_000},
            {"person": world.admin.pk, "amount": 250_000},
        ],
        "preview",
    )
    page = admin.post(url(mrr), data, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert 'id="split-preview"' in html
    assert "<form" not in html  # only the preview
    assert "The amounts add up to $550,000" not in html
    assert "The amounts add up to 550,000, 50,000 short of 600,000" in html


def test_add_and_remove_change_the_rows_without_writing(
    admin: Client, world: World, mrr: KeyResult
) -> None:
    rows = [{"person": world.editor.pk}, {"person": world.admin.pk}]
    added = admin.post(url(mrr), posted("equal", rows, "add")).content.decode()
    removed = admin.post(url(mrr), posted("equal", rows, "remove-0")).content.decode()
    assert added.count('name="row"') == 3
    assert removed.count('name="row"') == 1
    assert "Eddie Editor" not in removed.split("split-rows")[1].split("split-add")[0]
    assert not KeyResult.objects.filter(contributes_to=mrr).exists()


def test_splitting_lands_on_the_objective_with_what_was_made(
    admin: Client, world: World, mrr: KeyResult
) -> None:
    data = posted(
        "weight",
        [{"person": world.editor.pk, "weight": 2}, {"person": world.owner.pk, "weight": 1}],
        "split",
        roll_up="on",
    )
    response = admin.post(url(mrr), data, follow=True)
    assert response.redirect_chain[-1][0] == f"/objectives/{mrr.objective_id}/"
    html = response.content.decode()
    assert "is split in 2 shares" in html
    assert "Eddie Editor: $400,000" in html
    assert [kr.target for kr in KeyResult.objects.filter(contributes_to=mrr)] == [400_000, 200_000]
    assert Objective.objects.filter(title="Contribute to: Reach $600k MRR").count() == 2


def test_a_refusal_is_shown_on_its_row(admin: Client, world: World, mrr: KeyResult) -> None:
    data = posted("equal", [{"person": world.editor.pk}, {"person": world.editor.pk}], "split")
    page = admin.post(url(mrr), data)
    html = page.content.decode()
    assert page.status_code == 200
    row = html.split('data-split-row="1"')[1].split("</li>")[0]
    assert "Eddie Editor already has a share" in row
    assert not KeyResult.objects.filter(contributes_to=mrr).exists()


def test_viewers_cannot_open_the_split_page(viewer: Client, mrr: KeyResult) -> None:
    assert viewer.get(url(mrr)).status_code == 403


def test_the_objective_page_offers_the_split(admin: Client, mrr: KeyResult) -> None:
    html = admin.get(f"/objectives/{mrr.objective_id}/").content.decode()
    assert f'href="/key-results/{mrr.pk}/split/"' in html


@pytest.mark.parametrize("rows", [2, 8])
def test_the_split_page_reads_a_bounded_number_of_rows(
    admin: Client, world: World, mrr: KeyResult, rows: int, django_assert_max_num_queries
) -> None:
    data = posted("equal", [{"person": world.editor.pk, "team": world.sales.pk}] * rows, "refresh")
    with django_assert_max_num_queries(11):
        assert admin.post(url(mrr), data).status_code == 200

"""The KPI's split page: the cycle and carrier chosen, the shares split in one call."""

from __future__ import annotations

import pytest
from django.test import Client

from goalkeeper.okrs.models import KeyResult
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def admin(world: World) -> Client:
    return world.client_for(world.admin)


@pytest.fixture
def viewer(world: World) -> Client:
    return world.client_for(world.viewer)


def posted(rows: list[dict[str, object]], **extra: object) -> dict:
    data: dict[str, object] = {"method": "equal", "action": "split", "row": [], **extra}
    for number, row in enumerate(rows):
        data["row"].append(str(number))  # type: ignore[union-attr]
        for name, value in row.items():
            data[f"share-{number}-{name}"] = value
    return data


def test_the_kpi_page_offers_the_split(admin: Client, world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("MRR", values=monthly([300]), target=600)
    assert f'href="/kpis/{kpi.pk}/split/"' in admin.get(f"/kpis/{kpi.pk}/").content.decode()
    page = admin.get(f"/kpis/{kpi.pk}/split/").content.decode()
    assert "Reach MRR target" in page
    assert 'data-testid="split-total">600' in page


def test_a_kpi_split_makes_its_carrier_and_lands_on_it(
    admin: Client, world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("MRR", values=monthly([300]), target=600)
    data = posted([{"person": world.editor.pk}, {"person": world.owner.pk}], cycle=world.cycle.pk)
    response = admin.post(f"/kpis/{kpi.pk}/split/", data, follow=True)
    carrier = KeyResult.objects.get(kpi=kpi)
    assert response.redirect_chain[-1][0] == f"/objectives/{carrier.objective_id}/"
    assert [kr.target for kr in carrier.contributors.all()] == [300, 300]
    assert "is split in 2 shares" in response.content.decode()


def test_a_chosen_carrier_takes_the_shares(admin: Client, world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("MRR", values=monthly([300]), target=600)
    carrier = linked_key_result(world, kpi, start=300, target=600)
    data = posted([{"person": world.editor.pk}], cycle=world.cycle.pk, key_result=carrier.pk)
    admin.post(f"/kpis/{kpi.pk}/split/", data)
    assert [kr.target for kr in carrier.contributors.all()] == [600]
    assert KeyResult.objects.filter(kpi=kpi).count() == 1


def test_viewers_cannot_split_a_kpi(viewer: Client, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("MRR", values=monthly([300]), target=600)
    assert viewer.get(f"/kpis/{kpi.pk}/split/").status_code == 403

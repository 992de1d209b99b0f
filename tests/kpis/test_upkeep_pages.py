"""The KPI upkeep pages: archive, restore, delete after confirming, correct one value, and the
board's row menu and action bar (docs/kpis.md, "Upkeep")."""

from __future__ import annotations

from django.urls import reverse

from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import archive_kpi
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import NOW, MakeKpi


def page(response) -> str:
    return str(response.content.decode())


def test_the_archive_page_shows_what_links_to_the_kpi_before_archiving(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    linked_key_result(world, kpi)
    client = world.client_for(world.editor)

    shown = page(client.get(reverse("kpi_archive", args=[kpi.pk])))

    assert "Key results that read its value" in shown
    assert "Driven (Grow)" in shown
    assert "They keep reading its values." in shown
    assert Kpi.objects.get(pk=kpi.pk).archived_at is None


def test_archiving_from_the_page_leaves_a_banner_and_a_restore_button(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi()
    client = world.client_for(world.editor)

    response = client.post(reverse("kpi_archive", args=[kpi.pk]), follow=True)

    shown = page(response)
    assert 'data-testid="archived-banner"' in shown
    assert 'data-testid="restore-kpi"' in shown
    assert Kpi.objects.get(pk=kpi.pk).archived_at is not None


def test_a_kpi_is_deleted_only_once_its_name_is_typed(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Churn", values=[(NOW, 5.0)])
    linked_key_result(world, kpi)
    client = world.client_for(world.editor)
    url = reverse("kpi_delete", args=[kpi.pk])

    shown = page(client.get(url))
    assert "They keep their last value and are unlinked" in shown

    refused = client.post(url, {"name": "Churm"})
    assert refused.status_code == 200
    assert "Type the KPI" in page(refused)
    assert Kpi.objects.filter(pk=kpi.pk).exists()

    deleted = client.post(url, {"name": " churn "})
    assert deleted["Location"] == reverse("kpis")
    assert not Kpi.objects.filter(pk=kpi.pk).exists()


def test_a_viewer_sees_no_upkeep_buttons(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])

    shown = page(world.client_for(world.viewer).get(reverse("kpi_detail", args=[kpi.pk])))

    assert 'data-testid="archive-kpi"' not in shown
    assert 'data-testid="correct-value"' not in shown


def test_a_value_is_corrected_from_the_values_table_and_the_figure_follows(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    client = world.client_for(world.editor)
    detail = page(client.get(reverse("kpi_detail", args=[kpi.pk])))
    stored = Measurement.objects.get(kpi=kpi)
    edit_url = reverse("kpi_value_edit", args=[kpi.pk, stored.pk])
    assert edit_url in detail

    response = client.post(
        edit_url,
        {"action": "save", "date": "2026-11-20", "time": "12:00", "value": "42", "reason": "typo"},
        follow=True,
    )

    assert "The value was corrected" in page(response)
    assert Measurement.objects.get(kpi=kpi).value == 42.0


def test_a_value_is_deleted_from_its_page(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    stored = Measurement.objects.get(kpi=kpi)

    world.client_for(world.editor).post(
        reverse("kpi_value_edit", args=[kpi.pk, stored.pk]), {"action": "delete"}
    )

    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_another_kpis_value_is_missing(world: World, make_kpi: MakeKpi) -> None:
    kpi, other = make_kpi("A"), make_kpi("B", values=[(NOW, 1.0)])
    stored = Measurement.objects.get(kpi=other)

    response = world.client_for(world.editor).get(
        reverse("kpi_value_edit", args=[kpi.pk, stored.pk])
    )

    assert response.status_code == 404


def test_the_board_table_has_a_checkbox_and_a_row_menu_for_editors(
    world: World, make_kpi: MakeKpi
) -> None:
    make_kpi()

    editor = page(world.client_for(world.editor).get(reverse("kpis") + "?view=table"))
    viewer = page(world.client_for(world.viewer).get(reverse("kpis") + "?view=table"))

    assert 'data-testid="select-kpi"' in editor
    assert 'data-testid="kpi-row-menu"' in editor
    assert 'id="kpi-bulk"' in editor
    assert 'data-testid="select-kpi"' not in viewer
    assert 'id="kpi-bulk"' not in viewer


def test_the_archived_board_offers_to_restore(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    archive_kpi(actor=world.editor, kpi=kpi)

    shown = page(world.client_for(world.editor).get(reverse("kpis") + "?view=table&archived=1"))

    assert reverse("kpi_restore", args=[kpi.pk]) in shown


def test_the_action_bar_gives_the_selected_kpis_a_new_owner(
    world: World, make_kpi: MakeKpi
) -> None:
    kpis = [make_kpi("A"), make_kpi("B")]

    response = world.client_for(world.editor).post(
        reverse("kpi_bulk"),
        {"kpis": [k.pk for k in kpis], "action": "owner", "owner": world.admin.pk},
        follow=True,
    )

    assert "2 KPIs changed." in page(response)
    assert set(Kpi.objects.values_list("owner_id", flat=True)) == {world.admin.pk}


def test_a_bulk_new_team_without_a_team_says_so(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()

    response = world.client_for(world.editor).post(
        reverse("kpi_bulk"), {"kpis": [kpi.pk], "action": "team"}, follow=True
    )

    assert "Nothing was changed: Choose the new team." in page(response)

"""KPI upkeep: archive, restore, delete with its links, correct or delete one value, bulk
changes from the board (docs/kpis.md, "Upkeep")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper import events
from goalkeeper.accounts.services import company_team
from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.board import BoardFilters, matching_kpis
from goalkeeper.kpis.forms import DeleteKpiForm
from goalkeeper.kpis.links import kpi_links
from goalkeeper.kpis.models import Kpi, Measurement, RecoveryLink
from goalkeeper.kpis.services import (
    MAX_BULK,
    BulkAction,
    archive_kpi,
    bulk_change_kpis,
    correct_measurement,
    create_kpi,
    delete_kpi,
    delete_measurement,
    restore_kpi,
)
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import NOW, MakeKpi, month_start

# --- Archive and restore --------------------------------------------------------------------


def test_an_archived_kpi_leaves_the_board_and_comes_back_when_restored(
    world: World, make_kpi: MakeKpi, now: dt.datetime
) -> None:
    kpi = make_kpi()

    archive_kpi(actor=world.editor, kpi=kpi)

    on_board = matching_kpis(world.acme, now, BoardFilters(), None)
    archived = matching_kpis(world.acme, now, BoardFilters(archived=True), None)
    assert kpi.pk not in {k.pk for k in on_board}
    assert kpi.pk in {k.pk for k in archived}

    restore_kpi(actor=world.editor, kpi=kpi)

    assert kpi.pk in {k.pk for k in matching_kpis(world.acme, now, BoardFilters(), None)}
    actions = list(
        AuditEntry.objects.filter(object_id=kpi.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions[-2:] == ["kpi.archived", "kpi.restored"]


def test_archiving_twice_is_refused_and_audited_once(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    archive_kpi(actor=world.editor, kpi=kpi)

    with pytest.raises(ValidationError, match="archived already"):
        archive_kpi(actor=world.editor, kpi=kpi)

    assert AuditEntry.objects.filter(action="kpi.archived").count() == 1


def test_restoring_a_kpi_that_is_not_archived_is_refused(world: World, make_kpi: MakeKpi) -> None:
    with pytest.raises(ValidationError, match="not archived"):
        restore_kpi(actor=world.editor, kpi=make_kpi())


def test_archiving_tells_the_webhooks_the_kpi_changed(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()

    with events.recorded() as sent:
        archive_kpi(actor=world.editor, kpi=kpi)

    assert [event.name for event in sent] == ["kpi.updated"]


# --- What links to a KPI --------------------------------------------------------------------


def test_the_links_of_a_kpi_name_its_key_results_recoveries_and_say_what_deleting_does(
    world: World, make_kpi: MakeKpi, django_assert_max_num_queries
) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    key_result = linked_key_result(world, kpi)
    RecoveryLink.objects.create(kpi=kpi, objective=key_result.objective, created_by=world.editor)

    with django_assert_max_num_queries(8):
        groups = {group.kind: group for group in kpi_links(kpi)}

    assert set(groups) == {"key_results", "recoveries"}
    assert groups["key_results"].count == 1
    assert groups["key_results"].items[0].name == "Driven (Grow)"
    assert "keep their last value" in groups["key_results"].on_delete


def test_a_kpi_with_nothing_linked_lists_no_links(world: World, make_kpi: MakeKpi) -> None:
    assert kpi_links(make_kpi()) == []


def test_the_links_are_read_in_the_same_queries_whatever_their_number(
    world: World, make_kpi: MakeKpi, django_assert_max_num_queries
) -> None:
    kpi = make_kpi()
    for _ in range(15):
        linked_key_result(world, kpi)

    with django_assert_max_num_queries(8):
        groups = kpi_links(kpi)

    assert groups[0].count == 15
    assert len(groups[0].items) == 10
    assert groups[0].more == 5


def test_a_deleted_kpis_key_result_keeps_its_last_value(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    key_result = linked_key_result(world, kpi)
    correct_measurement(actor=world.editor, kpi=kpi, timestamp=NOW, value=7.0)
    key_result.refresh_from_db()
    assert key_result.current == 7.0

    delete_kpi(actor=world.editor, kpi=kpi)

    key_result.refresh_from_db()
    assert (key_result.kpi_id, key_result.current) == (None, 7.0)


# --- Correcting one value -------------------------------------------------------------------


def test_a_corrected_value_is_audited_with_the_old_and_new_value_and_the_reason(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])

    correct_measurement(actor=world.editor, kpi=kpi, timestamp=NOW, value=50.0, reason="typo")

    assert Measurement.objects.get(kpi=kpi).value == 50.0
    entry = AuditEntry.objects.get(action="kpi.measurement_corrected")
    assert entry.changes == {"value": [5.0, 50.0], "reason": [None, "typo"]}


def test_the_figures_follow_a_corrected_value_at_once(
    world: World, make_kpi: MakeKpi, now: dt.datetime
) -> None:
    last_month = month_start(2026, 10) + dt.timedelta(days=25)
    kpi = make_kpi(values=[(last_month, 10.0)], target=100.0, warning=50.0)
    assert kpi.health == "red"

    correct_measurement(actor=world.editor, kpi=kpi, timestamp=last_month, value=120.0)

    kpi.refresh_from_db()
    assert (kpi.health, kpi.period_value) == ("green", 120.0)


def test_a_value_moved_to_another_time_moves_the_newest_instant(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    later = NOW + dt.timedelta(days=2)

    correct_measurement(actor=world.editor, kpi=kpi, timestamp=NOW, value=5.0, new_timestamp=later)

    kpi.refresh_from_db()
    assert kpi.last_measurement_at == later
    entry = AuditEntry.objects.get(action="kpi.measurement_corrected")
    assert entry.changes == {"timestamp": [NOW.isoformat(), later.isoformat()]}


def test_a_value_cannot_be_moved_onto_another_one(world: World, make_kpi: MakeKpi) -> None:
    other = NOW - dt.timedelta(days=1)
    kpi = make_kpi(values=[(other, 1.0), (NOW, 5.0)])

    with pytest.raises(ValidationError, match="already has a value"):
        correct_measurement(
            actor=world.editor, kpi=kpi, timestamp=NOW, value=5, new_timestamp=other
        )

    assert sorted(Measurement.objects.values_list("value", flat=True)) == [1.0, 5.0]


def test_a_correction_beyond_the_limits_changes_nothing(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])

    with pytest.raises(ValidationError):
        correct_measurement(actor=world.editor, kpi=kpi, timestamp=NOW, value=float("inf"))

    assert Measurement.objects.get(kpi=kpi).value == 5.0
    assert not AuditEntry.objects.filter(action="kpi.measurement_corrected").exists()


def test_correcting_a_value_that_is_not_there_names_the_time(
    world: World, make_kpi: MakeKpi
) -> None:
    with pytest.raises(ValidationError, match="no value at that time"):
        correct_measurement(actor=world.editor, kpi=make_kpi(), timestamp=NOW, value=1.0)


def test_a_deleted_value_is_audited_and_the_newest_instant_follows(
    world: World, make_kpi: MakeKpi
) -> None:
    earlier = NOW - dt.timedelta(days=3)
    kpi = make_kpi(values=[(earlier, 1.0), (NOW, 5.0)])

    delete_measurement(actor=world.editor, kpi=kpi, timestamp=NOW, reason="duplicate")

    kpi.refresh_from_db()
    assert kpi.last_measurement_at == earlier
    entry = AuditEntry.objects.get(action="kpi.measurement_deleted")
    assert entry.changes["value"] == [5.0, None]
    assert entry.changes["reason"] == [None, "duplicate"]


def test_a_key_result_driven_by_the_kpi_takes_the_corrected_value(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    key_result = linked_key_result(world, kpi)

    correct_measurement(actor=world.editor, kpi=kpi, timestamp=NOW, value=9.0)

    key_result.refresh_from_db()
    assert key_result.current == 9.0


# --- Deleting: the explicit confirmation ----------------------------------------------------


@given(spaces=st.text(alphabet=" \t", max_size=3), upper=st.booleans())
def test_typing_the_name_in_any_case_or_spacing_confirms_a_deletion(
    spaces: str, upper: bool
) -> None:
    typed = spaces + ("NET  REVENUE" if upper else "net revenue") + spaces
    form = DeleteKpiForm({"name": typed}, kpi_name="Net revenue")

    assert form.is_valid()


@given(typed=st.text(max_size=20).filter(lambda t: " ".join(t.split()).casefold() != "revenue"))
def test_any_other_text_without_the_box_refuses_a_deletion(typed: str) -> None:
    assert not DeleteKpiForm({"name": typed}, kpi_name="Revenue").is_valid()


def test_ticking_the_box_confirms_a_deletion_without_the_name() -> None:
    assert DeleteKpiForm({"confirm": "on"}, kpi_name="Revenue").is_valid()


# --- Bulk changes ---------------------------------------------------------------------------


def test_a_bulk_new_owner_changes_every_selected_kpi_with_an_audit_entry_each(
    world: World, make_kpi: MakeKpi
) -> None:
    kpis = [make_kpi(f"KPI {n}") for n in range(3)]
    left_alone = make_kpi("Other")

    changed = bulk_change_kpis(
        actor=world.editor,
        kpi_ids=[k.pk for k in kpis],
        action=BulkAction.OWNER,
        owner=world.admin,
    )

    assert changed == 3
    owners = dict(Kpi.objects.values_list("pk", "owner_id"))
    assert {owners[k.pk] for k in kpis} == {world.admin.pk}
    assert owners[left_alone.pk] == world.editor.pk
    entries = AuditEntry.objects.filter(action="kpi.updated", changes__has_key="owner")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(k.pk for k in kpis)


def test_a_bulk_change_names_the_kpis_it_cannot_find_and_changes_none(
    world: World, make_kpi: MakeKpi
) -> None:
    mine = make_kpi()
    theirs = create_kpi(
        actor=world.outsider, team=company_team(world.globex), name="Globex KPI", target=1
    )

    with pytest.raises(ValidationError, match=f"no such KPI in this workspace: {theirs.pk}"):
        bulk_change_kpis(
            actor=world.editor,
            kpi_ids=[mine.pk, theirs.pk],
            action=BulkAction.ARCHIVE,
        )

    assert Kpi.objects.get(pk=mine.pk).archived_at is None


def test_a_viewer_is_refused_a_bulk_change_naming_the_kpis(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Churn")

    with pytest.raises(ValidationError, match="“Churn”"):
        bulk_change_kpis(actor=world.viewer, kpi_ids=[kpi.pk], action=BulkAction.ARCHIVE)

    assert Kpi.objects.get(pk=kpi.pk).archived_at is None


def test_a_bulk_archive_skips_kpis_archived_already(world: World, make_kpi: MakeKpi) -> None:
    archived, live = make_kpi("A"), make_kpi("B")
    archive_kpi(actor=world.editor, kpi=archived)

    changed = bulk_change_kpis(
        actor=world.editor, kpi_ids=[archived.pk, live.pk], action=BulkAction.ARCHIVE
    )

    assert changed == 1
    assert AuditEntry.objects.filter(action="kpi.archived").count() == 2


def test_a_bulk_new_team_must_be_a_team_not_archived(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()

    with pytest.raises(ValidationError, match="team"):
        bulk_change_kpis(actor=world.editor, kpi_ids=[kpi.pk], action=BulkAction.TEAM)

    bulk_change_kpis(
        actor=world.editor, kpi_ids=[kpi.pk], action=BulkAction.TEAM, team=world.company
    )
    assert Kpi.objects.get(pk=kpi.pk).team_id == world.company.pk


def test_a_bulk_change_is_capped(world: World) -> None:
    with pytest.raises(ValidationError, match=f"at most {MAX_BULK}"):
        bulk_change_kpis(
            actor=world.editor, kpi_ids=list(range(1, MAX_BULK + 2)), action=BulkAction.ARCHIVE
        )


def test_a_bulk_change_reads_and_writes_in_the_same_queries_whatever_the_selection(
    world: World, make_kpi: MakeKpi
) -> None:
    few = [make_kpi(f"Few {n}").pk for n in range(2)]
    many = [make_kpi(f"Many {n}").pk for n in range(12)]

    def own_queries(ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as captured:
            bulk_change_kpis(actor=world.editor, kpi_ids=ids, action=BulkAction.ARCHIVE)
        # Each event's outbox looks up its workspace's webhooks once (goalkeeper.webhooks):
        # not the bulk change's own reads and writes, and bounded by MAX_BULK.
        return sum("webhooks_subscription" not in q["sql"] for q in captured.captured_queries)

    assert own_queries(few) == own_queries(many)

"""Access helpers: the caller's workspace and role decide, and other workspaces look empty."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from goalkeeper.accounts import access
from goalkeeper.accounts.models import Person
from goalkeeper.kpis import access as kpi_access
from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs import access as okr_access
from goalkeeper.okrs.models import KeyResult
from goalkeeper.okrs.services import create_key_result, create_objective
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_result(world: World) -> KeyResult:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    return create_key_result(
        actor=world.editor,
        objective=objective,
        title="Calls made",
        kind="increase",
        start=0,
        target=100,
        owner=world.viewer,
    )


def test_outsider_cannot_find_any_acme_object(world: World, key_result: KeyResult) -> None:
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Leads", direction="higher_is_better", target=1
    )
    lookups = [
        (okr_access.access_cycle_by_id, world.cycle.pk),
        (access.access_team_by_id, world.sales.pk),
        (okr_access.access_objective_by_id, key_result.objective_id),
        (okr_access.access_key_result_by_id, key_result.pk),
        (okr_access.access_key_result_for_check_in, key_result.pk),
        (kpi_access.access_kpi_by_id, kpi.pk),
        # The KPI a key result may read, as the OKR pages and endpoints find it.
        (okr_access.access_kpi_by_id, kpi.pk),
    ]
    for lookup, pk in lookups:
        with pytest.raises(Http404):
            lookup(world.outsider, pk)
        assert lookup(world.admin, pk).pk == pk


def test_viewer_reads_but_cannot_write(world: World, key_result: KeyResult) -> None:
    assert okr_access.access_objective_by_id(world.viewer, key_result.objective_id)
    with pytest.raises(PermissionDenied):
        okr_access.access_objective_by_id(world.viewer, key_result.objective_id, for_write=True)
    with pytest.raises(PermissionDenied):
        okr_access.access_key_result_by_id(world.viewer, key_result.pk, for_write=True)
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Leads", direction="higher_is_better", target=1
    )
    with pytest.raises(PermissionDenied):
        kpi_access.access_kpi_by_id(world.viewer, kpi.pk, for_write=True)
    assert kpi_access.access_kpi_by_id(world.editor, kpi.pk, for_write=True) == kpi


def test_owner_may_check_in_on_their_own_key_result_even_as_viewer(
    world: World, key_result: KeyResult
) -> None:
    assert okr_access.access_key_result_for_check_in(world.viewer, key_result.pk) == key_result


def test_viewer_cannot_check_in_on_someone_elses_key_result(
    world: World, key_result: KeyResult
) -> None:
    key_result.owner = world.editor
    key_result.save()
    with pytest.raises(PermissionDenied):
        okr_access.access_key_result_for_check_in(world.viewer, key_result.pk)
    assert okr_access.access_key_result_for_check_in(world.editor, key_result.pk) == key_result


@pytest.mark.parametrize(
    ("name", "is_admin", "can_edit"),
    [
        ("admin", True, True),
        ("editor", False, True),
        ("viewer", False, False),
    ],
)
def test_roles(world: World, name: str, is_admin: bool, can_edit: bool) -> None:
    person: Person = getattr(world, name)
    if is_admin:
        access.require_admin(person)
    else:
        with pytest.raises(PermissionDenied):
            access.require_admin(person)
    if can_edit:
        access.require_editor(person)
    else:
        with pytest.raises(PermissionDenied):
            access.require_editor(person)

"""How a caller reaches data sources and their runs: one condition a line; another
workspace's objects are missing (404). Sources hold credentials: only admins configure."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.models import Person
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources.models import ConnectionTest, DataSource, SyncRun


def access_kpi_for_source(person: Person, kpi_id: int, *, for_write: bool = False) -> Kpi:
    """A KPI whose data source the caller reads (any member) or configures (admins only:
    sources hold credentials to the company's systems)."""
    kpi = access_kpi_by_id(person, kpi_id)
    if for_write:
        require_admin(person)
    return kpi


def access_source_by_kpi_id(person: Person, kpi_id: int, *, for_write: bool = False) -> DataSource:
    """The data source of a KPI of the caller's workspace; Http404 when it has none."""
    source = (
        DataSource.objects.select_related("kpi__team", "kpi__owner", "kpi__workspace")
        .filter(kpi_id=kpi_id, workspace_id=person.workspace_id)
        .first()
    )
    if source is None:
        raise Http404(_("this KPI has no data source"))
    if for_write:
        require_admin(person)
    return source


def access_sync_run_by_id(person: Person, run_id: int) -> SyncRun:
    """A sync run of the caller's workspace (its progress is readable by any member)."""
    run = (
        SyncRun.objects.select_related("source__kpi")
        .filter(pk=run_id, workspace_id=person.workspace_id)
        .first()
    )
    if run is None:
        raise Http404(_("no such sync run"))
    return run


def access_connection_test_by_id(person: Person, test_id: int) -> ConnectionTest:
    """A connection test of the caller's workspace (admins: it read with the parameters of
    a source, which hold credentials)."""
    test = (
        ConnectionTest.objects.select_related("kpi__workspace")
        .filter(pk=test_id, workspace_id=person.workspace_id)
        .first()
    )
    if test is None:
        raise Http404(_("no such connection test"))
    require_admin(person)
    return test

"""'Test connection' as a job: queue the parameters, let a worker read the first rows.

Reading a source may take as long as its server makes it, so a web thread never does it:
the page (or the API) queues a ConnectionTest and follows it until a worker has filled it
in. A workspace has at most `SOURCE_TEST_MAX_PENDING` tests queued or running at once (1 by
default, fewer than the worker's 2 threads), so a few slow URLs cannot fill the queue. A
running test holds its place until it ends, or until `running_bound()` after it started:
every outbound request ends by its deadline, so no worker is still busy with it past that.
Nothing is stored but the test itself; the secrets it carried are emptied as soon as it ends.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings as conf
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources.connectors import Row, SourceError, connector_class
from goalkeeper.sources.models import ConnectionTest, RunStatus
from goalkeeper.sources.secrets import UnreadableSecretsError, seal, unseal
from goalkeeper.sources.services import Configuration, preview

logger = logging.getLogger(__name__)

PENDING = (RunStatus.QUEUED, RunStatus.RUNNING)
# Finished tests are kept this long, for the page that follows them.
KEPT = dt.timedelta(days=1)


class TooManyTestsError(Exception):
    """The workspace already has as many connection tests under way as it may."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"{limit} connection tests are already under way in this workspace: wait for one "
            "to finish, then try again"
        )
        self.limit = limit


def limit() -> int:
    return int(getattr(conf, "SOURCE_TEST_MAX_PENDING", 1))


def timeout() -> float:
    return float(getattr(conf, "SOURCE_TEST_TIMEOUT_SECONDS", 10))


def lease() -> dt.timedelta:
    """How long a test may stay queued before it no longer counts (a worker died, or none
    is running): then it is failed, and frees its place; a worker reaching it later skips it."""
    return dt.timedelta(seconds=2 * timeout() + 60)


def running_bound() -> dt.timedelta:
    """How long after a worker took a test it still holds its place. The test's requests
    end by `timeout()` (the outbound deadline bounds every read), so past twice that and a
    margin the worker has died: the test is failed and frees its place."""
    return dt.timedelta(seconds=2 * timeout() + 60)


def request_test(*, actor: Person | None, kpi: Kpi, configuration: Configuration) -> ConnectionTest:
    """Queue a test of `configuration` for `kpi`; the caller hands it to the worker once
    committed. TooManyTestsError when the workspace has `limit()` tests under way;
    ValidationError for a push source (nothing to read)."""
    if not connector_class(configuration.kind).pulled:
        raise ValidationError(
            {"kind": gettext_noop("a push source is not pulled: nothing to test")}
        )
    now = timezone.now()
    with transaction.atomic():
        # One test request at a time per workspace: the count and the insert agree.
        Workspace.objects.select_for_update().filter(pk=kpi.workspace_id).first()
        _expire(kpi.workspace_id, now)
        under_way = ConnectionTest.objects.filter(
            workspace_id=kpi.workspace_id, status__in=PENDING
        ).count()
        if under_way >= limit():
            raise TooManyTestsError(limit())
        ConnectionTest.objects.filter(
            workspace_id=kpi.workspace_id, queued_at__lt=now - KEPT
        ).delete()
        return ConnectionTest.objects.create(
            workspace_id=kpi.workspace_id,
            kpi=kpi,
            requested_by=actor,
            kind=configuration.kind,
            settings=configuration.settings,
            sealed_secrets=seal(configuration.secrets),
            queued_at=now,
        )


def _expire(workspace_id: int, now: dt.datetime) -> None:
    tests = ConnectionTest.objects.filter(workspace_id=workspace_id)
    tests.filter(status=RunStatus.QUEUED, queued_at__lt=now - lease()).update(
        status=RunStatus.FAILED,
        error="interrupted: no worker took this test in time",
        sealed_secrets="",
        finished_at=now,
    )
    tests.filter(status=RunStatus.RUNNING, started_at__lt=now - running_bound()).update(
        status=RunStatus.FAILED,
        error="interrupted: no worker finished this test in time",
        sealed_secrets="",
        finished_at=now,
    )


def execute(test_id: int) -> ConnectionTest | None:
    """Carry out a queued test (a no-op when another worker took it, or it expired).
    Never raises for a failing source: the test records why."""
    won = ConnectionTest.objects.filter(pk=test_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not won:
        return None
    test = ConnectionTest.objects.select_related("kpi__workspace").get(pk=test_id)
    rows: list[Row] = []
    error = ""
    try:
        configuration = Configuration(
            kind=test.kind, settings=dict(test.settings), secrets=unseal(test.sealed_secrets)
        )
        rows = preview(test.kpi, configuration, timeout=timeout())
    except (SourceError, UnreadableSecretsError) as failure:
        error = str(failure)  # a SourceError from preview has the secrets masked
    except Exception as failure:  # a connector talks to systems we do not control
        logger.exception("connection test %s failed", test_id)
        error = f"unexpected error: {type(failure).__name__}"
    ConnectionTest.objects.filter(pk=test_id, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED if error else RunStatus.SUCCEEDED,
        rows=[] if error else [[r.line, r.timestamp.isoformat(), r.value] for r in rows],
        error=error,
        sealed_secrets="",
        finished_at=timezone.now(),
    )
    test.refresh_from_db()
    return test


def rows_of(test: ConnectionTest) -> list[Row]:
    """The rows a finished test found, in the workspace's zone."""
    zone = test.kpi.workspace.zone
    return [
        Row(line=int(line), timestamp=dt.datetime.fromisoformat(when).astimezone(zone), value=value)
        for line, when, value in test.rows
    ]

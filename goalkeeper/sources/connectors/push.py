"""Push: values arrive through the API batch endpoint; nothing is pulled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from goalkeeper.sources.connectors.base import Connector, Row, SourceError, register


@register
class PushConnector(Connector):
    """A source that sends its own values: `POST /api/v1/kpis/{id}/measurements` with an API
    token. It has no schedule; each batch it sends is recorded as a run."""

    kind = "push"
    label = _("Push over the API")
    description = _(
        "Your system sends values to Goalkeeper's API whenever it has them; nothing is "
        "pulled and there is no schedule."
    )
    pulled = False

    def fetch(self, since: dt.datetime | None) -> Iterable[Row]:
        raise SourceError(
            gettext_noop("a push source is not pulled: its values arrive through the API")
        )

    def describe(self) -> str:
        return gettext("Pushed through the API")

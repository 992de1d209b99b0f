"""Signals the KPI services send, for the apps above them (see docs/architecture.md).

`measurements_recorded`: a batch of values was written to a KPI. Sent inside the write's
transaction, once per batch, with the keyword arguments `kpi`, `actor` (a Person or None),
`source` ("manual", "upload", "api", "promotion", a data source's kind...), `result` (an
`UpsertResult`: how many values were created and updated) and `received` (how many items
the batch held). The bridges app moves the key results the KPI drives; the sources app
logs a batch pushed over the API as a run of the KPI's push source.
"""

from django.dispatch import Signal

measurements_recorded = Signal()

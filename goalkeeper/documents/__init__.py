"""Documents written from figures the apps hand over: PDF from HTML, XLSX and CSV from rows.

Knows no app (an import contract checks it): insights, reports, dashboards and exports give it
what to write and it writes it.
"""

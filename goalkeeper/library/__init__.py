"""The template library (docs/templates.md): objectives and KPIs by department, written in
the open format, to start from.

`catalog` reads the built-in templates and the company's own folder (every file checked
against the format's schema, an error naming its file, line and field); `services` turns a
template's suggested KPIs into a team's KPIs; the pages prefill the objective writer.
"""

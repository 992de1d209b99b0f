"""Importers: a spreadsheet or another tool's export turned into an open-format document
(docs/importers.md).

`registry` names the importers; `table` reads CSV and XLSX files into rows with their line
numbers; `columns` guesses which field each column holds; `generic` converts one row per
key result; `fitting` matches the converted document to the workspace (existing teams,
cycles, people, objectives); `pipeline` runs them and hands the document to the open
format's plan, which imports it like any other (docs/format.md).
"""

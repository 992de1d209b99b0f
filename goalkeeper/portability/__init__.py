"""The open format: a workspace, or part of it, as a YAML or JSON document (docs/format.md).

`document` reads a file (keeping line numbers) and checks it against the JSON Schema;
`export` writes the document of a workspace; `plan` compares a document with a workspace;
`services` carries a plan out through the services of each app, in one transaction.
"""

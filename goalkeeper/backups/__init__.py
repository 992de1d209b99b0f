"""Backups of a whole installation: `goalkeeper backup`, `goalkeeper restore` and the
scheduled backups the worker writes (docs/operations.md, "Backups")."""

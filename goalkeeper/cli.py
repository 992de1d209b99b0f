"""The `goalkeeper` console command: Goalkeeper's own commands plus Django's."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command: `goalkeeper serve`, `goalkeeper demo`, `goalkeeper migrate`..."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goalkeeper.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["goalkeeper", *argv])
    args[0] = "goalkeeper"
    execute_from_command_line(args)


if __name__ == "__main__":  # pragma: no cover
    main()

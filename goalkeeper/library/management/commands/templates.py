"""`goalkeeper templates`: the template library, built-in and the company's, one line each;
the company files that cannot be used are named on standard error (exit status 1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goalkeeper.library.catalog import library, summaries


class Command(BaseCommand):
    help = "List the templates of the library: key, source, department, name and counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department", default="", help="keep one department")
        parser.add_argument(
            "--source", choices=("builtin", "company"), default="", help="keep one source"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = library()
        rows = summaries(found.search("", options["department"], options["source"]))
        for row in rows:
            self.stdout.write(
                f"{row['key']}\t{row['source']}\t{row['department']}\t{row['name']}\t"
                f"{row['objectives']} objectives, {row['key_results']} key results, "
                f"{row['kpis']} KPIs"
            )
        for problem in found.problems:
            self.stderr.write(str(problem))
        if found.problems:
            raise CommandError(f"{len(found.problems)} problem(s) in the company's templates")

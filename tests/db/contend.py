"""Run as a script: a service write against a SQLite file whose write lock another
connection holds. Prints one JSON line per scenario (used by test_sqlite_locking.py).

    python -m tests.db.contend HOLD_SECONDS LOCK_RETRIES [HOLD_SECONDS LOCK_RETRIES ...]
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import threading
import time


class Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def scenario(number: int, hold: float, retries: int) -> dict[str, object]:
    from django.conf import settings
    from django.db import connection

    from goalkeeper.accounts.models import Workspace
    from goalkeeper.accounts.services import create_workspace

    # A short busy timeout so that the writer waits it out and retries within the hold.
    connection.close()
    connection.settings_dict["OPTIONS"].update(
        timeout=0.2, lock_retries=retries, lock_first_pause=0.05, lock_pause_cap=0.2
    )
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        raw = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("UPDATE accounts_workspace SET name = name")
        held.set()
        release.wait(hold)
        raw.execute("COMMIT")
        raw.close()

    counter = Counter()
    logging.getLogger("goalkeeper.db").addHandler(counter)
    result: dict[str, object] = {"hold": hold, "retries": retries}
    lock_holder = threading.Thread(target=holder, daemon=True)
    lock_holder.start()
    held.wait()

    def write() -> None:
        try:
            create_workspace(name=f"Contended {number}")
            result["error"] = None
        except Exception as error:  # reported to the test, which asserts on it
            result["error"] = f"{type(error).__module__}.{type(error).__name__}: {error}"
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join()
    release.set()
    lock_holder.join()
    logging.getLogger("goalkeeper.db").removeHandler(counter)
    result["logged_retries"] = counter.count
    result["written"] = Workspace.objects.filter(name=f"Contended {number}").exists()
    connection.close()
    return result


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goalkeeper.settings")
    import django

    django.setup()
    from goalkeeper.core.migrating import migrate_if_needed

    migrate_if_needed(verbosity=0)
    pairs = list(zip(argv[0::2], argv[1::2], strict=True))
    for number, (hold, retries) in enumerate(pairs):
        started = time.monotonic()
        outcome = scenario(number, float(hold), int(retries))
        outcome["seconds"] = round(time.monotonic() - started, 2)
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

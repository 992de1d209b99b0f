"""What the console says while Goalkeeper runs (docs/operations.md#logs).

The worker's queue (huey) tells every job it starts and finishes, and every periodic job it
enqueues, at INFO: a line every second or so, which buries what a person needs to read
(that the worker started, warnings, errors, failed jobs). Those lines are routine: they are
told at DEBUG, shown with `LOG_LEVEL=DEBUG`.
"""

from __future__ import annotations

import logging


class RoutineAtDebug(logging.Filter):
    """Tell the queue's INFO lines at DEBUG, and let through only what reaches `level`.

    On a handler: the logger has passed the record at INFO already, so the filter both lowers
    it and decides whether it is still shown.
    """

    def __init__(self, level: str | int = "INFO", prefix: str = "huey") -> None:
        super().__init__()
        self.level = level if isinstance(level, int) else logging.getLevelName(level.upper())
        if not isinstance(self.level, int):
            self.level = logging.INFO
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        routine = record.name == self.prefix or record.name.startswith(self.prefix + ".")
        if routine and record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return record.levelno >= self.level

"""Unexpected errors: tell the user and keep the details, instead of failing silently.

PySide6 prints an exception raised in a slot to stderr and carries on, which a user never sees.
The hook shows what happened, reminds that committed work is safe (every change is saved at
once) and appends the traceback to a log file that can be sent with a bug report.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from platformdirs import user_log_path
from PySide6.QtWidgets import QApplication, QMessageBox

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def default_log_path() -> Path:
    """``errors.log`` in the user's log folder (``~/.local/state/storyframe/log`` on Linux)."""
    return user_log_path("storyframe", appauthor=False) / "errors.log"


def make_excepthook(log_path: Path, previous: Hook = sys.__excepthook__) -> Hook:
    """A ``sys.excepthook`` that logs to ``log_path``, calls ``previous`` and shows a dialog."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, error, tb))
        try:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("a", encoding="utf-8") as log:
                log.write(f"--- {datetime.now(UTC).isoformat()}\n{details}\n")
            where = f"The details were written to {log_path}."
        except OSError as log_error:
            where = f"The details could not be written to {log_path} ({log_error.strerror})."
        previous(kind, error, tb)
        if QApplication.instance() is not None:
            QMessageBox.critical(
                None,
                "Storyframe: unexpected error",
                f"{kind.__name__}: {error}\n\nEverything you coded before this is saved "
                f"(each change is saved at once). {where}",
            )

    return hook


def install_excepthook(log_path: Path | None = None) -> None:
    """Route uncaught exceptions (also those raised in Qt slots) through :func:`make_excepthook`."""
    sys.excepthook = make_excepthook(log_path or default_log_path(), sys.excepthook)

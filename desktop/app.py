"""Application entry point: ``storyframe`` with no arguments calls :func:`run`."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotators.settings import Settings

from .crash import install_excepthook

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Storyframe's name, icon and style sheet (reused when it exists)."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Storyframe")
    app.setApplicationDisplayName("Storyframe")
    app.setDesktopFileName("storyframe")
    icon = RESOURCES / "icons" / "storyframe.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    style = RESOURCES / "styles" / "storyframe.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app  # type: ignore[return-value]


def run(
    argv: list[str] | None = None, settings: Settings | None = None, project: str | None = None
) -> int:
    """Open the main window on ``project`` (default: the last or default project) and run
    the event loop."""
    app = make_application(argv)
    install_excepthook()
    from .main_window import MainWindow  # after QApplication exists: widgets need it

    window = MainWindow(settings or Settings())
    window.show()
    window.start(Path(project) if project else None)
    return app.exec()

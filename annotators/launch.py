"""Start the desktop app without importing Qt at module import time (keeps the core Qt-free)."""

from __future__ import annotations

import importlib


def launch_desktop() -> int:
    """Run the PySide6 application and return its exit code."""
    desktop_app = importlib.import_module("desktop.app")
    return desktop_app.run()

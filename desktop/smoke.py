"""Smoke test of the real window on the real platform plugin (CI runs it under ``xvfb-run``).

``python -m desktop.smoke [CLIP ...]`` runs the start-up check of ``storyframe`` (missing
system libraries), opens the main window with Qt's X11 platform (``xcb``) on a throw-away
project holding ``CLIP``, waits for the first frame, plays for a second while processing
events, and exits 0. A missing library, an abort in the platform plugin or a clip that never
shows makes it exit non-zero, so CI notices what the offscreen tests cannot.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from annotators.launch import PlatformError, check_platform

TIMEOUT_S = 60.0


def _fail(message: str) -> int:
    print(f"smoke: FAILED: {message}", file=sys.stderr)
    return 1


def _make_project(folder: Path, clips: list[Path]) -> Path:
    from annotators.jobs import run_job
    from annotators.project import Project

    path = folder / "smoke.storyframe"
    with Project.create(path) as project:
        if clips:
            run_job(project.import_media(clips))
    return path


def _run_window(project: Path, settings_path: Path, expect_frame: bool) -> int:
    from PySide6.QtCore import QElapsedTimer, QEventLoop
    from PySide6.QtGui import QGuiApplication

    from annotators.settings import Settings

    from .app import make_application

    app = make_application([])
    from .main_window import MainWindow

    settings = Settings(settings_path)
    settings.set("coder_name", "smoke")
    window = MainWindow(settings)
    window.show()
    if not window.open_project(project):
        return _fail(f"could not open {project}")
    clock = QElapsedTimer()
    clock.start()

    def spin(until) -> bool:  # type: ignore[no-untyped-def]
        while not until():
            if clock.elapsed() > TIMEOUT_S * 1000:
                return False
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.005)
        return True

    if expect_frame and not spin(lambda: window.player.view.frame_index == 0):
        return _fail("the first frame of the clip was never shown")
    window.playback.play(1)
    started = clock.elapsed()
    spin(lambda: clock.elapsed() - started > 1000)  # one second of events while playing
    window.playback.pause()
    shown = window.player.view.frame_index
    platform = QGuiApplication.platformName()
    size = window.screen().size()
    window.close()
    if expect_frame and not shown:
        return _fail("playing for a second never advanced the picture")
    print(f"smoke: ok ({platform}, screen {size.width()}x{size.height()}, frame {shown} shown)")
    return 0


def main(argv: list[str]) -> int:
    """Check the platform, show the window on ``argv`` (clip paths) and exit 0 when it works."""
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    try:
        check_platform()
    except PlatformError as error:
        return _fail(str(error))
    clips = [Path(arg) for arg in argv]
    with tempfile.TemporaryDirectory(prefix="storyframe-smoke-") as tmp:
        project = _make_project(Path(tmp), clips)
        return _run_window(project, Path(tmp) / "settings.json", expect_frame=bool(clips))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

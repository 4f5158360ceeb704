"""Start the real app on a project and quit as soon as it is ready to code (for timing).

``python -m desktop.startup_probe SETTINGS_JSON`` prints ``ready`` once the window shows the
last project and, when the project has clips, the first frame of the first clip.
:func:`time_until_ready` times it from the outside (start-up test, ``bench_desktop.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer

from annotators.settings import Settings

from .app import make_application


def time_until_ready(args: list[str], timeout: float = 60.0) -> float:
    """Seconds from starting ``python args`` until it prints ``ready`` (offscreen by default)."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        text=True,
    )  # fmt: skip
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            if line.strip() == "ready":
                return time.perf_counter() - start
        raise RuntimeError(f"python {' '.join(args)} exited without becoming ready")
    finally:
        process.wait(timeout=timeout)


def main(argv: list[str]) -> int:
    """Open the window, wait until it is ready, print ``ready`` and quit."""
    app = make_application([])
    from .main_window import MainWindow

    window = MainWindow(Settings(Path(argv[0])))
    window.show()
    window.start()

    def check() -> None:
        project = window.workspace.project
        if project is None or not window.library.idle:  # the library loads in the background
            return
        has_clips = bool(window.library.model.rows)
        if not has_clips or window.player.view.frame_index == 0:
            print("ready", flush=True)
            app.quit()

    poll = QTimer(interval=5)
    poll.timeout.connect(check)
    poll.start()
    code = app.exec()
    window.close()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

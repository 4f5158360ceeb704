"""Desktop start-up time: from launching Python to a window showing the last project's first
frame, ready to code (``python -m desktop.startup_probe``), on a project with 5 clips.

Printed beside two references measured in the same run: a bare PySide6 window (the floor any
Qt app pays here) and the app with the Whisper stack imported eagerly at start-up (what lazy
loading saves). Target: under 2 s. Run: ``python benchmarks/bench_desktop.py``.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 5
BARE_QT = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "from PySide6.QtCore import QTimer\n"
    "app = QApplication([]); w = QMainWindow(); w.resize(1500, 900); w.show()\n"
    "QTimer.singleShot(0, lambda: (print('ready', flush=True), app.quit())); app.exec()\n"
)
EAGER = "import faster_whisper, ctranslate2\nfrom desktop.startup_probe import main\nimport sys\n"
EAGER += "sys.exit(main(sys.argv[1:]))\n"


def prepare(folder: Path) -> Path:
    """A project with 5 generated clips, and settings naming it as the last project."""
    from annotators.jobs import run_job
    from annotators.project import Project
    from annotators.settings import Settings
    from tests.media_fixtures import make_clip

    for i in range(5):
        make_clip(folder / f"clip{i}.mp4", seconds=3.0, width=360, height=640, audio=i % 2 == 0)
    with Project.create(folder / "bench.storyframe") as project:
        run_job(project.import_media([folder]))
    settings = Settings(folder / "settings.json")
    settings.set("coder_name", "bench")
    settings.add_recent_project(folder / "bench.storyframe")
    return folder / "settings.json"


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds until ready, and CPU seconds the process used in all (user + system).

    CPU time shows what start-up costs without the waiting a busy shared machine adds."""
    from desktop.startup_probe import time_until_ready

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time_until_ready(args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    from desktop.startup_probe import time_until_ready

    with tempfile.TemporaryDirectory() as tmp:
        settings = str(prepare(Path(tmp)))
        cases = {
            "bare PySide6 window": ["-c", BARE_QT],
            "storyframe (ready to code)": ["-m", "desktop.startup_probe", settings],
            "storyframe, Whisper eager": ["-c", EAGER, settings],
        }
        time_until_ready(cases["storyframe (ready to code)"])  # warm the file cache
        results = {name: [timed(args) for _ in range(RUNS)] for name, args in cases.items()}
    print(f"start-up, median of {RUNS} runs (target < 2.0 s wall):")
    for name, runs in results.items():
        wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
        print(
            f"  {name:28s} wall median {statistics.median(wall):.2f} s, best {min(wall):.2f} s;"
            f"  CPU median {statistics.median(cpu):.2f} s"
        )
    results = {name: [r[0] for r in runs] for name, runs in results.items()}
    app = statistics.median(results["storyframe (ready to code)"])
    bare = statistics.median(results["bare PySide6 window"])
    eager = statistics.median(results["storyframe, Whisper eager"])
    print(f"  storyframe / bare Qt:       {app / bare:.1f}x")
    print(f"  eager Whisper / storyframe: {eager / app:.2f}x")


if __name__ == "__main__":
    main()

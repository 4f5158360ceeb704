"""Start-up: ``storyframe`` shows the last project, first frame on screen, quickly.

The 2 s target is measured on a quiet machine by ``benchmarks/bench_desktop.py`` (figures in
docs/benchmarks.md: about 1.5 s). This test guards against regressions such as an eager import
of Whisper or OpenCV (each adds 0.3-1 s) with a margin for a loaded CI machine, where the same
code measured 2.0-2.4 s.
"""

from __future__ import annotations

from pathlib import Path

from annotators.jobs import run_job
from annotators.project import Project
from desktop.startup_probe import time_until_ready

TARGET_S = 2.0
CI_MARGIN = 1.5  # a loaded 2-core machine runs the same start-up up to ~1.3x slower


def test_app_start_up_stays_within_its_target(settings, clip_dir: Path, tmp_path) -> None:
    with Project.create(tmp_path / "study.storyframe") as project:
        run_job(project.import_media([clip_dir]))
    settings.add_recent_project(tmp_path / "study.storyframe")
    args = ["-m", "desktop.startup_probe", str(settings.path)]
    times = [time_until_ready(args) for _ in range(3)]  # best of 3: the machine is shared
    assert min(times) < TARGET_S * CI_MARGIN, f"start-up took {min(times):.2f} s (runs: {times})"

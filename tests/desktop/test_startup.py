"""Start-up: ``storyframe`` shows the last project, first frame on screen, in under 2 s."""

from __future__ import annotations

from pathlib import Path

from annotators.jobs import run_job
from annotators.project import Project
from desktop.startup_probe import time_until_ready

TARGET_S = 2.0


def test_app_is_ready_to_code_in_under_two_seconds(settings, clip_dir: Path, tmp_path) -> None:
    with Project.create(tmp_path / "study.storyframe") as project:
        run_job(project.import_media([clip_dir]))
    settings.add_recent_project(tmp_path / "study.storyframe")
    args = ["-m", "desktop.startup_probe", str(settings.path)]
    times = [time_until_ready(args) for _ in range(3)]  # best of 3: the machine is shared
    assert min(times) < TARGET_S, f"start-up took {min(times):.2f} s (runs: {times})"

"""Finding videos after files move: relative paths, missing-video report, relinking by hash.

These tests register plain files as videos directly, so they exercise the path and hash
logic without decoding media (importing real clips is tested in test_project_import.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotators.errors import ProjectError
from annotators.jobs import run_job
from annotators.project import Project
from tests.annotators.store.helpers import register


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A project folder with two 'videos' in a subfolder; returns the project file."""
    clips = tmp_path / "study" / "clips"
    clips.mkdir(parents=True)
    (clips / "a.mp4").write_bytes(b"clip a" * 1000)
    (clips / "b.mp4").write_bytes(b"clip b" * 1000)
    with Project.create(tmp_path / "study" / "study.storyframe") as project:
        register(project, clips / "a.mp4")
        register(project, clips / "b.mp4")
        assert [v.path for v in project.videos()] == ["clips/a.mp4", "clips/b.mp4"]
    return tmp_path / "study" / "study.storyframe"


def test_moved_project_folder_still_finds_its_videos(study: Path, tmp_path: Path) -> None:
    moved = shutil.move(study.parent, tmp_path / "elsewhere" / "renamed")
    with Project.open(Path(moved) / "study.storyframe") as project:
        assert project.missing_videos() == []
        paths = [project.video_path(video) for video in project.videos()]
    assert paths == [Path(moved).resolve() / "clips" / name for name in ("a.mp4", "b.mp4")]


def test_missing_video_is_reported_and_relinked_after_hash_check(
    study: Path, tmp_path: Path
) -> None:
    new_home = tmp_path / "external"
    new_home.mkdir()
    shutil.move(study.parent / "clips" / "a.mp4", new_home / "renamed-a.mp4")
    (new_home / "impostor.mp4").write_bytes(b"clip x" * 1000)  # same size, other content

    with Project.open(study) as project:
        assert [v.file_name for v in project.missing_videos()] == ["a.mp4"]
        with pytest.raises(ProjectError, match="content differs"):
            project.relink(1, new_home / "impostor.mp4")
        with pytest.raises(ProjectError, match="no such file"):
            project.relink(1, new_home / "nothing.mp4")
        with pytest.raises(ProjectError, match="no video with id 99"):
            project.relink(99, new_home / "renamed-a.mp4")
        assert project.missing_videos()[0].id == 1

        project.relink(1, new_home / "renamed-a.mp4")
    with Project.open(study) as project:  # the relink was committed
        assert project.missing_videos() == []
        assert project.video(1).path == "../external/renamed-a.mp4"


def test_search_folder_relinks_missing_videos_by_content(study: Path, tmp_path: Path) -> None:
    backup_drive = tmp_path / "drive"
    (backup_drive / "deep" / "er").mkdir(parents=True)
    shutil.move(study.parent / "clips" / "a.mp4", backup_drive / "deep" / "er" / "x.mp4")
    shutil.move(study.parent / "clips" / "b.mp4", backup_drive / "b.mp4")
    (backup_drive / "b.mp4").write_bytes(b"edited" * 1000)  # b's content changed: no match

    with Project.open(study) as project:
        report = run_job(project.relink_search(backup_drive))
        assert [(video.id, path.name) for video, path in report.relinked] == [(1, "x.mp4")]
        assert [video.id for video in report.still_missing] == [2]
        assert [video.id for video in project.missing_videos()] == [2]
        assert project.video_path(project.video(1)) == (backup_drive / "deep/er/x.mp4").resolve()

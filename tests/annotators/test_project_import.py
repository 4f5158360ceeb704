"""Importing real media: folders, deduplication by content, bad files reported and skipped."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from annotators.jobs import Progress, run_job
from annotators.project import Project
from tests.media_fixtures import (
    make_audio_only,
    make_clip,
    make_not_a_video,
    make_truncated,
    make_zero_byte,
)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of two good clips (one nested, rotated, with audio) and two bad files."""
    folder = tmp_path_factory.mktemp("clips")
    make_clip(folder / "story.mp4", seconds=1.0, fps=25)
    (folder / "day2").mkdir()
    make_clip(folder / "day2" / "Phone.MOV", seconds=0.8, fps=30, rotation=90, audio=True)
    make_zero_byte(folder / "empty.mp4")
    make_not_a_video(folder / "notes.mkv")
    (folder / "readme.txt").write_text("not imported: not a video name")
    return folder


@pytest.fixture
def study(tmp_path: Path, clips: Path) -> Path:
    """A project folder holding a copy of ``clips``; returns the project file."""
    shutil.copytree(clips, tmp_path / "study" / "clips")
    Project.create(tmp_path / "study" / "study.storyframe").close()
    return tmp_path / "study" / "study.storyframe"


def test_folder_import_stores_media_facts_and_reports_bad_files(study: Path) -> None:
    clips = study.parent / "clips"
    progress: list[Progress] = []
    with Project.open(study) as project:
        report = run_job(project.import_media([clips]), progress.append)
        videos = project.videos()

    assert [v.path for v in videos] == ["clips/day2/Phone.MOV", "clips/story.mp4"]
    phone, story = videos
    assert (story.frame_count, story.fps, story.width, story.height) == (25, 25.0, 160, 284)
    assert story.duration_s == pytest.approx(1.0, abs=0.05)
    assert not story.has_audio and story.rotation == 0
    assert (phone.frame_count, phone.width, phone.height, phone.rotation) == (24, 160, 284, 90)
    assert phone.has_audio and phone.fps == pytest.approx(30.0, rel=0.01)
    data = (clips / "story.mp4").read_bytes()
    assert story.content_hash == hashlib.sha256(data).hexdigest()
    assert story.size_bytes == len(data)

    assert sorted(s.path.name for s in report.failed) == ["empty.mp4", "notes.mkv"]
    assert all(s.reason and s.path.name in s.reason for s in report.failed)
    assert [p.done for p in progress] == [0, 1, 2, 3, 4]
    assert {p.total for p in progress} == {4}


def test_same_content_is_imported_once(study: Path) -> None:
    clips = study.parent / "clips"
    shutil.copy(clips / "story.mp4", clips / "story copy.mp4")
    with Project.open(study) as project:
        first = run_job(project.import_media([clips / "story.mp4", clips / "story copy.mp4"]))
        second = run_job(project.import_media([clips / "story.mp4"]))
        assert len(project.videos()) == 1
    assert [v.file_name for v in first.imported] == ["story.mp4"]
    assert [s.path.name for s in first.duplicates] == ["story copy.mp4"]
    assert second.imported == [] and len(second.duplicates) == 1


def test_reimporting_a_moved_file_relinks_the_video(study: Path, tmp_path: Path) -> None:
    clips = study.parent / "clips"
    with Project.open(study) as project:
        run_job(project.import_media([clips / "story.mp4"]))
        moved = shutil.move(clips / "story.mp4", tmp_path / "story.mp4")
        report = run_job(project.import_media([moved]))
        assert [v.id for v in report.relinked] == [1]
        assert project.missing_videos() == []


def test_cancelled_import_keeps_the_files_done(study: Path) -> None:
    clips = study.parent / "clips"
    with Project.open(study) as project:
        job = project.import_media([clips / "story.mp4", clips / "day2" / "Phone.MOV"])
        assert next(job).done == 0
        assert next(job).done == 1  # first file committed
        job.close()
    with Project.open(study) as project:
        assert [v.file_name for v in project.videos()] == ["story.mp4"]


def test_missing_path_is_reported(study: Path) -> None:
    with Project.open(study) as project:
        report = run_job(project.import_media([study.parent / "nothing.mp4"]))
    assert [(s.path.name, s.reason) for s in report.failed] == [("nothing.mp4", "no such file")]


def test_truncated_download_is_imported_with_a_warning(tmp_path: Path) -> None:
    make_truncated(tmp_path / "cut.mp4", keep=0.7, seconds=1.0, faststart=True)
    make_audio_only(tmp_path / "voice.mp4")
    with Project.create(tmp_path / "study.storyframe") as project:
        report = run_job(project.import_media([tmp_path]))
    assert [v.file_name for v in report.imported] == ["cut.mp4"]
    assert 0 < report.imported[0].frame_count < 25
    assert [(s.path.name, "truncated" in s.reason) for s in report.warnings] == [("cut.mp4", True)]
    assert [(s.path.name, "audio only" in s.reason) for s in report.failed] == [("voice.mp4", True)]

"""Platform metadata from a collection tool, matched to videos by id or file name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotators.errors import ProjectError
from annotators.project import Project
from tests.annotators.store.helpers import register

CSV = (
    "id,author,body,timestamp,hashtags,plays,likes,shares,comments,tiktok_url\n"
    '7301234567890123456,@ana,"My story, part 1 #cancer",2024-03-01 10:00:00,cancer,1200,300,12,4,'
    "https://www.tiktok.com/@ana/video/7301234567890123456\n"
    "7309999999999999999,@ben,not downloaded,2024-03-02 11:00:00,,5,1,0,0,https://x\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    for name in ("@ana_video_7301234567890123456.mp4", "interview.mp4"):
        (tmp_path / name).write_bytes(name.encode() * 100)
    opened = Project.create(tmp_path / "study.storyframe")
    register(opened, tmp_path / "@ana_video_7301234567890123456.mp4")
    register(opened, tmp_path / "interview.mp4")
    yield opened
    opened.close()


def test_csv_rows_match_videos_by_id_in_the_file_name(project: Project, tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(CSV, encoding="utf-8")
    report = project.import_metadata(tmp_path / "meta.csv")
    assert report.matched == [(1, "7301234567890123456")]
    assert report.unmatched == ["7309999999999999999"]
    with Project.open(project.path) as reopened:  # committed
        video = reopened.video(1)
    assert video.platform_video_id == "7301234567890123456"
    assert video.platform_meta["body"] == "My story, part 1 #cancer"
    assert video.platform_meta["likes"] == "300"
    assert project.video(2).platform_meta == {}


def test_json_rows_match_by_file_name_column(project: Project, tmp_path: Path) -> None:
    rows = {"data": [{"filename": "interview.mp4", "author": "ngo", "like_count": 7}]}
    (tmp_path / "meta.json").write_text(json.dumps(rows), encoding="utf-8")
    report = project.import_metadata(tmp_path / "meta.json")
    assert report.matched == [(2, "interview.mp4")]
    assert project.video(2).platform_meta == {
        "filename": "interview.mp4",
        "author": "ngo",
        "like_count": 7,
    }


def test_json_lines_are_read(project: Project, tmp_path: Path) -> None:
    lines = '{"video_id": "7301234567890123456", "author": "ana"}\n{"video_id": "1"}\n'
    (tmp_path / "meta.jsonl").write_text(lines, encoding="utf-8")
    report = project.import_metadata(tmp_path / "meta.jsonl")
    assert report.matched == [(1, "7301234567890123456")]
    assert report.unmatched == ["1"]


def test_file_without_id_column_is_refused_clearly(project: Project, tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text("author,likes\nana,3\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"meta\.csv has no video id or file name column"):
        project.import_metadata(tmp_path / "meta.csv")
    (tmp_path / "broken.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"broken\.json is not valid JSON"):
        project.import_metadata(tmp_path / "broken.json")

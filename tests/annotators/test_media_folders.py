"""Media on several machines: each machine's settings map a server project's media to its own
folder (files found by content hash); relinking there never changes the shared paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotators.cli import main
from annotators.project import Project
from annotators.settings import SETTINGS_ENV
from tests.annotators.store.helpers import register


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def team(tmp_path: Path, server_database: str) -> Path:
    """A server project whose two videos were imported from the lead's folder, then gone."""
    lead = tmp_path / "lead" / "clips"
    lead.mkdir(parents=True)
    for name in ("a.mp4", "b.mp4"):
        (lead / name).write_bytes(name.encode() * 2000)
    path = tmp_path / "lead" / "study.storyframe"
    with Project.create(path, database=server_database) as project:
        for name in ("a.mp4", "b.mp4"):
            register(project, lead / name)
    for machine in ("ana", "bo"):  # each machine's copy, somewhere of its own, renamed
        copy = tmp_path / machine / "media" / "deep"
        copy.mkdir(parents=True)
        for name in ("a.mp4", "b.mp4"):
            shutil.copy(lead / name, copy / f"{machine}_{name}")
    shutil.rmtree(lead)
    return path


def _on(machine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / machine / "settings.json"))


def test_two_machines_each_see_their_own_files(team, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    with Project.open(team) as project:
        shared = [video.path for video in project.videos()]
    for machine in ("ana", "bo"):
        _on(machine, tmp_path, monkeypatch)
        code, out, _err = run(
            ["media-folder", str(team), str(tmp_path / machine / "media")], capsys
        )
        assert code == 0 and "media folder on this machine" in out
    for machine in ("ana", "bo"):
        _on(machine, tmp_path, monkeypatch)
        with Project.open(team) as project:
            assert project.missing_videos() == []
            paths = [project.video_path(video) for video in project.videos()]
            assert [video.path for video in project.videos()] == shared  # the database's
        folder = (tmp_path / machine / "media" / "deep").resolve()
        assert paths == [folder / f"{machine}_a.mp4", folder / f"{machine}_b.mp4"]


def test_relinking_one_file_writes_this_machines_settings_only(
    team, tmp_path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    _on("ana", tmp_path, monkeypatch)
    with Project.open(team) as project:
        first = project.videos()[0]
        target = tmp_path / "ana" / "media" / "deep" / "ana_a.mp4"
        code, out, _err = run(["relink", str(team), str(first.id), str(target)], capsys)
        assert code == 3 and str(target.resolve()) in out  # b is still missing here: partial
        assert project.video_path(first) == target.resolve()
        assert project.video(first.id).path == first.path
    _on("bo", tmp_path, monkeypatch)  # another machine: nothing changed for it
    with Project.open(team) as project:
        assert len(project.missing_videos()) == 2
        code, _out, err = run(["media-folder", str(team)], capsys)
        assert code == 3 and "still missing here" in err


def test_a_file_that_is_not_the_video_is_refused(team, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    _on("ana", tmp_path, monkeypatch)
    wrong = tmp_path / "ana" / "media" / "deep" / "ana_b.mp4"
    with Project.open(team) as project:
        first = project.videos()[0]
    code, _out, err = run(["relink", str(team), str(first.id), str(wrong)], capsys)
    assert code == 1 and "content differs" in err
    assert not (tmp_path / "ana" / "settings.json").exists()


def test_media_folder_of_a_project_file_is_refused(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    _on("ana", tmp_path, monkeypatch)
    with Project.create(tmp_path / "solo.storyframe"):
        pass
    code, _out, err = run(
        ["media-folder", str(tmp_path / "solo.storyframe"), str(tmp_path)], capsys
    )
    assert code == 1 and "not a server project" in err and len(err.strip().splitlines()) == 1

"""The project commands as a researcher runs them: init, import, videos, relink."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotators.cli import main
from annotators.cli.app import console
from annotators.codebook import active_codebook
from annotators.project import Project
from annotators.store.models import Transcript
from tests.media_fixtures import make_clip, make_not_a_video


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that table cells are not folded (tests read them as text)."""
    monkeypatch.setattr(console, "width", 200)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``storyframe argv``; return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def test_init_import_videos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "s.storyframe"
    make_clip(tmp_path / "a.mp4", seconds=0.6, fps=25, audio=True)
    make_not_a_video(tmp_path / "b.mp4")

    assert run(["init", str(project)], capsys)[0] == 0
    with Project.open(project) as opened, opened.session() as session:
        assert active_codebook(session) is not None  # ready to code
    code, out, err = run(["import", str(project), str(tmp_path)], capsys)
    assert code == 3  # done, one file skipped: reported, the other imported
    assert "imported 1" in out and "failed 1" in out
    assert "b.mp4" in err and "Traceback" not in err

    with Project.open(project) as opened, opened.session() as session:
        session.add(
            Transcript(
                video_id=1,
                engine="faster-whisper",
                engine_version="1",
                model="tiny.en",
                status="no_speech",
            )
        )
        session.commit()
    code, out, _ = run(["videos", str(project)], capsys)
    assert code == 0
    row = next(line for line in out.splitlines() if "a.mp4" in line)
    for cell in ("1", "0.60 s", "15", "25.00", "160x284", "yes", "no_speech"):
        assert cell in row


def test_user_errors_print_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.storyframe").write_bytes(b"")
    code, _, err = run(["videos", str(tmp_path / "bad.storyframe")], capsys)
    assert code == 1
    assert err.strip().startswith("error:") and "empty" in err
    assert len(err.strip().splitlines()) == 1
    run(["init", "--empty", str(tmp_path / "s")], capsys)
    code, _, err = run(["init", str(tmp_path / "s")], capsys)
    assert code == 1 and "already exists" in err


def test_metadata_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "s.storyframe"
    make_clip(tmp_path / "7301234567890.mp4", seconds=0.4)
    (tmp_path / "meta.csv").write_text("video_id,author\n7301234567890,ana\n42,ben\n")
    run(["init", "--empty", str(project)], capsys)
    run(["import", str(project), str(tmp_path / "7301234567890.mp4")], capsys)
    code, out, err = run(["metadata", str(project), str(tmp_path / "meta.csv")], capsys)
    assert code == 0 and "matched 1 rows, unmatched 1" in out and "42" in err
    with Project.open(project) as opened:
        assert opened.video(1).platform_meta == {"video_id": "7301234567890", "author": "ana"}


def test_relink_by_search_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "s.storyframe"
    make_clip(tmp_path / "a.mp4", seconds=0.4)
    run(["init", str(project)], capsys)
    run(["import", str(project), str(tmp_path / "a.mp4")], capsys)
    (tmp_path / "drive").mkdir()
    shutil.move(tmp_path / "a.mp4", tmp_path / "drive" / "a.mp4")

    _, out, _ = run(["videos", str(project)], capsys)
    assert "(missing)" in out
    code, out, _ = run(["relink", str(project), "--search-dir", str(tmp_path / "drive")], capsys)
    assert code == 0 and "video 1 found" in out
    _, out, _ = run(["videos", str(project)], capsys)
    assert "(missing)" not in out and "drive/a.mp4" in out

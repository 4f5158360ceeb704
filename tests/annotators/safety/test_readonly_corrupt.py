"""Read-only projects open for reading; damaged projects are refused before anything writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import annotators.project.core as core
from annotators.cli import main
from annotators.errors import ProjectError
from annotators.jobs import run_job
from annotators.project import Project
from tests.media_fixtures import make_clip


@pytest.fixture
def study(tmp_path: Path) -> Path:
    video = make_clip(tmp_path / "clip.mp4", seconds=0.4)
    with Project.create(tmp_path / "study.storyframe") as project:
        run_job(project.import_media([video]))
        project.coder("ana")
        return project.path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
        raise SystemExit(0)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def test_read_only_project_reads_and_refuses_writes_clearly(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    before = _digest(study)
    monkeypatch.setattr(core, "_writable", lambda path: False)  # as if chmod a-w (we are root)
    code, out, _ = _run(["videos", str(study)], capsys)
    assert code == 0 and "clip.mp4" in out
    code, out, _ = _run(
        ["export", str(study), "-f", "csv-long", "-o", str(tmp_path / "x.csv")], capsys
    )
    assert code == 0 and (tmp_path / "x.csv").is_file()
    other = make_clip(tmp_path / "other.mp4", seconds=0.3)
    codebook = Path(__file__).parents[3] / "resources" / "codebooks" / "social_cause.yaml"
    meta = tmp_path / "meta.csv"
    meta.write_text("video_id,file_name\n1,clip.mp4\n")
    writers = [
        ["import", str(study), str(other)],
        ["codebook", "import", str(study), str(codebook)],
        ["metadata", str(study), str(meta)],
        ["relink", str(study), "1", str(study.parent / "clip.mp4")],
        ["annotations", "import", str(study), str(tmp_path / "x.csv")],
        ["transcribe", str(study)],
    ]
    for argv in writers:
        code, _, err = _run(argv, capsys)
        assert code == 1, err
        assert "is read-only" in err and "Traceback" not in err and "SQL" not in err
    with Project.open(study) as project:
        assert project.read_only
        with pytest.raises(ProjectError, match="read-only"):
            project.coder("new coder")
    assert _digest(study) == before


def test_damaged_project_is_refused_and_left_as_it_is(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = bytearray(study.read_bytes())
    page = 4096
    data[3 * page : 5 * page] = bytes(range(256)) * (2 * page // 256)  # garbage in two pages
    study.write_bytes(bytes(data))
    before = _digest(study)
    for argv in (
        ["export", str(study), "-f", "csv-long", "-o", str(tmp_path / "x.csv")],
        ["import", str(study), str(make_clip(tmp_path / "new.mp4", seconds=0.3))],
    ):
        code, _, err = _run(argv, capsys)
        assert code == 1 and "is damaged" in err and "Traceback" not in err, err
    assert _digest(study) == before
    assert not (tmp_path / "x.csv").exists()

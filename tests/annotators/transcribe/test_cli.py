"""``storyframe transcribe`` and ``storyframe transcribe-file`` from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

import annotators.cli as cli
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Transcript
from annotators.transcribe import Engine
from annotators.transcribe import batch as batch_module
from tests.media_fixtures import make_clip


def storyframe(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    """Run the ``storyframe`` entry point; return (exit code, stdout, stderr)."""
    # only this module's commands: the test does not depend on the other command modules
    monkeypatch.setattr(
        cli, "_load_commands", lambda: __import__(f"{cli.__name__}.transcribe_cmds")
    )
    with pytest.raises(SystemExit) as exited:
        cli.main(args)
        raise SystemExit(0)
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def test_transcribe_file_writes_srt_and_json(
    tmp_path, short_speech_clip, capsys, monkeypatch
) -> None:
    srt = tmp_path / "speech.srt"
    code, _, err = storyframe(
        ["transcribe-file", str(short_speech_clip), "--format", "srt", "-o", str(srt)],
        capsys,
        monkeypatch,
    )
    assert code == 0 and "speech.srt" in err
    cues = srt.read_text(encoding="utf-8").strip().split("\n\n")
    assert len(cues) >= 1 and cues[0].startswith("1\n00:00:00,")
    assert "My name is Sarah" in cues[0]

    code, out, _ = storyframe(
        ["transcribe-file", str(short_speech_clip), "--format", "json"], capsys, monkeypatch
    )
    payload = json.loads(out)
    assert payload["meta"]["engine"] == "faster-whisper" and payload["meta"]["status"] == "ok"
    assert payload["segments"][0]["words"][0]["text"] == "My"


def test_transcribe_file_without_audio_is_one_clear_line(tmp_path, capsys, monkeypatch) -> None:
    clip = make_clip(tmp_path / "mute.mp4", seconds=1.0, audio=False)
    code, out, err = storyframe(["transcribe-file", str(clip)], capsys, monkeypatch)
    assert code == 1 and out == ""
    assert "mute.mp4" in err and "no audio track" in err and "Traceback" not in err


@pytest.fixture
def project_file(tmp_path: Path, short_speech_clip: Path) -> Path:
    """A project with two speech clips (different content) and one that breaks after import."""
    media = tmp_path / "clips"
    media.mkdir()
    shutil.copy(short_speech_clip, media / "a.mp4")
    shutil.copy(short_speech_clip, media / "b.mp4")
    with open(media / "b.mp4", "ab") as handle:
        handle.write(b"\x00")  # trailing byte: same speech, different content hash
    make_clip(media / "c_broken.mp4", seconds=1.0, audio=True)
    with Project.create(tmp_path / "study.storyframe") as project:
        run_job(project.import_media([media]))
    (media / "c_broken.mp4").write_bytes(b"\x00" * 1024)
    return tmp_path / "study.storyframe"


class InterruptAfter:
    """An engine that lets ``clips`` clips through, then acts as if Ctrl+C was pressed.

    It takes one clip at a time, so "the first clips" are the first in the batch's order.
    """

    workers = 1

    def __init__(self, engine: Engine, clips: int) -> None:
        self.engine, self.clips = engine, clips

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.engine, name)

    def transcribe(self, audio, settings, on_progress=None):  # noqa: ANN001, ANN201
        if self.clips == 0:
            raise KeyboardInterrupt
        self.clips -= 1
        return self.engine.transcribe(audio, settings, on_progress)


def use_engine(monkeypatch, engine) -> None:  # noqa: ANN001
    monkeypatch.setattr(batch_module, "load_engine", lambda *args, **kwargs: engine)


def test_transcribe_reports_bad_clip_and_exits_nonzero(
    project_file, faster_engine, capsys, monkeypatch
) -> None:
    use_engine(monkeypatch, faster_engine)
    code, out, err = storyframe(["transcribe", str(project_file)], capsys, monkeypatch)
    assert code == 3  # done, something failed: scripts can tell
    assert "Transcribed 2 clips" in out and "1 failed" in out and "c_broken.mp4" in out
    assert "Traceback" not in err


def test_ctrl_c_keeps_finished_clips_and_rerun_resumes(
    project_file, faster_engine, capsys, monkeypatch
) -> None:
    use_engine(monkeypatch, InterruptAfter(faster_engine, clips=1))
    code, _, err = storyframe(["transcribe", str(project_file)], capsys, monkeypatch)
    assert code == 130 and "run the same command again" in err
    with Project.open(project_file) as project, project.session() as session:
        assert len(session.exec(select(Transcript)).all()) == 1

    use_engine(monkeypatch, faster_engine)
    code, out, _ = storyframe(
        ["transcribe", str(project_file), "--videos", "1,2"], capsys, monkeypatch
    )
    assert code == 0 and "Transcribed 1 clips" in out and "1 already had a transcript" in out

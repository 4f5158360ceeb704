"""The app's transcription queue on a server project: Clip ▸ Transcribe on workers queues
the clips and opens the queue window, which a real worker's progress and a clip's failure
reach (read on a worker thread); a single-file project says it needs a server."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from annotators.jobs import run_job
from annotators.project import Project
from annotators.queue import QueueSettings, run_worker
from annotators.transcribe import load_engine
from annotators.transcribe.models import bundled_model_path
from desktop.queue.actions import NEEDS_SERVER, QueueDialog

SPEECH_CLIP = Path(__file__).resolve().parent.parent / "data" / "speech.mp4"


@pytest.fixture
def team_file(tmp_path: Path, server_database: str) -> Path:
    """A server project with a spoken clip and one whose file went bad after import."""
    media = tmp_path / "media"
    media.mkdir()
    shutil.copy(SPEECH_CLIP, media / "a_speech.mp4")
    shutil.copy(SPEECH_CLIP, media / "b_broken.mp4")
    with open(media / "b_broken.mp4", "ab") as tail:
        tail.write(b"different content")  # not a duplicate of the first
    path = tmp_path / "team.storyframe"
    with Project.create(path, database=server_database) as project:
        run_job(project.import_media([media]))
    (media / "b_broken.mp4").write_bytes(b"\x00" * 4096)
    return path


def _dialog(window) -> QueueDialog | None:  # type: ignore[no-untyped-def]
    shown = [d for d in window.findChildren(QueueDialog) if d.isVisible()]
    return shown[0] if shown else None


@pytest.mark.postgresql
def test_transcribe_on_workers_shows_the_queue_and_its_failures(  # type: ignore[no-untyped-def]
    qtbot, settings, team_file: Path
) -> None:
    from desktop.app import make_application
    from desktop.main_window import MainWindow

    make_application([])
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(team_file)
    reads: list[str] = []
    refreshed: list[str] = []
    window.workspace.data_changed.connect(refreshed.append)

    window.actions_by_name["transcribe_workers"].trigger()

    qtbot.waitUntil(lambda: _dialog(window) is not None, timeout=10000)
    panel = _dialog(window).panel
    panel.poller.read.connect(lambda _status: reads.append(threading.current_thread().name))
    qtbot.waitUntil(lambda: panel._counts["waiting"].text() == "2", timeout=10000)

    # a real worker (in this process) takes both clips: one transcribes, one fails for good
    heard: list[object] = []

    def on_clip(event: object) -> None:
        heard.append(event)
        if len(heard) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # stop it like Ctrl+C

    with Project.open(team_file) as project:
        engine = load_engine("faster-whisper", bundled_model_path())
        run_worker(project, engine, on_clip, QueueSettings(retries=0, stalled_after_s=5))

    qtbot.waitUntil(lambda: panel._counts["failed"].text() == "1", timeout=10000)
    assert panel._counts["done"].text() == "1" and panel._counts["waiting"].text() == "0"
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 0).text() == "b_broken.mp4"
    assert panel.table.item(0, 4).text()  # the error the worker met
    assert reads and all(name == "MainThread" for name in reads)  # delivered on the UI thread
    assert "transcripts" in refreshed  # the views reload the transcript the worker stored
    _dialog(window).close()
    window.close()


def test_transcribe_on_workers_needs_a_server_project(window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    monkeypatch.setattr(window, "show_error", errors.append)

    window.actions_by_name["transcribe_workers"].trigger()
    window.actions_by_name["queue"].trigger()

    assert errors == [NEEDS_SERVER, NEEDS_SERVER]
    assert _dialog(window) is None

"""Clip ▸ Spoken language and the transcript panel's wrong-language warning."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotators.jobs import run_job
from annotators.transcribe import load_engine, transcribe_project
from annotators.transcribe.models import bundled_model_path
from tests.annotators.transcribe.languages import clip

from .conftest import import_and_wait


def spanish_clip(tmp_path: Path) -> Path:
    target = tmp_path / "historia.mp4"
    shutil.copy(clip("es"), target)
    return target


def test_a_coder_sets_the_clips_language_from_the_clip_menu(qtbot, window, tmp_path) -> None:
    import_and_wait(qtbot, window, [spanish_clip(tmp_path)])
    qtbot.waitUntil(lambda: window.workspace.clip is not None, timeout=10000)
    menu = window.language_menu
    menu.aboutToShow.emit()
    texts = [action.text() for action in menu.actions()]
    assert texts[0] == "Detect from the speech" and "Spanish (es)" in texts
    assert menu.actions()[0].isChecked()  # nothing set yet: detected
    next(a for a in menu.actions() if a.text() == "Spanish (es)").trigger()
    project, video_id = window.workspace.project, window.workspace.clip.id
    qtbot.waitUntil(lambda: project.video(video_id).language == "es", timeout=5000)
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.actions() if a.isChecked()] == ["Spanish (es)"]
    model = window.library.model  # the library shows the clip's language
    qtbot.waitUntil(lambda: model.data(model.index(0, 2)) == "– es", timeout=5000)


def test_english_only_transcript_of_other_speech_is_flagged(qtbot, window, tmp_path) -> None:
    import_and_wait(qtbot, window, [spanish_clip(tmp_path)])
    qtbot.waitUntil(lambda: window.workspace.clip is not None, timeout=10000)
    english_only = load_engine("faster-whisper", bundled_model_path())
    run_job(transcribe_project(window.workspace.project, english_only))
    window.workspace.data_changed.emit("transcripts")
    qtbot.waitUntil(lambda: "probably not English" in window.transcript.info.text(), timeout=5000)
    assert "Clip ▸ Spoken language" in window.transcript.info.text()


def test_a_translation_can_be_read_beside_the_transcript(qtbot, window, tmp_path) -> None:
    import_and_wait(qtbot, window, [spanish_clip(tmp_path)])
    qtbot.waitUntil(lambda: window.workspace.clip is not None, timeout=10000)
    project = window.workspace.project
    run_job(transcribe_project(project, load_engine("faster-whisper", "base"), language="es"))
    run_job(transcribe_project(project, load_engine("faster-whisper", "base"), translate=True))
    window.workspace.data_changed.emit("transcripts")
    panel = window.transcript
    qtbot.waitUntil(lambda: panel.translation.isVisibleTo(panel), timeout=5000)
    assert "Me llamo" in panel.text.toPlainText()  # coding stays on the Spanish transcript
    panel.translation.setChecked(True)
    qtbot.waitUntil(lambda: "English translation" in panel.info.text(), timeout=5000)
    assert "my brother" in panel.text.toPlainText().lower()

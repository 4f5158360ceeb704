"""Transcription in the background and the transcript panel, with the real bundled model."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from sqlmodel import select

from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Annotation, Transcript, Word, WordCorrection
from annotators.transcribe import transcribe_project

from .conftest import SPEECH_CLIP, import_and_wait

MAX_GAP_S = 0.100
HANDOFF_MAX_GAP_S = 0.250


def test_ui_keeps_answering_while_a_clip_is_transcribed(qtbot, window, speech_clip) -> None:
    import_and_wait(qtbot, window, [speech_clip])
    qtbot.waitUntil(lambda: window.playback.frame_count > 0, timeout=10000)
    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    window.actions_by_name["transcribe_clip"].trigger()
    assert window.job_bar.busy and window.job_bar.isVisible()
    reports: list[float] = []  # when the child process reported progress: the job is running
    window.job_bar.runner.progress.connect(lambda *_: reports.append(time.perf_counter()))
    qtbot.waitUntil(lambda: not window.job_bar.busy, timeout=120000)
    timer.stop()
    assert reports, "the job never reported progress"
    # The hand-off (starting the child process, showing the job bar) measured 40-105 ms on a
    # loaded 2-core machine and is held to a looser bound; the 100 ms applies while the
    # clip is being transcribed.
    running = [t for t in ticks if t >= reports[0]]
    start_gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False) if b <= reports[0]]
    gaps = [b - a for a, b in zip(running, running[1:], strict=False)]
    assert len(running) > 50, "the job finished too fast to measure anything"
    assert max(gaps) <= MAX_GAP_S, f"event loop blocked for {max(gaps) * 1000:.0f} ms"
    assert max(start_gaps, default=0) <= HANDOFF_MAX_GAP_S
    with window.workspace.project.session() as session:
        transcript = session.exec(select(Transcript)).one()
    assert transcript.status == "ok" and "donate" in transcript.text.lower()
    qtbot.waitUntil(lambda: "Sarah" in window.transcript.document().toPlainText(), timeout=5000)
    # the library re-reads in the background (the live view may have shown the text first)
    qtbot.waitUntil(lambda: window.library.model.rows[0].transcript == "ok", timeout=5000)


def test_cancel_stops_a_transcription_and_keeps_the_app_usable(qtbot, window, speech_clip) -> None:
    import_and_wait(qtbot, window, [speech_clip])
    window.actions_by_name["transcribe_all"].trigger()
    window.job_bar.cancel()
    qtbot.waitUntil(lambda: not window.job_bar.busy, timeout=60000)
    assert not window.job_bar.isVisible()
    window.playback.step(3)
    qtbot.waitUntil(lambda: window.player.view.frame_index == 3, timeout=5000)


@pytest.fixture(scope="module")
def transcribed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project holding the speech clip and its real transcript (made once)."""
    folder = tmp_path_factory.mktemp("transcribed")
    shutil.copy(SPEECH_CLIP, folder / "speech.mp4")
    with Project.create(folder / "template.storyframe") as project:
        run_job(project.import_media([folder / "speech.mp4"]))
        run_job(transcribe_project(project))
    return folder / "template.storyframe"


@pytest.fixture
def speech_window(qtbot, settings, transcribed: Path):  # type: ignore[no-untyped-def]
    from desktop.main_window import MainWindow

    copy = transcribed.with_name(f"case-{time.monotonic_ns()}.storyframe")
    shutil.copy(transcribed, copy)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(copy)
    qtbot.waitUntil(lambda: window.playback.frame_count > 0, timeout=10000)
    yield window
    window.close()


def words(window) -> list[Word]:  # type: ignore[no-untyped-def]
    return window.transcript.text.words


def test_clicking_a_word_seeks_and_playback_highlights_the_spoken_word(
    qtbot, speech_window
) -> None:
    window = speech_window
    panel = window.transcript
    qtbot.waitUntil(lambda: len(words(window)) > 20, timeout=5000)
    target = next(i for i, w in enumerate(words(window)) if "cancer" in w.text.lower())
    point = panel.text.cursorRect(_cursor_at(panel, target)).center()
    qtbot.mouseClick(panel.text.viewport(), Qt.MouseButton.LeftButton, pos=point)
    expected = window.playback.frame_at(words(window)[target].start_s)
    qtbot.waitUntil(lambda: window.playback.current == expected, timeout=5000)
    assert panel.current == target
    selections = panel.text.extraSelections()
    assert any(s.cursor.selectedText().strip().lower().startswith("cancer") for s in selections)


def _cursor_at(panel, index):  # type: ignore[no-untyped-def]
    cursor = panel.text.textCursor()
    cursor.setPosition(panel.text.spans[index][0] + 1)
    return cursor


def test_correct_a_word_search_and_code_selected_words(qtbot, speech_window) -> None:
    window = speech_window
    panel = window.transcript
    qtbot.waitUntil(lambda: len(words(window)) > 20, timeout=5000)
    name = next(w for w in words(window) if "sarah" in w.text.lower())
    window.coding.correct_word(name.id, "Sara")
    qtbot.waitUntil(lambda: "Sara " in panel.document().toPlainText(), timeout=5000)
    with window.workspace.project.session() as session:
        correction = session.exec(select(WordCorrection)).one()
        machine = session.get(Word, name.id)
    assert correction.text == "Sara" and machine.text == name.text  # machine word kept
    assert "Correct" in window.actions_by_name["undo"].text()
    panel.search.setText("donate")
    assert len(panel.matches) == 1
    # select "donate and share" and code it as an interval over those words
    first = panel.matches[0]
    cursor = panel.text.textCursor()
    cursor.setPosition(panel.text.spans[first][0])
    cursor.setPosition(panel.text.spans[first + 2][1], cursor.MoveMode.KeepAnchor)
    panel.text.setTextCursor(cursor)
    assert panel.text.selected_words() == [first, first + 1, first + 2]
    donate = next(c for c in window.coding.codes.values() if c.key == "cta_donate")
    spoken = words(window)
    window.coding.create_span(donate, spoken[first].start_s, spoken[first + 2].end_s)
    with window.workspace.project.session() as session:
        qtbot.waitUntil(lambda: session.exec(select(Annotation)).first() is not None, timeout=5000)
    with window.workspace.project.session() as session:
        row = session.exec(select(Annotation)).one()
    assert row.start_frame == window.playback.frame_at(spoken[first].start_s)
    assert row.end_frame == window.playback.frame_at(spoken[first + 2].end_s)


def test_export_all_transcripts_writes_corrected_text(qtbot, speech_window, tmp_path) -> None:
    from desktop.exporting import export_all_transcripts_to

    window = speech_window
    qtbot.waitUntil(lambda: len(words(window)) > 20, timeout=5000)
    name = next(w for w in words(window) if "sarah" in w.text.lower())
    window.coding.correct_word(name.id, "Sara")
    qtbot.waitUntil(lambda: "Sara " in window.transcript.document().toPlainText(), timeout=5000)
    folder = tmp_path / "subtitles"
    export_all_transcripts_to(window, folder, "vtt")
    qtbot.waitUntil(lambda: (folder / "speech.vtt").exists(), timeout=10000)
    text = (folder / "speech.vtt").read_text(encoding="utf-8")
    assert text.startswith("WEBVTT") and "Sara" in text and "Sarah" not in text
    qtbot.waitUntil(
        lambda: "Saved 1 transcript to" in window.statusBar().currentMessage(), timeout=5000
    )

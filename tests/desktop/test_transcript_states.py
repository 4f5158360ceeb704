"""What the transcript panel says: no audio track, progress while this clip transcribes, and a
visible, adjustable low-confidence threshold (issue 11, defects 5 and 8)."""

from __future__ import annotations

from sqlmodel import select

from annotators.jobs import run_job
from annotators.store.models import Word
from annotators.transcribe import transcribe_project

from .conftest import import_and_wait


def test_a_clip_without_audio_says_so_and_is_not_sent_to_whisper(qtbot, loaded) -> None:
    window = loaded
    silent = next(c for c in window.library.visible_clips() if not c.has_audio)
    window.workspace.set_clip(silent)
    qtbot.waitUntil(lambda: window.playback.frame_count == silent.frame_count, timeout=5000)
    assert "no audio track" in window.transcript.info.text()
    assert not window.transcript.transcribe_button.isVisible()
    window.actions_by_name["transcribe_clip"].trigger()
    assert not window.job_bar.busy
    assert "has no audio track" in window.statusBar().currentMessage()
    assert "done" not in window.statusBar().currentMessage()


def test_transcribing_this_clip_shows_progress_then_the_words(qtbot, window, speech_clip) -> None:
    import_and_wait(qtbot, window, [speech_clip])
    qtbot.waitUntil(lambda: window.playback.frame_count > 0, timeout=10000)
    panel = window.transcript
    window.actions_by_name["transcribe_clip"].trigger()
    assert panel.progress.isVisible()
    assert "Transcribing this clip (15 s of audio)" in panel.info.text()
    qtbot.waitUntil(lambda: " 1 s" in panel.info.text() or not window.job_bar.busy)
    qtbot.waitUntil(lambda: not window.job_bar.busy, timeout=120000)
    assert not panel.progress.isVisible()
    qtbot.waitUntil(lambda: "words" in panel.info.text(), timeout=5000)
    # the second run knows this project's speed: the bar fills towards an estimate
    window.actions_by_name["transcribe_clip"].trigger()
    assert panel.progress.maximum() == 100 and "of about" in panel.info.text()
    qtbot.waitUntil(lambda: panel.progress.value() > 0 or not window.job_bar.busy, timeout=60000)
    qtbot.waitUntil(lambda: not window.job_bar.busy, timeout=120000)
    assert not panel.progress.isVisible()


def test_the_threshold_is_shown_and_changes_what_is_marked(qtbot, window, speech_clip) -> None:
    project = window.workspace.project
    run_job(project.import_media([speech_clip]))
    run_job(transcribe_project(project))
    window.workspace.data_changed.emit("videos")
    window.workspace.set_clip(project.videos()[0])
    qtbot.waitUntil(lambda: "words" in window.transcript.info.text(), timeout=10000)
    with project.session() as session:
        probabilities = [w.probability for w in session.exec(select(Word))]
    panel = window.transcript
    for threshold in (0.85, 0.5, 0.95):
        panel.threshold.setValue(threshold)
        low = sum(1 for p in probabilities if p is not None and p < threshold)
        assert f"{low} word{'s' * (low != 1)} below {threshold:.2f}" in panel.info.text()
        assert window.settings.get("low_confidence") == threshold
    assert sum(1 for p in probabilities if p < 0.95) > sum(1 for p in probabilities if p < 0.5)

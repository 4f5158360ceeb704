"""Reviewing the offline assistants' findings in the app (issue 13): shot cuts as marks and
snap points, on-screen text on the timeline and in the search, suggested annotations as
hollow bars with keys to step through, accept and reject them, only the coder's own.

The analyses' rows are written directly (as the core's analysis stores them) on a real
small clip, so these tests do not depend on running OCR.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from sqlmodel import select

from annotators.store.models import (
    Analysis,
    Annotation,
    Code,
    Coder,
    OnscreenText,
    ShotCut,
    Suggestion,
)

from .helpers import press, settled

Key = Qt.Key
Alt = Qt.KeyboardModifier.AltModifier
CUTS = (12, 30)


def seed(window) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Cuts, on-screen texts and suggestions on the clip on screen; returns the suggestions'
    annotation uids by name (``donate``, ``share`` for Ana; ``other`` for coder Bo)."""
    ws, pb = window.workspace, window.playback
    video_id, t = ws.clip.id, pb.time_of
    with ws.project.session() as session:
        shots = Analysis(
            video_id=video_id, step="shots", engine="pyscenedetect", engine_version="0"
        )
        ocr = Analysis(video_id=video_id, step="ocr", engine="rapidocr", engine_version="0")
        bo = Coder(name="Bo")
        session.add_all([shots, ocr, bo])
        session.flush()
        for frame in CUTS:
            session.add(
                ShotCut(analysis_id=shots.id, video_id=video_id, frame=frame, time_s=t(frame))
            )
        for text, start, end in (("#SaveTheBees", 5, 20), ("link in bio", 25, 40)):
            session.add(OnscreenText(analysis_id=ocr.id, video_id=video_id, start_frame=start,
                                     end_frame=end, start_s=t(start), end_s=t(end), text=text,
                                     confidence=0.95, box=[10, 10, 100, 40]))  # fmt: skip
        codes = {c.key: c for c in session.exec(select(Code))}
        uids = {}
        for name, key, frame, coder_id, origin, said in (
            ("donate", "cta_donate", 8, ws.coder.id, "speech", "donate"),
            ("share", "cta_share", 30, ws.coder.id, "screen", "share this"),
            ("other", "cta_donate", 15, bo.id, "speech", "donate"),
        ):
            row = Annotation(video_id=video_id, code_id=codes[key].id, coder_id=coder_id,
                             start_frame=frame, start_s=t(frame), source="suggested")  # fmt: skip
            session.add(row)
            session.flush()
            session.add(Suggestion(annotation_uid=row.uid, video_id=video_id, code_id=row.code_id,
                                   coder_id=coder_id, rule=name, origin=origin, matched_text=said,
                                   anchor=f"{origin}:{name}:{frame}"))  # fmt: skip
            uids[name] = row.uid
        session.commit()
    ws.data_changed.emit("analysis")
    return uids


def hollow(window) -> list:  # type: ignore[no-untyped-def]
    return [bar for bar in window.timeline.timeline.bars if bar.hollow]


def row_of(window, uid: str) -> tuple[Annotation, Suggestion]:  # type: ignore[no-untyped-def]
    with window.workspace.project.session() as session:
        annotation = session.exec(select(Annotation).where(Annotation.uid == uid)).one()
        suggestion = session.exec(select(Suggestion).where(Suggestion.annotation_uid == uid)).one()
        return annotation, suggestion


def test_pending_suggestions_are_hollow_bars_of_my_own_only(qtbot, loaded) -> None:
    window = loaded
    seed(window)
    qtbot.waitUntil(lambda: len(hollow(window)) == 2, timeout=5000)
    assert sorted(bar.start_frame for bar in hollow(window)) == [8, 30]  # not Bo's at 15
    assert all(not bar.hollow for bar in window.timeline.timeline.bars if bar not in hollow(window))
    assert len(window.timeline.timeline.bars) == 2  # suggestions are not also solid bars


def test_next_suggestion_seeks_selects_and_says_why(qtbot, loaded) -> None:
    window = loaded
    seed(window)
    qtbot.waitUntil(lambda: len(hollow(window)) == 2, timeout=5000)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    press(qtbot, window, Key.Key_PageDown, Alt)
    qtbot.waitUntil(settled(window, 8), timeout=5000)
    first = next(bar for bar in hollow(window) if bar.start_frame == 8)
    assert window.workspace.selection == first.annotation_id
    assert window.timeline.timeline.selection == first.annotation_id
    assert "suggestion 1 of 2: 'donate' heard at 00:00.3 (rule donate)" in messages[-1]
    press(qtbot, window, Key.Key_PageDown, Alt)
    qtbot.waitUntil(settled(window, 30), timeout=5000)
    assert "suggestion 2 of 2: 'share this' seen on screen" in messages[-1]
    press(qtbot, window, Key.Key_PageDown, Alt)  # wraps round
    qtbot.waitUntil(settled(window, 8), timeout=5000)


def test_accept_makes_it_my_annotation_and_reject_hides_it(qtbot, loaded) -> None:
    window = loaded
    uids = seed(window)
    qtbot.waitUntil(lambda: len(hollow(window)) == 2, timeout=5000)
    press(qtbot, window, Key.Key_PageDown, Alt)
    qtbot.waitUntil(settled(window, 8), timeout=5000)
    press(qtbot, window, Key.Key_Return, Alt)
    qtbot.waitUntil(lambda: len(hollow(window)) == 1, timeout=10000)
    annotation, suggestion = row_of(window, uids["donate"])
    assert annotation.source == "manual" and suggestion.status == "accepted"
    solid = [bar for bar in window.timeline.timeline.bars if not bar.hollow]
    assert [(bar.start_frame, bar.annotation_id) for bar in solid] == [(8, annotation.id)]
    # the next one is current: reject it
    qtbot.waitUntil(settled(window, 30), timeout=5000)
    press(qtbot, window, Key.Key_Delete, Alt)
    qtbot.waitUntil(lambda: not hollow(window), timeout=10000)
    annotation, suggestion = row_of(window, uids["share"])
    assert suggestion.status == "rejected" and annotation.source == "suggested"
    assert [bar.start_frame for bar in window.timeline.timeline.bars] == [8]  # not drawn
    assert row_of(window, uids["other"])[1].status == "pending"  # Bo's is Bo's to decide


def test_delete_on_a_selected_suggestion_rejects_it(qtbot, loaded) -> None:
    window = loaded
    uids = seed(window)
    qtbot.waitUntil(lambda: len(hollow(window)) == 2, timeout=5000)
    press(qtbot, window, Key.Key_PageDown, Alt)
    qtbot.waitUntil(settled(window, 8), timeout=5000)
    press(qtbot, window, Key.Key_Delete)
    qtbot.waitUntil(lambda: len(hollow(window)) == 1, timeout=10000)
    annotation, suggestion = row_of(window, uids["donate"])  # kept, with its origin
    assert suggestion.status == "rejected" and annotation.source == "suggested"


def test_cut_marks_next_cut_key_and_edges_snap_to_a_cut(qtbot, loaded) -> None:
    window = loaded
    seed(window)
    timeline = window.timeline.timeline
    qtbot.waitUntil(lambda: list(timeline.cuts) == list(CUTS), timeout=5000)
    press(qtbot, window, Key.Key_Down, Alt)
    qtbot.waitUntil(settled(window, 12), timeout=5000)
    press(qtbot, window, Key.Key_Down, Alt)
    qtbot.waitUntil(settled(window, 30), timeout=5000)
    press(qtbot, window, Key.Key_Up, Alt)
    qtbot.waitUntil(settled(window, 12), timeout=5000)
    # an interval from 2 to 20; its start edge dropped just before the cut at 12 lands on it
    for frame in (2, 20):
        window.playback.seek(frame)
        qtbot.waitUntil(settled(window, frame), timeout=5000)
        press(qtbot, window, Key.Key_3)
    qtbot.waitUntil(lambda: any(not b.hollow and b.end_frame for b in timeline.bars), timeout=5000)
    bar = next(b for b in timeline.bars if not b.hollow and b.end_frame)
    qtbot.waitUntil(lambda: timeline.selection == bar.annotation_id, timeout=5000)
    rect = timeline.bar_rect(bar)
    y = int(rect.center().y())
    target = int(timeline.x_of_frame(12)) - 3
    assert timeline.frame_at_x(target) == 11  # without snapping it would start at 11
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(timeline, left, pos=QPoint(int(rect.left()), y))
    qtbot.mouseMove(timeline, pos=QPoint(target, y))
    qtbot.mouseRelease(timeline, left, pos=QPoint(target, y))

    def span() -> tuple[int, int | None]:
        with window.workspace.project.session() as session:
            row = session.get(Annotation, bar.annotation_id)
            return row.start_frame, row.end_frame

    qtbot.waitUntil(lambda: span() == (12, 20), timeout=5000)


def test_onscreen_text_is_on_the_timeline_and_found_by_the_search(qtbot, loaded) -> None:
    window = loaded
    seed(window)
    strip, listing = window.onscreen_strip, window.onscreen
    qtbot.waitUntil(lambda: len(strip.texts) == 2, timeout=5000)
    assert [t.text for t in strip.texts] == ["#SaveTheBees", "link in bio"]
    assert strip.text_rect(1).left() == window.timeline.timeline.x_of_frame(25)
    search = window.transcript.search
    search.setText("BIO")
    assert listing.list.count() == 1 and "link in bio" in listing.list.item(0).text()
    qtbot.mouseClick(
        listing.list.viewport(), Qt.MouseButton.LeftButton,
        pos=listing.list.visualItemRect(listing.list.item(0)).center(),
    )  # fmt: skip
    qtbot.waitUntil(settled(window, 25), timeout=5000)
    rect = strip.text_rect(0)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    qtbot.waitUntil(settled(window, 5), timeout=5000)
    search.setFocus()  # Enter in the search box: no transcript word matches, the text does
    search.setText("bio")
    qtbot.keyClick(search, Key.Key_Return)
    qtbot.waitUntil(settled(window, 25), timeout=5000)


def test_analyse_this_clip_runs_in_the_background_and_shows_what_it_found(
    qtbot, window, tmp_path
) -> None:
    """Clip ▸ Analyse this clip: the real job (PySceneDetect, RapidOCR, the codebook's rules)
    in a child process; its cut, on-screen text and suggestions appear when it is done."""
    from tests.analysis_fixtures import WHITE, YELLOW, Overlay, make_overlay_clip

    from .conftest import import_and_wait

    (tmp_path / "media").mkdir()
    clip = make_overlay_clip(
        tmp_path / "media" / "march.mp4",
        frames=90,
        overlays=[
            Overlay("#climatejustice", 5, 50, 30, 200, WHITE, 0.9),
            Overlay("link in bio", 40, 85, 40, 500, YELLOW, 0.9),
        ],
        cuts=[45],
    )
    import_and_wait(qtbot, window, [clip])
    qtbot.waitUntil(lambda: window.playback.frame_count == 90, timeout=10000)
    window.actions_by_name["analyse_clip"].trigger()
    assert window.job_bar.busy and window.job_bar.isVisible()  # progress and Cancel
    qtbot.waitUntil(lambda: not window.job_bar.busy, timeout=120000)
    qtbot.waitUntil(lambda: list(window.timeline.timeline.cuts) == [45], timeout=5000)
    texts = [t.text.lower() for t in window.onscreen_strip.texts]
    assert any("climatejustice" in t for t in texts) and any("bio" in t for t in texts), texts
    assert hollow(window), "the codebook's rules suggest the hashtag and 'link in bio'"
    with window.workspace.project.session() as session:
        coders = {s.coder_id for s in session.exec(select(Suggestion))}
    assert coders == {window.workspace.coder.id}  # made for me, the coder at the keyboard


def test_the_option_analyses_a_clip_once_it_is_transcribed(qtbot, loaded) -> None:
    window = loaded
    option = window.actions_by_name["analyse_after_transcription"]
    option.trigger()
    assert window.settings.get("analyse_after_transcription") is True
    window.job_bar.job_finished.emit("Transcribe clip", {})  # as a finished transcription does
    assert window.job_bar.busy and window.job_bar.runner.title == "Analyse clip"
    qtbot.waitUntil(lambda: not window.job_bar.busy, timeout=120000)
    with window.workspace.project.session() as session:
        steps = {
            a.step for a in session.exec(select(Analysis)) if a.video_id == window.workspace.clip.id
        }
    assert steps == {"ocr", "shots"}
    assert window.onscreen.title.text().startswith("On screen (")  # analysed, shown at once

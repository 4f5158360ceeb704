"""Study menu in the real app: the reliability report, the review view and adjudication.

The project is real (generated clips, two coders' work entered through the coding operations);
alpha comes from :mod:`annotators.reliability` and is checked against the ``krippendorff``
package (test-only); adjudication goes through :mod:`annotators.study.consensus`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from annotators.project import Project
from annotators.settings import Settings
from annotators.store.models import Annotation, ClipValue, Code, Coder, ConsensusRecord
from annotators.study import CONSENSUS_CODER
from desktop.review import open_reliability
from desktop.review.disagreements import Disagreement
from tests.desktop.helpers import shown_barcode
from tests.desktop.study_project import PRIMARY, StudyProject, build_study_project

krippendorff = pytest.importorskip("krippendorff")


@pytest.fixture
def study(tmp_path: Path) -> StudyProject:
    return build_study_project(tmp_path / "study")


@pytest.fixture
def lead(qtbot, study: StudyProject, tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    """The main window on the two coders' project, opened by the lead (Lee)."""
    from desktop.app import make_application
    from desktop.main_window import MainWindow

    settings = Settings(tmp_path / "settings.json")
    settings.set("coder_name", "Lee")
    make_application([])
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(study.path)
    yield win
    win.close()


def report_dialog(qtbot, window):  # type: ignore[no-untyped-def]
    dialog = open_reliability(window)
    qtbot.addWidget(dialog)
    return dialog


def table_row(dialog, key: str, method: str) -> list[str]:  # type: ignore[no-untyped-def]
    table = dialog.table
    for row in range(table.rowCount()):
        cells = [table.item(row, column).text() for column in range(table.columnCount())]
        if table.item(row, 0).data(Qt.ItemDataRole.UserRole) == key and cells[1] == method:
            return cells
    raise AssertionError(f"no row for {key} / {method}")


def test_dialog_shows_alpha_computed_from_two_coders(qtbot, lead) -> None:
    dialog = report_dialog(qtbot, lead)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    cells = table_row(dialog, "primary_cause", "clip")
    ana, ben = zip(*PRIMARY.values(), strict=True)
    categories = sorted(set(ana) | set(ben))
    data = np.array([[categories.index(v) for v in ana], [categories.index(v) for v in ben]])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert cells[3].startswith(f"{expected:.3f}")
    assert cells[4] == "4"  # four clips coded by both
    tone = table_row(dialog, "emotional_tone", "clip")
    assert tone[2] == "ordinal"
    # an undefined alpha reads "undefined" with its reason, never 0 or 1
    presence = table_row(dialog, "personal_testimony", "presence")
    assert presence[3].startswith("undefined: every pairable value is the same")
    # variables nobody coded start unchecked; checked, they are reported undefined too
    ticked = dialog.options()["codes"]
    assert {"primary_cause", "personal_testimony", "cta_donate"} <= set(ticked)
    assert "sponsored_disclosed" not in ticked and "cta_share" not in ticked
    codes = dialog.codes
    for row in range(codes.count()):
        if codes.item(row).data(Qt.ItemDataRole.UserRole) == "sponsored_disclosed":
            codes.item(row).setCheckState(Qt.CheckState.Checked)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    assert table_row(dialog, "sponsored_disclosed", "clip")[3].startswith("undefined: nobody")


def test_cancel_stops_the_report_and_shows_nothing(qtbot, lead) -> None:
    dialog = report_dialog(qtbot, lead)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    dialog.boot.setValue(100000)  # long enough to cancel
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.bar.busy, timeout=5000)
    assert dialog.bar.isVisible() and dialog.bar.cancel_button.isEnabled()
    assert dialog.table.rowCount() == 0 and not dialog.export_button.isEnabled()
    dialog.bar.cancel()
    qtbot.waitUntil(lambda: not dialog.bar.busy, timeout=20000)
    assert dialog.report is None and dialog.table.rowCount() == 0
    assert "Cancelled" in dialog.status.text()
    assert dialog.run_button.isEnabled()


def test_export_writes_the_report_beside_the_project(qtbot, lead, study) -> None:
    dialog = report_dialog(qtbot, lead)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    target = study.path.parent / "reliability.json"
    dialog.export_to(target)
    qtbot.waitUntil(lambda: target.exists() and not dialog.bar.busy, timeout=10000)
    keys = {row["code_key"] for row in json.loads(target.read_text())["results"]}
    assert "primary_cause" in keys


def open_review(qtbot, window, clip_name: str):  # type: ignore[no-untyped-def]
    """Switch to the review view on ``clip_name`` and wait for its disagreements."""
    window.actions_by_name["review"].setChecked(True)
    panel = window.review
    assert panel.isVisible() and not window.timeline.isVisible()
    clip = next(c for c in window.library.visible_clips() if c.file_name == clip_name)
    window.workspace.set_clip(clip)
    qtbot.waitUntil(lambda: window.playback.frame_count == clip.frame_count, timeout=10000)
    qtbot.waitUntil(lambda: bool(panel.disagreements), timeout=30000)
    return panel


def listed(panel) -> list[Disagreement]:  # type: ignore[no-untyped-def]
    items = [panel.disagreement_list.item(i) for i in range(panel.disagreement_list.count())]
    return [item.data(Qt.ItemDataRole.UserRole) for item in items]


def test_review_lists_disagreement_and_take_creates_consensus(qtbot, lead, study) -> None:
    panel = open_review(qtbot, lead, study.disputed_clip)
    keys = [d.code_key for d in listed(panel)]
    assert "primary_cause" in keys
    disputed = next(d for d in listed(panel) if d.code_key == "primary_cause")
    assert disputed.values == {"Ana": "Environment", "Ben": "Health"}
    assert panel.values.verticalHeaderItem(0).text() == "Primary cause"  # disputed first
    assert panel.values.item(0, 0).text() == "Environment"  # Ana's column
    assert panel.values.horizontalHeaderItem(2).text() == "Consensus"

    panel.values.setCurrentCell(0, 1)  # Ben's value
    panel.note.setText("caption names the hospital")
    lead.actions_by_name["take"].trigger()
    project = lead.workspace.project
    qtbot.waitUntil(lambda: consensus_value(project, "primary_cause") == "health", timeout=10000)
    with project.session() as session:
        ben = session.exec(select(Coder).where(Coder.name == "Ben")).one()
        lee = session.exec(select(Coder).where(Coder.name == "Lee")).one()
        target = consensus_row(session, "primary_cause")
        record = session.exec(
            select(ConsensusRecord).where(ConsensusRecord.target_uid == target.uid)
        ).one()
        assert (record.action, record.source_coder_id, record.reviewer_id) == (
            "taken",
            ben.id,
            lee.id,
        )
        assert record.note == "caption names the hospital"
        coder_values = session.exec(
            select(ClipValue).join(Coder).where(Coder.name != CONSENSUS_CODER)
        )
        assert {(v.value) for v in coder_values if v.code_id == target.code_id} == {
            "environment",
            "health",
            "poverty",
            "lgbtq",
        }  # the coders' own values untouched
    qtbot.waitUntil(lambda: panel.values.item(0, 2).text() == "Health", timeout=10000)
    assert "taken from Ben by Lee" in panel.provenance.item(0).text()
    # still listed (the coders still differ), after the open ones, marked with the decision
    texts = [panel.disagreement_list.item(i).text() for i in range(panel.disagreement_list.count())]
    settled = [text for text in texts if text.startswith("✓ Primary cause")]
    assert len(settled) == 1 and settled[0].endswith("consensus: Health")
    assert texts[-1] == settled[0]


def test_taking_an_annotation_shows_the_consensus_track(qtbot, lead, study) -> None:
    panel = open_review(qtbot, lead, study.disputed_clip)
    timeline = panel.timeline
    ana_bar = next(
        bar
        for bar in timeline.bars
        if timeline.rows[bar.code_id].coder.name == "Ana" and bar.end_frame is not None
    )
    qtbot.mouseClick(
        timeline, Qt.MouseButton.LeftButton, pos=timeline.bar_rect(ana_bar).center().toPoint()
    )
    assert panel.picked is not None and panel.picked.id == ana_bar.annotation_id
    panel.take()
    qtbot.waitUntil(lambda: any(row.consensus for row in timeline.rows), timeout=10000)
    consensus_rows = [n for n, row in enumerate(timeline.rows) if row.consensus]
    copied = [bar for bar in timeline.bars if bar.code_id in consensus_rows]
    assert [(b.start_frame, b.end_frame) for b in copied] == [
        (ana_bar.start_frame, ana_bar.end_frame)
    ]
    with lead.workspace.project.session() as session:
        original = session.get(Annotation, ana_bar.annotation_id)
        copy = session.get(Annotation, copied[0].annotation_id)
        assert original.coder_id != copy.coder_id  # a new row in the consensus layer
        assert session.get(Coder, copy.coder_id).name == CONSENSUS_CODER
        assert (original.start_frame, original.end_frame) == (
            ana_bar.start_frame,
            ana_bar.end_frame,
        )


def test_clicking_a_disagreement_seeks_the_player(qtbot, lead, study) -> None:
    panel = open_review(qtbot, lead, study.disputed_clip)
    timed = next(d for d in listed(panel) if isinstance(d, Disagreement) and d.frame)
    row = listed(panel).index(timed)
    item = panel.disagreement_list.item(row)
    seconds = lead.playback.time_of(timed.frame)
    assert f"at {seconds:.2f} s (frame {timed.frame})" in item.text()
    rect = panel.disagreement_list.visualItemRect(item)
    qtbot.mouseClick(
        panel.disagreement_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )
    qtbot.waitUntil(lambda: lead.player.view.frame_index == timed.frame, timeout=10000)
    assert lead.playback.current == timed.frame
    assert shown_barcode(lead) == timed.frame  # the picture really is that frame


def consensus_row(session, key: str) -> ClipValue | None:  # type: ignore[no-untyped-def]
    query = (
        select(ClipValue)
        .join(Coder, Coder.id == ClipValue.coder_id)
        .join(Code, Code.id == ClipValue.code_id)
        .where(Coder.name == CONSENSUS_CODER, Code.key == key)
    )
    return session.exec(query).first()


def consensus_value(project: Project, key: str) -> str | None:
    with project.session() as session:
        row = consensus_row(session, key)
        return None if row is None else row.value


def test_review_view_asks_first_in_blind_mode(qtbot, lead, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from annotators.study import set_blind_mode

    project = lead.workspace.project
    with project.session() as session:
        set_blind_mode(session, True)
        session.commit()
    asked: list[str] = []

    def decline(_parent, _title, text):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", decline)
    lead.actions_by_name["review"].setChecked(True)
    assert asked and "Blind mode is on" in asked[0]
    assert not lead.review.isVisible() and lead.timeline.isVisible()
    assert not lead.actions_by_name["review"].isChecked()


def answer_dialog(qtbot, fill) -> None:  # type: ignore[no-untyped-def]
    """Fill in and accept the next modal dialog, as the reviewer would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def respond() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, respond)
            return
        fill(dialog)
        dialog.accept()

    QTimer.singleShot(0, respond)


def test_reviewer_enters_a_value_and_an_annotation_nobody_coded(qtbot, lead, study) -> None:
    panel = open_review(qtbot, lead, study.disputed_clip)
    labels = [panel.values.verticalHeaderItem(r).text() for r in range(panel.values.rowCount())]
    panel.values.setCurrentCell(labels.index("Narrator perspective"), 2)  # consensus column
    assert panel.edit_button.isEnabled()

    def choose_third_person(dialog) -> None:  # type: ignore[no-untyped-def]
        combo = dialog.editor.widget
        combo.setCurrentIndex(combo.findData("third_person"))

    answer_dialog(qtbot, choose_third_person)
    panel.note.setText("she tells her brother's story")
    panel.edit()
    project = lead.workspace.project
    qtbot.waitUntil(
        lambda: consensus_value(project, "narrator_perspective") == "third_person", timeout=10000
    )

    lead.playback.seek(60)
    qtbot.waitUntil(lambda: lead.playback.current == 60, timeout=5000)

    def donate_here(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.code.setCurrentIndex(dialog.code.findText("Donate"))

    answer_dialog(qtbot, donate_here)
    panel.new_annotation()
    with project.session() as session:
        consensus = session.exec(select(Coder).where(Coder.name == CONSENSUS_CODER)).one()
    qtbot.waitUntil(lambda: any(b.start_frame == 60 for b in panel.timeline.bars), timeout=10000)
    with project.session() as session:
        rows = session.exec(select(Annotation).where(Annotation.coder_id == consensus.id)).all()
        assert [(r.start_frame, r.end_frame) for r in rows] == [(60, None)]
        actions = {r.action for r in session.exec(select(ConsensusRecord))}
        assert actions == {"new"}
    texts = [panel.provenance.item(i).text() for i in range(panel.provenance.count())]
    assert any(t.startswith("Donate @ frame 60: entered new by Lee") for t in texts)
    assert any("Narrator perspective: entered new by Lee" in t and "brother" in t for t in texts)


def test_closing_the_window_stops_a_running_report(qtbot, lead) -> None:
    dialog = report_dialog(qtbot, lead)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    dialog.boot.setValue(100000)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.bar.busy, timeout=5000)
    runner = dialog.bar.runner
    lead.close()  # cancels and waits before the project closes
    assert not runner.running


def test_code_keys_do_not_code_into_the_hidden_layer_in_review(qtbot, lead, study) -> None:
    from tests.desktop.helpers import press

    open_review(qtbot, lead, study.disputed_clip)
    project, lee = lead.workspace.project, lead.workspace.coder.id

    def lees_annotations() -> int:
        with project.session() as session:
            return len(session.exec(select(Annotation).where(Annotation.coder_id == lee)).all())

    press(qtbot, lead, Qt.Key.Key_D)  # Donate's key
    lead.workspace.ops.wait_idle()
    qtbot.wait(100)
    assert lees_annotations() == 0
    lead.actions_by_name["review"].setChecked(False)
    assert lead.timeline.isVisible() and not lead.review.isVisible()
    press(qtbot, lead, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: lees_annotations() == 1, timeout=5000)


def test_clips_with_most_disagreements_come_first(qtbot, lead, study) -> None:
    panel = open_review(qtbot, lead, study.disputed_clip)
    entries = [panel.clip_choice.itemText(i) for i in range(panel.clip_choice.count())]
    counts = [int(text.rsplit("(", 1)[1].rstrip(")")) for text in entries]
    assert counts == sorted(counts, reverse=True) and len(entries) == 4
    assert panel.clip_choice.currentText().startswith(study.disputed_clip)
    expected = {  # from the coding in tests/desktop/study_project.py
        "river_cleanup.mp4": {"primary_cause", "personal_testimony", "cta_donate"},
        "food_bank_duet.mp4": {"narrator_perspective", "emotional_tone", "personal_testimony"},
    }
    assert {d.code_key for d in panel.disagreements} == expected[study.disputed_clip]
    order = [panel.clip_choice.itemData(i) for i in range(panel.clip_choice.count())]
    following = order[(order.index(panel.review.video_id) + 1) % len(order)]
    panel.next_disputed_clip()
    qtbot.waitUntil(lambda: panel.review.video_id == following, timeout=10000)
    assert lead.workspace.clip.id == following
    assert all(d.video_id == following for d in panel.disagreements)


def test_editing_a_taken_annotation_marks_it_edited(qtbot, lead, study) -> None:
    panel = open_review(qtbot, lead, study.disputed_clip)
    timeline = panel.timeline
    ana = next(b for b in timeline.bars if timeline.rows[b.code_id].coder.name == "Ana"
               and b.end_frame is not None)  # fmt: skip
    panel.pick_annotation(ana.annotation_id)
    panel.take()

    def copy():  # type: ignore[no-untyped-def]
        return next((b for b in timeline.bars if timeline.rows[b.code_id].consensus), None)

    qtbot.waitUntil(lambda: copy() is not None, timeout=10000)
    panel.pick_annotation(copy().annotation_id)
    assert panel.edit_button.isEnabled() and not panel.take_button.isEnabled()
    answer_dialog(qtbot, lambda dialog: dialog.end.setValue(ana.end_frame + 4))
    panel.note.setText("testimony runs on to the pause")
    panel.edit()
    qtbot.waitUntil(lambda: copy().end_frame == ana.end_frame + 4, timeout=10000)
    with lead.workspace.project.session() as session:
        original = session.get(Annotation, ana.annotation_id)
        assert original.end_frame == ana.end_frame  # Ana's own row untouched
        record = session.exec(select(ConsensusRecord)).one()
        assert record.action == "edited" and record.note == "testimony runs on to the pause"


def test_opening_another_project_stops_the_study_jobs(qtbot, lead, tmp_path) -> None:
    dialog = report_dialog(qtbot, lead)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    dialog.boot.setValue(100000)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.bar.busy, timeout=5000)
    runner = dialog.bar.runner
    assert lead.open_project(tmp_path / "other.storyframe")
    assert not runner.running  # stopped before the study project closed
    import shiboken6

    # the dialog showed the other project's report: it closes (and is deleted)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=5000)


def test_export_dialog_starts_beside_the_project_and_writes_html(
    qtbot, lead, study, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    dialog = report_dialog(qtbot, lead)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30000)
    asked: list[str] = []
    target = study.path.parent / "supplement" / "alpha.html"
    target.parent.mkdir()

    def save_as(_parent, _title, start, _filters):  # type: ignore[no-untyped-def]
        asked.append(start)
        return str(target), "HTML report (*.html)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    dialog.export_button.click()
    assert Path(asked[0]).parent == study.path.parent  # beside the project file
    qtbot.waitUntil(lambda: target.exists() and not dialog.bar.busy, timeout=20000)
    html = target.read_text(encoding="utf-8")
    assert "<html" in html.lower() and "primary_cause" in html
    assert str(target) in dialog.status.text()

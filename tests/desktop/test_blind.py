"""Blind mode in the app: no coding screen shows another coder's work; my clips and done marks;
pack and merge from the Project menu."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog
from sqlmodel import select

from annotators.coding import Coding
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Annotation, Assignment, Code
from annotators.study import assign, draw_sample, my_clips
from desktop import queries

from .helpers import press

Key = Qt.Key


def _code(project: Project, key: str) -> Code:
    with project.session() as session:
        return session.exec(select(Code).where(Code.key == key)).one()


@pytest.fixture
def study(tmp_path: Path, clip_dir: Path) -> dict:
    """A project where Ana and Ben both coded every clip of a reliability sample."""
    path = tmp_path / "study.storyframe"
    with Project.create(path) as project:
        run_job(project.import_media([clip_dir]))
        draw_sample(project, fraction=0.5, coders=["Ana", "Ben"], seed=2)  # 2 of 3 clips
        coding = Coding.for_project(project)
        donate, share = _code(project, "cta_donate"), _code(project, "cta_share")
        tone = _code(project, "emotional_tone")
        ids: dict[str, list[int]] = {"Ana": [], "Ben": []}
        for clip in my_clips(project, "Ana"):
            for name, frame, value in (("Ana", 3, "4"), ("Ben", 9, "1")):
                coder = project.coder(name).id
                ids[name].append(coding.add_annotation(clip.video.id, donate.id, coder, frame).id)
                coding.set_clip_value(clip.video.id, tone.id, coder, value)
            ben = project.coder("Ben").id
            ids["Ben"].append(coding.add_annotation(clip.video.id, share.id, ben, 12).id)
        sample = [clip.video.id for clip in my_clips(project, "Ana")]
    return {"path": path, "ids": ids, "sample": sample, "tone": tone.id}


@pytest.fixture
def ana_window(qtbot, settings, study: dict) -> Iterator:  # type: ignore[no-untyped-def]
    from desktop.app import make_application
    from desktop.main_window import MainWindow

    make_application([])
    win = MainWindow(settings)  # the settings' coder is Ana
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(study["path"])
    yield win
    win.close()


def _show(qtbot, window, video_id: int) -> None:  # type: ignore[no-untyped-def]
    video = next(v for v in window.workspace.project.videos() if v.id == video_id)
    window.workspace.set_clip(video)
    qtbot.waitUntil(lambda: window.playback.frame_count > 0, timeout=10000)


def test_no_coding_panel_shows_another_coders_work_in_blind_mode(qtbot, ana_window, study):  # type: ignore[no-untyped-def]
    window, ws = ana_window, ana_window.workspace
    ben = ws.project.coder("Ben").id
    assert queries.blind(ws.project)
    assert window.actions_by_name["blind"].isChecked()
    for video_id in study["sample"]:
        _show(qtbot, window, video_id)
        qtbot.waitUntil(lambda: len(window.timeline.timeline.bars) == 1, timeout=5000)
        bar_ids = {bar.annotation_id for bar in window.timeline.timeline.bars}
        assert bar_ids <= set(study["ids"]["Ana"])  # timeline: mine only
        assert window.clip_vars.values == {study["tone"]: "4"}  # clip variables: mine only
        qtbot.waitUntil(lambda v=video_id: window.library.model.mine(v) is not None, timeout=5000)
        assert window.library.model.mine(video_id) == 1  # library count: mine only (Ben has 2)
        for ben_id in study["ids"]["Ben"]:  # the inspector refuses Ben's annotation
            ws.select(ben_id)
            assert window.inspector.row is None
        # whatever a view asks for, Ben's layer comes back empty for Ana
        assert queries.clip_annotations(ws.project, video_id, ben, viewer_id=ws.coder.id) == []
        assert queries.clip_values(ws.project, video_id, ben, viewer_id=ws.coder.id) == {}
        assert queries.annotation_counts(ws.project, ben, viewer_id=ws.coder.id) == {}

    table = window.annotations  # the annotation table, whole project: my rows only
    table.whole_project.setChecked(True)
    qtbot.waitUntil(lambda: table.idle and table.model.total == 2, timeout=5000)
    shown = {table.model.row_at(r).id for r in range(table.model.total)}
    assert shown == set(study["ids"]["Ana"])

    window.actions_by_name["blind"].trigger()  # the lead switches blind mode off
    qtbot.waitUntil(lambda: not queries.blind(ws.project), timeout=5000)
    video_id = study["sample"][0]
    assert len(queries.clip_annotations(ws.project, video_id, ben, viewer_id=ws.coder.id)) == 2
    ws.select(study["ids"]["Ben"][0])
    assert window.inspector.row is not None
    qtbot.waitUntil(lambda: table.idle and table.model.total == 6, timeout=5000)  # everyone's


def test_my_clips_and_mark_done_with_the_key(qtbot, ana_window, study):  # type: ignore[no-untyped-def]
    window, ws = ana_window, ana_window.workspace
    qtbot.waitUntil(lambda: len(window.library.visible_clips()) == 3, timeout=5000)
    window.library.only_mine.setChecked(True)
    assert sorted(v.id for v in window.library.visible_clips()) == sorted(study["sample"])
    _show(qtbot, window, study["sample"][0])
    assert window.library.done_state(ws.clip) is False
    press(
        qtbot,
        window,
        Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.library.done_state(ws.clip) is True, timeout=5000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().endswith(": marked done"))
    assert window.statusBar().currentMessage() == f"{ws.clip.file_name}: marked done"
    index = window.library.model.index(window.library.model.position(ws.clip.id), 4)
    assert window.library.model.data(index) == "✓"
    with ws.project.session() as session:
        done = session.exec(select(Assignment).where(Assignment.submitted_at.is_not(None))).all()
        assert [(a.video_id, a.coder_id) for a in done] == [(ws.clip.id, ws.coder.id)]
    window.actions_by_name["done"].trigger()  # again: reopen
    qtbot.waitUntil(lambda: window.library.done_state(ws.clip) is False, timeout=5000)

    window.library.only_mine.setChecked(False)
    other = next(v for v in ws.project.videos() if v.id not in study["sample"])
    _show(qtbot, window, other.id)
    errors: list[str] = []
    ws.error.connect(errors.append)
    window.show_error = errors.append  # no modal dialog in the test
    window.actions_by_name["done"].trigger()  # not assigned to Ana: refused with a message
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "is not assigned to Ana" in errors[0]


def test_pack_and_merge_from_the_project_menu(qtbot, ana_window, study, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    window, ws = ana_window, ana_window.workspace
    target = tmp_path / "out" / "Ben.storyframe"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Ben", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions_by_name["pack"].trigger()
    qtbot.waitUntil(lambda: target.exists() and not window.job_bar.busy, timeout=15000)
    with Project.open(target) as coder_file:
        with coder_file.session() as session:
            rows = session.exec(select(Annotation)).all()
        assert sorted(a.id for a in rows) == sorted(study["ids"]["Ben"])
        clip = my_clips(coder_file, "Ben")[0].video
        coding = Coding.for_project(coder_file)
        coding.add_annotation(
            clip.id, _code(coder_file, "cta_sign_petition").id, coder_file.coder("Ben").id, 7
        )
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(target)], ""))
    window.actions_by_name["merge"].trigger()
    sign = _code(ws.project, "cta_sign_petition").id
    ben = ws.project.coder("Ben").id

    def merged() -> bool:
        with ws.project.session() as session:
            query = select(Annotation).where(Annotation.code_id == sign, Annotation.coder_id == ben)
            return session.exec(query).first() is not None

    qtbot.waitUntil(merged, timeout=10000)


def test_a_project_without_assignments_shows_no_done_column(qtbot, loaded) -> None:  # type: ignore[no-untyped-def]
    library = loaded.library
    assert library.table.isColumnHidden(4) and not library.only_mine.isVisible()
    assert not loaded.actions_by_name["blind"].isChecked()
    assign(loaded.workspace.project, "Ana", [loaded.workspace.clip.id])
    loaded.workspace.data_changed.emit("assignments")
    qtbot.waitUntil(lambda: not library.table.isColumnHidden(4), timeout=5000)
    assert library.only_mine.isVisible()
    assert library.done_state(loaded.workspace.clip) is False


def test_a_coder_file_is_coded_as_the_coder_it_was_packed_for(qtbot, settings, study, tmp_path):  # type: ignore[no-untyped-def]
    from annotators.study import pack
    from desktop.app import make_application
    from desktop.main_window import MainWindow

    with Project.open(study["path"]) as project:
        ben_file = pack(project, "Ben", tmp_path / "Ben.storyframe").path
    make_application([])
    window = MainWindow(settings)  # the settings' coder is Ana
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.open_project(ben_file)
        assert window.workspace.coder.name == "Ben"
        qtbot.waitUntil(lambda: window.library.only_mine.isVisible(), timeout=5000)
        window.library.only_mine.setChecked(True)
        assert sorted(v.id for v in window.library.visible_clips()) == sorted(study["sample"])
        assert "Ben's coder file" in window.statusBar().currentMessage()
    finally:
        window.close()


def test_an_export_from_the_app_holds_only_my_work_in_blind_mode(qtbot, ana_window, tmp_path):  # type: ignore[no-untyped-def]
    import csv

    from desktop import exporting

    out = tmp_path / "mine.csv"
    exporting.export_table_to(ana_window, "csv-long", out)
    qtbot.waitUntil(lambda: out.exists() and not ana_window.export_bar.busy, timeout=15000)
    with open(out, newline="", encoding="utf-8") as handle:
        coders = {row["coder"] for row in csv.DictReader(handle)}
    assert coders == {"Ana"}

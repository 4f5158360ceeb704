"""Projects, import by drag-and-drop, export: the start of every coding session and its end."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QInputDialog
from sqlmodel import select

from annotators.project import Project
from annotators.store.models import Code, Video
from desktop import projects
from desktop.exporting import export_table_to
from desktop.main_window import MainWindow

from .helpers import press, settled


def test_first_start_asks_the_coder_name_once_and_opens_a_default_project(
    qtbot, tmp_path, monkeypatch, settings
) -> None:
    settings.set("coder_name", "")
    default = tmp_path / "data" / "My study.storyframe"
    monkeypatch.setattr(projects, "default_project_path", lambda: default)
    asked: list[str] = []

    def ask(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        asked.append("name")
        return ("  Bea  ", True)

    monkeypatch.setattr(QInputDialog, "getText", ask)
    for _run in range(2):  # the second start finds both the name and the last project
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.start()
        qtbot.waitUntil(lambda w=window: w.workspace.project is not None, timeout=10000)
        assert window.workspace.project.path == default.resolve()
        assert window.workspace.coder.name == "Bea"
        assert window.codebook.tree.topLevelItemCount() == 3  # narrative, calls to action, clip
        window.close()
    assert asked == ["name"]
    assert settings.get("last_project") == str(default.resolve())
    with Project.open(default) as project, project.session() as session:
        assert session.exec(select(Code).where(Code.key == "cta_donate")).one().shortcut == "D"


def test_recent_projects_menu_reopens_an_earlier_project(qtbot, window, tmp_path) -> None:
    first = window.workspace.project.path
    assert window.open_project(tmp_path / "second.storyframe")
    actions = window.recent_menu.actions()
    assert [a.text() for a in actions] == ["second.storyframe", "study.storyframe"]
    actions[1].trigger()
    assert window.workspace.project.path == first


def test_dropping_a_folder_imports_its_videos(qtbot, window, clip_dir) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip_dir))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(event)
    assert window.job_bar.busy
    qtbot.waitUntil(lambda: len(window.library.visible_clips()) == 3, timeout=30000)
    with window.workspace.project.session() as session:
        assert len(session.exec(select(Video)).all()) == 3
    window.library.filter.setText("vfr")
    assert [c.file_name for c in window.library.visible_clips()] == ["c_vfr.mp4"]


def test_coded_annotations_export_to_long_and_wide_csv(qtbot, loaded, tmp_path) -> None:
    window = loaded
    window.playback.seek(10)
    qtbot.waitUntil(settled(window, 10), timeout=5000)
    press(qtbot, window, Qt.Key.Key_D)
    window.playback.seek(20)
    qtbot.waitUntil(settled(window, 20), timeout=5000)
    press(qtbot, window, Qt.Key.Key_1)
    window.playback.seek(30)
    qtbot.waitUntil(settled(window, 30), timeout=5000)
    press(qtbot, window, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: len(window.timeline.timeline.bars) == 2, timeout=5000)
    long_csv, wide_csv = tmp_path / "long.csv", tmp_path / "wide.csv"
    export_table_to(window, "csv-long", long_csv)
    qtbot.waitUntil(lambda: long_csv.exists() and not window.export_bar.busy, timeout=10000)
    export_table_to(window, "csv-wide", wide_csv)
    qtbot.waitUntil(lambda: wide_csv.exists() and not window.export_bar.busy, timeout=10000)
    rows = pd.read_csv(long_csv)
    rows = rows[rows["kind"] != "clip"].sort_values("start_frame")
    assert list(rows["start_frame"]) == [10, 20]
    assert list(rows["end_frame"].fillna(-1)) == [-1, 30]
    assert list(rows["start_s"]) == [0.4, 0.8]
    assert set(rows["coder"]) == {"Ana"} and set(rows["video_file_name"]) == {"a_story.mp4"}
    wide = pd.read_csv(wide_csv)
    clip_row = wide[wide["video_file_name"] == "a_story.mp4"].iloc[0]
    assert clip_row["cta_donate_count"] == 1
    assert (tmp_path / "codebook.csv").exists()

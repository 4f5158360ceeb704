"""A clip whose file moved: the library marks it, the player says so, relinking brings it back."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlmodel import select

from annotators.store.models import Annotation

from .conftest import import_and_wait
from .helpers import press, shown_barcode


def _clip_with_moved_file(qtbot, window, clip_dir, tmp_path):  # type: ignore[no-untyped-def]
    """Import a copy of a clip, move the copy away, reopen the project; return the new path."""
    original = tmp_path / "media" / "a_story.mp4"
    original.parent.mkdir()
    shutil.copy(clip_dir / "a_story.mp4", original)
    import_and_wait(qtbot, window, [original])
    qtbot.waitUntil(lambda: len(window.library.visible_clips()) == 1, timeout=10000)
    qtbot.waitUntil(lambda: window.player.view.frame_index == 0, timeout=10000)  # load done
    moved = tmp_path / "elsewhere" / "renamed.mp4"
    moved.parent.mkdir()
    original.rename(moved)
    assert window.open_project(window.workspace.project.path)
    # the library loads its rows, then checks the files, in the background
    qtbot.waitUntil(lambda: window.library.idle and window.workspace.clip is not None)
    return original, moved


def test_missing_clip_is_marked_and_relinked_by_locating_its_file(
    qtbot, window, clip_dir, tmp_path, monkeypatch
) -> None:
    original, moved = _clip_with_moved_file(qtbot, window, clip_dir, tmp_path)
    model = window.library.model
    index = model.index(0, 0)
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == f"file missing: {original}"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    assert window.workspace.clip is not None  # the missing clip is selected, without a crash
    assert window.missing.isVisible()
    assert str(original) in window.missing.message.text()
    assert window.player.view.image is None
    press(qtbot, window, Qt.Key.Key_D)  # a code key: there is no frame to code on
    qtbot.wait(200)  # give a (wrong) write on the writer thread the time to land
    with window.workspace.project.session() as session:
        assert session.exec(select(Annotation)).all() == []

    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: errors.append(text))
    window.missing.locate(clip_dir / "b_story.mp4")  # another video: refused by the core
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "its content differs" in errors[0]
    assert window.missing.isVisible()

    window.missing.locate(moved)
    qtbot.waitUntil(lambda: not window.missing.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: window.player.view.frame_index == 0, timeout=10000)
    qtbot.waitUntil(lambda: window.library.idle)
    tooltip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("elsewhere/renamed.mp4\n")  # stored relative to the project
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert window.workspace.project.missing_videos() == []
    window.playback.seek(7)
    qtbot.waitUntil(lambda: window.player.view.frame_index == 7, timeout=5000)
    assert shown_barcode(window) == 7


def test_find_missing_videos_searches_a_folder_and_reports(
    qtbot, window, clip_dir, tmp_path, monkeypatch
) -> None:
    _original, moved = _clip_with_moved_file(qtbot, window, clip_dir, tmp_path)
    reports: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _parent, _title, text: reports.append(text)
    )
    assert window.actions_by_name["find_missing"].text() == "Find &missing videos…"
    window.missing.search(moved.parent)  # what the menu entry runs after its folder dialog
    qtbot.waitUntil(lambda: bool(reports), timeout=10000)
    assert reports == ["Found 1 missing video; none missing now."]
    assert not window.missing.isVisible()
    model = window.library.model
    qtbot.waitUntil(lambda: window.library.idle)  # files are checked again in the background
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None  # not missing
    qtbot.waitUntil(lambda: window.player.view.frame_index == 0, timeout=10000)
    assert shown_barcode(window) == 0

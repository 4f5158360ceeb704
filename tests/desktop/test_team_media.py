"""The app's relink on a server project: the clip plays again from this machine's copy, the
shared database's path stays what the other machines use."""

from __future__ import annotations

from pathlib import Path

from annotators.project import Project
from annotators.project.media_folders import local_media

from .helpers import shown_barcode
from .test_relink import _clip_with_moved_file


def test_locating_a_moved_clip_on_a_server_project_is_this_machines(
    qtbot, settings, tmp_path: Path, server_database, clip_dir
) -> None:  # type: ignore[no-untyped-def]
    from desktop.app import make_application
    from desktop.main_window import MainWindow

    Project.create(tmp_path / "study.storyframe", database=server_database).close()
    make_application([])
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.open_project(tmp_path / "study.storyframe")
        _original, moved = _clip_with_moved_file(qtbot, window, clip_dir, tmp_path)
        assert window.missing.isVisible()
        project = window.workspace.project
        shared = project.videos()[0].path
        window.missing.locate(moved)
        qtbot.waitUntil(lambda: not window.missing.isVisible(), timeout=10000)
        qtbot.waitUntil(lambda: window.player.view.frame_index == 0, timeout=10000)
        window.playback.seek(5)
        qtbot.waitUntil(lambda: window.player.view.frame_index == 5, timeout=5000)
        assert shown_barcode(window) == 5
        video = project.videos()[0]
        assert video.path == shared == "media/a_story.mp4"  # what the other machines read
        assert local_media(project).files[video.content_hash] == moved.resolve()
    finally:
        window.close()

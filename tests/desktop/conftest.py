"""Fixtures for driving the real desktop app offscreen: a project, clips, a window.

Clips are small (160x284, 2 s) and made once per session; every test gets its own project
file and settings file in ``tmp_path`` so nothing touches the user's real data.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotators.settings import Settings
from tests.media_fixtures import make_clip

SPEECH_CLIP = Path(__file__).resolve().parent.parent / "data" / "speech.mp4"


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three barcode clips: 25 fps with audio, 30 fps, and a variable-frame-rate one."""
    folder = tmp_path_factory.mktemp("clips")
    make_clip(folder / "a_story.mp4", seconds=2.0, fps=25, audio=True, keyint=12)
    make_clip(folder / "b_story.mp4", seconds=2.0, fps=30, keyint=15)
    make_clip(folder / "c_vfr.mp4", seconds=2.0, fps=25, vfr=True, keyint=10)
    return folder


@pytest.fixture(autouse=True)
def preview_cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Preview caches go to a temporary cache folder, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings in a temporary file, with the coder name already given."""
    settings = Settings(tmp_path / "settings.json")
    settings.set("coder_name", "Ana")
    return settings


@pytest.fixture
def window(qtbot, settings: Settings, tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    """The main window on a new project in ``tmp_path`` (default codebook), no clips yet."""
    from desktop.app import make_application
    from desktop.main_window import MainWindow

    make_application([])
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(tmp_path / "study.storyframe")
    yield win
    win.close()


def import_and_wait(qtbot, window, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """Import through the window's background job and wait until the library shows them."""
    window.import_paths(paths)
    qtbot.waitUntil(lambda: not window.job_bar.busy, timeout=30000)


@pytest.fixture
def loaded(qtbot, window, clip_dir: Path):  # type: ignore[no-untyped-def]
    """The window with the three clips imported and the first one on screen at frame 0."""
    import_and_wait(qtbot, window, [clip_dir])
    qtbot.waitUntil(lambda: len(window.library.visible_clips()) == 3, timeout=10000)
    qtbot.waitUntil(lambda: window.player.view.frame_index == 0, timeout=10000)
    return window


@pytest.fixture
def speech_clip(tmp_path: Path) -> Path:
    """A copy of the committed spoken-story clip (15 s, speech with a known script)."""
    target = tmp_path / "media" / "speech.mp4"
    target.parent.mkdir()
    shutil.copy(SPEECH_CLIP, target)
    return target

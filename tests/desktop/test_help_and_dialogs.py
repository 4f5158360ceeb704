"""F1 help lists every key (from one table, also the README's), export dialogs start in a
visible folder, and a missing audio device is said once (issue 11, defect 7)."""

from __future__ import annotations

from pathlib import Path

from desktop import menus
from desktop.exporting import export_folder
from desktop.keys import NAVIGATION, key_name

ROOT = Path(__file__).resolve().parents[2]


def test_f1_help_lists_every_navigation_key_and_every_menu_shortcut(window) -> None:
    help_text = menus.key_help(window.actions_by_name)
    for key, shift in NAVIGATION:
        assert key_name(key, shift) in help_text
    for shortcut in ("Ctrl+T", "Ctrl+L", "Ctrl+I", "Ctrl+Shift+I", "Ctrl+Z", "Ctrl+Shift+Z", "F1"):
        assert f"<b>{shortcut}" in help_text or f" / {shortcut}" in help_text, shortcut
    for action in window.actions_by_name.values():
        for sequence in action.shortcuts():
            assert sequence.toString() in help_text


def test_the_readme_key_table_is_the_help_table(window) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = menus.key_table_markdown(window.actions_by_name)
    assert table in readme, f"update the README's key table to:\n{table}"


def test_export_dialogs_start_beside_the_project_unless_it_is_hidden(settings, tmp_path) -> None:
    visible = tmp_path / "studies" / "pilot"
    visible.mkdir(parents=True)
    assert export_folder(settings, visible) == visible
    hidden = tmp_path / ".local" / "share" / "storyframe"
    hidden.mkdir(parents=True)
    start = export_folder(settings, hidden)
    assert not any(part.startswith(".") for part in start.parts) and start.is_dir()
    settings.set("last_export_folder", str(visible))
    assert export_folder(settings, hidden) == visible


def test_no_audio_device_is_said_once_in_the_status_bar(qtbot, loaded) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    window = loaded
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    for _ in range(2):
        window.playback.play(1)
        qtbot.wait(100)
        window.playback.pause()
    said = [m for m in messages if "No audio device" in m]
    assert len(said) == (0 if QMediaDevices.audioOutputs() else 1), messages

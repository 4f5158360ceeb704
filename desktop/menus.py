"""The menu bar: project, edit (named undo/redo), playback help, clip, export and view actions.

Navigation keys are handled by :mod:`desktop.keys` (they must not fire while typing); the menus
show them in their labels so they can be discovered.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from . import exchanging, exporting, queue, study_actions, transcribing
from .keys import help_rows
from .projects import DEFAULT_PROJECT_NAME
from .review import build_study_menu

if TYPE_CHECKING:
    from .main_window import MainWindow

PROJECT_FILTER = "Storyframe projects (*.storyframe)"
VIDEO_FILTER = "Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All files (*)"


def _action(window: MainWindow, menu: QMenu, text: str, slot, shortcut=None) -> QAction:  # type: ignore[no-untyped-def]
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build(window: MainWindow) -> dict[str, QAction]:
    """Create the menus; return the actions tests and other code refer to by name."""
    bar = window.menuBar()
    actions: dict[str, QAction] = {}
    window.actions_by_name = actions
    project = bar.addMenu("&Project")
    actions["new"] = _action(
        window, project, "&New project…", lambda: new_project(window), QKeySequence.StandardKey.New
    )
    actions["open"] = _action(
        window,
        project,
        "&Open project…",
        lambda: open_project(window),
        QKeySequence.StandardKey.Open,
    )
    window.recent_menu = project.addMenu("Open &recent")
    project.addSeparator()
    actions["import_files"] = _action(
        window, project, "&Import videos…", lambda: import_files(window), "Ctrl+I"
    )
    actions["import_folder"] = _action(
        window, project, "Import &folder…", lambda: import_folder(window), "Ctrl+Shift+I"
    )
    actions["find_missing"] = _action(
        window, project, "Find &missing videos…", window.missing.ask_folder
    )
    actions["import_exchange"] = _action(
        window,
        project,
        "Import f&rom other tools (ELAN, REFI-QDA, BORIS, captions…)…",
        lambda: exchanging.import_from(window),
    )
    project.addSeparator()
    # reliability study (desktop.study_actions)
    ws = window.workspace
    actions["pack"] = _action(
        window, project, "&Pack coder file…",
        lambda: study_actions.pack_coder_file(
            ws, window, window.job_bar, lambda text: window.statusBar().showMessage(text, 15000)
        ),
    )  # fmt: skip
    actions["merge"] = _action(
        window, project, "&Merge coder files…", lambda: study_actions.merge_coder_files(ws, window)
    )
    actions["blind"] = QAction("&Blind mode (coders see only their own work)", window)
    project.addAction(actions["blind"])
    study_actions.bind_blind_action(actions["blind"], ws)
    study_actions.bind_packed_coder(ws, lambda text: window.statusBar().showMessage(text, 15000))
    project.addSeparator()
    actions["quit"] = _action(window, project, "&Quit", window.close, "Ctrl+Q")  # on every platform

    edit = bar.addMenu("&Edit")
    actions["undo"] = _action(window, edit, "Undo", window.coding.undo, "Ctrl+Z")
    actions["redo"] = _action(window, edit, "Redo", window.coding.redo, "Ctrl+Shift+Z")
    actions["redo"].setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    edit.addSeparator()
    actions["delete"] = _action(
        window, edit, "Delete annotation\tDel", window.coding.delete_selected
    )
    window.coding.history_changed.connect(lambda: refresh_undo(window))
    refresh_undo(window)

    clip = bar.addMenu("&Clip")
    actions["transcribe_clip"] = _action(
        window,
        clip,
        "&Transcribe this clip",
        lambda: transcribing.transcribe(window, current_only=True),
        "Ctrl+T",
    )
    actions["transcribe_all"] = _action(
        window,
        clip,
        "Transcribe &all clips without transcript",
        lambda: transcribing.transcribe(window, current_only=False),
    )
    actions["translate_clip"] = _action(
        window, clip, "Translate this clip into &English", lambda: transcribing.translate(window)
    )
    # team projects: the clips go to the shared queue for `storyframe worker` (desktop.queue)
    actions["transcribe_workers"] = _action(
        window, clip, "Transcribe on &workers (team project)",
        lambda: queue.transcribe_on_workers(
            window.workspace, window, window.show_error,
            lambda text: window.statusBar().showMessage(text, 15000),
        ),
    )  # fmt: skip
    window.language_menu = clip.addMenu("Spoken &language")
    window.language_menu.aboutToShow.connect(lambda: refresh_languages(window))
    actions["done"] = _action(
        window, clip, "Mark &done / reopen",
        lambda: study_actions.toggle_current_done(window.workspace, window.library.done_state),
        "Ctrl+Shift+D",
    )  # fmt: skip
    _build_analysis_items(window, clip, actions)
    clip.addSeparator()
    actions["loop"] = _action(
        window, clip, "&Loop selected annotation", window.inspector.loop.toggle, "Ctrl+L"
    )
    actions["next_annotation"] = _action(
        window, clip, "&Next annotation\tAlt+→", lambda: window.annotations.step(1)
    )
    actions["previous_annotation"] = _action(
        window, clip, "&Previous annotation\tAlt+←", lambda: window.annotations.step(-1)
    )

    export = bar.addMenu("E&xport")
    actions["export_long"] = _action(
        window,
        export,
        "Annotations, &long CSV (one row per annotation)…",
        lambda: exporting.export_table(window, "csv-long"),
    )
    actions["export_wide"] = _action(
        window,
        export,
        "Annotations, &wide CSV (one row per clip × coder)…",
        lambda: exporting.export_table(window, "csv-wide"),
    )
    actions["export_transcript"] = _action(
        window, export, "&Transcript of this clip…", lambda: exporting.export_transcript(window)
    )
    actions["export_transcripts"] = _action(
        window, export, "&All transcripts…", lambda: exporting.export_all_transcripts(window)
    )
    export.addSeparator()
    for fmt, (text, _filter) in exchanging.EXPORTS.items():
        actions[f"export_{fmt}"] = _action(
            window, export, text, lambda fmt=fmt: exchanging.export_exchange(window, fmt)
        )

    build_study_menu(window, bar, actions)  # Study: reliability report, review view

    view = bar.addMenu("&View")
    timeline = window.timeline.timeline
    actions["zoom_in"] = _action(
        window, view, "Zoom timeline in", lambda: timeline.zoom_by(1.5), "Ctrl+="
    )
    actions["zoom_out"] = _action(
        window, view, "Zoom timeline out", lambda: timeline.zoom_by(1 / 1.5), "Ctrl+-"
    )
    actions["annotation_table"] = _action(
        window, view, "&Annotation table", lambda: show_dock_of(window.annotations)
    )
    actions["queue"] = _action(
        window, view, "Transcription &queue (team project)",
        lambda: queue.show_queue(window.workspace, window, window.show_error),
    )  # fmt: skip

    help_menu = bar.addMenu("&Help")
    _action(window, help_menu, "&Keyboard shortcuts", lambda: show_key_help(window, actions),
            "F1")  # fmt: skip
    return actions  # fmt: skip


def _build_analysis_items(window: MainWindow, clip: QMenu, actions: dict[str, QAction]) -> None:
    """Clip ▸ Analyse (desktop.suggest): shot cuts, on-screen text and suggestions."""
    from .suggest import running

    clip.addSeparator()
    actions["analyse_clip"] = _action(
        window, clip, "Analyse this c&lip (cuts, on-screen text, suggestions)",
        lambda: running.analyse(window, current_only=True),
    )  # fmt: skip
    actions["analyse_all"] = _action(
        window, clip, "Analyse all clips not analysed yet",
        lambda: running.analyse(window, current_only=False),
    )  # fmt: skip
    after = _action(window, clip, "Analyse after transcription", lambda: None)
    after.setCheckable(True)
    after.setChecked(bool(window.settings.get(running.AFTER_TRANSCRIPTION)))
    after.toggled.connect(lambda on: window.settings.set(running.AFTER_TRANSCRIPTION, on))
    actions["analyse_after_transcription"] = after
    for name, text in (
        ("next_suggestion", "Next suggestion\tAlt+PgDown"),
        ("accept_suggestion", "Accept suggestion\tAlt+Return"),
        ("reject_suggestion", "Reject suggestion\tAlt+Del"),
        ("next_cut", "Next shot cut\tAlt+Down"),
        ("previous_cut", "Previous shot cut\tAlt+Up"),
    ):
        handler = window.suggestions.handlers()[name]
        actions[name] = _action(window, clip, text, handler)


def show_dock_of(panel: QWidget) -> None:
    """Bring the dock holding ``panel`` to the front (also when tabbed behind another)."""
    dock = panel.parentWidget()
    dock.show()
    dock.raise_()


def menu_shortcuts(actions: dict[str, QAction]) -> list[tuple[str, str]]:
    """(keys, menu text) of every menu action that has a key, in menu order."""
    rows = []
    for action in actions.values():
        keys = " / ".join(s.toString() for s in action.shortcuts())
        if keys:
            rows.append((keys, action.text().split("\t")[0].replace("&", "").rstrip("…")))
    return [*rows, ("F1", "this list of keys"), ("Ctrl+wheel", "zoom the timeline")]


def key_table_markdown(actions: dict[str, QAction]) -> str:
    """The same keys as a Markdown table (the README's; a test keeps the two equal)."""
    lines = ["| key | action |", "| --- | --- |"]
    lines += [f"| {keys} | {text} |" for keys, text in help_rows(menu_shortcuts(actions))]
    return "\n".join(lines) + "\n"


def key_help(actions: dict[str, QAction]) -> str:
    """The F1 help: every key of :func:`desktop.keys.help_rows` and of the menus, as a table."""
    cells = "".join(
        f"<tr><td><b>{escape(keys)}</b></td><td>{escape(text)}</td></tr>"
        for keys, text in help_rows(menu_shortcuts(actions))
    )
    return f"<table>{cells}</table>"


def show_key_help(parent: QWidget, actions: dict[str, QAction]) -> QDialog:
    """The F1 help in a scrolling dialog no taller than the screen (a message box with every
    key grew past 768 pixels, its OK button off the bottom of a laptop screen)."""
    dialog = QDialog(parent, windowTitle="Keyboard shortcuts")
    text = QTextBrowser(dialog)
    text.setHtml(key_help(actions))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.close)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    screen = parent.screen().availableGeometry()
    dialog.resize(min(560, screen.width() - 40), min(720, screen.height() - 80))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def refresh_undo(window: MainWindow) -> None:
    """Name the action Undo and Redo would apply (``Undo Add 'Donate' at frame 120``)."""
    coding, actions = window.coding, window.actions_by_name
    undo = actions["undo"]
    undo.setText(f"&Undo {coding.undo_label}" if coding.undo_label else "&Undo")
    undo.setEnabled(coding.undo_label is not None)
    redo = actions["redo"]
    redo.setText(f"&Redo {coding.redo_label}" if coding.redo_label else "&Redo")
    redo.setEnabled(coding.redo_label is not None)


# Offered in Clip ▸ Spoken language besides the project's own languages (Whisper codes).
COMMON_LANGUAGES = {
    "en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "de": "German",
    "it": "Italian", "ar": "Arabic", "hi": "Hindi", "zh": "Chinese", "ru": "Russian",
    "tr": "Turkish", "id": "Indonesian",
}  # fmt: skip


def refresh_languages(window: MainWindow) -> None:
    """Rebuild Clip ▸ Spoken language: detect, or one of the study's or common languages."""
    from annotators.transcribe.clip_language import project_languages

    menu: QMenu = window.language_menu
    menu.clear()
    ws = window.workspace
    if ws.project is None or ws.clip is None:
        return
    current = ws.clip.language
    study = project_languages(ws.project).languages or ()
    codes = [*study, *(c for c in COMMON_LANGUAGES if c not in study)]
    choices = [(None, "Detect from the speech")]
    choices += [(c, f"{COMMON_LANGUAGES.get(c, c)} ({c})") for c in codes]
    group = QActionGroup(menu)  # one language per clip: radio items, not check boxes
    for code, text in choices:
        action = menu.addAction(text, lambda c=code: transcribing.set_language(window, c))
        action.setCheckable(True)
        action.setChecked(code == current)
        group.addAction(action)


def refresh_recent(window: MainWindow) -> None:
    """Rebuild Project ▸ Open recent from the settings."""
    menu: QMenu = window.recent_menu
    menu.clear()
    for path in window.settings.get("recent_projects"):
        menu.addAction(Path(path).name, lambda p=path: window.open_project(Path(p))).setToolTip(
            path
        )
    menu.setEnabled(not menu.isEmpty())


def new_project(window: MainWindow) -> None:
    """Ask where to create a project (with the default codebook) and open it."""
    start = str(Path.home() / DEFAULT_PROJECT_NAME)
    path, _ = QFileDialog.getSaveFileName(window, "New project", start, PROJECT_FILTER)
    if path:
        target = Path(path)
        if target.exists():
            window.show_error(f"{target} already exists; use Open project to open it.")
            return
        window.open_project(target)


def open_project(window: MainWindow) -> None:
    """Ask for a project file and open it."""
    path, _ = QFileDialog.getOpenFileName(window, "Open project", str(Path.home()), PROJECT_FILTER)
    if path:
        window.open_project(Path(path))


def import_files(window: MainWindow) -> None:
    """Ask for video files and import them."""
    paths, _ = QFileDialog.getOpenFileNames(window, "Import videos", str(Path.home()), VIDEO_FILTER)
    window.import_paths([Path(p) for p in paths])


def import_folder(window: MainWindow) -> None:
    """Ask for a folder and import every video inside it (recursively)."""
    path = QFileDialog.getExistingDirectory(window, "Import folder", str(Path.home()))
    if path:
        window.import_paths([Path(path)])

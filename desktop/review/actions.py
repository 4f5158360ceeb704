"""The Study menu: the reliability report and the switch to the review view.

Takes the window's parts it needs (workspace, review panel, the switch) instead of importing
the main window, as :mod:`desktop.menus` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QMessageBox

from annotators.study import blind_mode

from .reliability_dialog import ReliabilityDialog

if TYPE_CHECKING:
    from ..main_window import MainWindow


def open_reliability(window: MainWindow) -> ReliabilityDialog | None:
    """Show the reliability dialog for the open project and compute the full report."""
    if window.workspace.project is None:
        return None
    dialog = ReliabilityDialog(window.workspace, window.settings, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.compute()
    return dialog


def stop_study_jobs(window: MainWindow, wait_s: float = 30.0) -> None:
    """Cancel the review's disagreement search and every open report job, and wait for them
    (the window is closing: their threads must not read a closed project)."""
    window.review.finder.cancel(wait_s)
    window.review.loader.cancel(wait_s)
    for dialog in window.findChildren(ReliabilityDialog):
        runner = dialog.bar.runner
        if runner is not None:
            dialog.bar.cancel()
            runner.join(wait_s)


def switch_review(window: MainWindow, action: QAction, on: bool) -> None:
    """Switch the review view on or off; in blind mode, only after the lead confirms (a coder
    of the sample must not see the others' work by accident)."""
    project = window.workspace.project
    if on and project is None:
        action.setChecked(False)
        return
    if on:
        with project.session() as session:
            blind = blind_mode(session)
        answer = QMessageBox.StandardButton.Yes
        if blind:
            answer = QMessageBox.question(
                window,
                "Review view",
                "Blind mode is on. The review view shows every coder's work side by side; it "
                "is meant for the study lead. Show it?",
            )
        if answer != QMessageBox.StandardButton.Yes:
            action.setChecked(False)
            return
    window.set_review_mode(on)


def build_study_menu(window: MainWindow, bar: QMenuBar, actions: dict[str, QAction]) -> None:
    """Add Study ▸ Reliability…, Review view and Take into ``bar``; register them in ``actions``."""
    study = bar.addMenu("&Study")
    reliability = QAction("&Reliability…", window)
    reliability.triggered.connect(lambda _checked=False: open_reliability(window))
    review = QAction("Re&view view (every coder's work)", window, checkable=True)
    review.setShortcut(QKeySequence("Ctrl+Shift+R"))
    review.toggled.connect(lambda on: switch_review(window, review, on))
    take = QAction("&Take the selected value or annotation", window, enabled=False)
    take.setShortcut(QKeySequence("Ctrl+Return"))
    take.triggered.connect(lambda _checked=False: window.review.take())
    review.toggled.connect(take.setEnabled)
    for name, action in (("reliability", reliability), ("review", review), ("take", take)):
        study.addAction(action)
        actions[name] = action

"""Reproduce ``docs/screenshots/reliability.png`` and ``review.png`` with the real app.

Run under a real X server at a laptop's size, so fonts, styles and the window manager-less
screen are what users see (the whole screen is grabbed, dialogs included)::

    xvfb-run -a -s "-screen 0 1366x768x24" python -m desktop.review.screenshots docs/screenshots

Builds a throw-away project coded by two coders (generated clips, the coding operations),
opens it as the lead, computes the reliability report, then adjudicates in the review view.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from annotators.settings import Settings

from ..app import make_application
from ..screenshots import settle, wait_for

ROOT = Path(__file__).resolve().parents[2]


def grab_screen(path: Path) -> None:
    """Save the whole screen (the window and any dialog over it)."""
    settle(600)
    QApplication.primaryScreen().grabWindow(0).save(str(path))
    print(f"wrote {path}")


def main(out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.desktop.study_project import build_study_project

    from ..main_window import MainWindow
    from .actions import open_reliability

    out.mkdir(parents=True, exist_ok=True)
    make_application([])
    with tempfile.TemporaryDirectory() as tmp:
        study = build_study_project(Path(tmp), seconds=6.0, size=(360, 640))
        settings = Settings(Path(tmp) / "settings.json")
        settings.set("coder_name", "Lee")
        window = MainWindow(settings)
        window.showMaximized()
        window.open_project(study.path)
        wait_for(lambda: window.player.view.frame_index == 0)
        dialog = open_reliability(window)
        wait_for(lambda: dialog.report is not None, 60000)
        dialog.table.selectRow(0)
        grab_screen(out / "reliability.png")
        dialog.close()

        window.actions_by_name["review"].setChecked(True)
        clip = next(c for c in window.library.visible_clips() if c.file_name == study.disputed_clip)
        row = [c.id for c in window.library.visible_clips()].index(clip.id)
        window.library.table.selectRow(row)  # as the lead clicks it in the clip list
        panel = window.review
        wait_for(lambda: bool(panel.disagreements), 60000)
        panel.values.setCurrentCell(0, 1)
        panel.note.setText("the caption names the hospital")
        panel.take()
        wait_for(lambda: panel.review.consensus is not None)
        ana = next(
            b for b in panel.timeline.bars if panel.timeline.rows[b.code_id].coder.name == "Ana"
        )
        panel.pick_annotation(ana.annotation_id)
        panel.take()
        wait_for(lambda: panel.provenance.count() >= 2)
        timed = next((d for d in panel.disagreements if d.frame is not None), None)
        if timed is not None:
            panel.seek(timed.frame)
            wait_for(lambda: window.player.view.frame_index == timed.frame)
        grab_screen(out / "review.png")
        window.close()
    QApplication.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")

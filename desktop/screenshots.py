"""Reproduce the screenshots in ``docs/screenshots/`` with the real app.

Run under a real X server so fonts and styles are the ones users see (the window fills a
1366x768 laptop screen; pass another size to look at it on a larger one)::

    xvfb-run -a -s "-screen 0 1366x768x24" python -m desktop.screenshots docs/screenshots
    xvfb-run -a -s "-screen 0 1920x1080x24" python -m desktop.screenshots /tmp/big 1920x1080

Builds a throw-away project with a few generated clips plus the spoken-story test clip,
transcribes that clip with the bundled model, codes a few annotations through the core
operations, then grabs the screen in four states (the last with a code's tooltip open).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QToolTip
from sqlmodel import select

from annotators.coding import Coding
from annotators.jobs import run_job
from annotators.project import Project
from annotators.settings import Settings
from annotators.store.models import Code
from annotators.transcribe import transcribe_project

from .app import make_application

ROOT = Path(__file__).resolve().parent.parent
SPEECH = ROOT / "tests" / "data" / "speech.mp4"


def build_project(folder: Path) -> Path:
    """A project with 4 clips, one transcribed and coded."""
    sys.path.insert(0, str(ROOT))
    from tests.media_fixtures import make_clip

    media = folder / "clips"
    media.mkdir()
    shutil.copy(SPEECH, media / "sarah_story.mp4")
    for name, seconds in (("climate_march", 6.0), ("food_bank_duet", 4.0), ("pride_walk", 5.0)):
        make_clip(media / f"{name}.mp4", seconds=seconds, width=360, height=640, audio=True)
    path = folder / "Social causes pilot.storyframe"
    with Project.create(path) as project:
        run_job(project.import_media([media]))
        speech = next(v.id for v in project.videos() if v.file_name == "sarah_story.mp4")
        run_job(transcribe_project(project, video_ids=[speech]))
        code_examples(project, speech)
    return path


def code_examples(project, video: int) -> None:  # type: ignore[no-untyped-def]
    """A few annotations and clip values on the spoken clip, as a coder would."""
    coding = Coding.for_project(project)
    coder = project.coder("Ana").id
    with project.session() as session:
        codes = {code.key: code.id for code in session.exec(select(Code))}
    add = coding.add_annotation
    add(
        video,
        codes["character_introduction"],
        coder,
        0,
        22,
        value="self",
        note="Sarah introduces herself",
    )
    add(video, codes["personal_testimony"], coder, 5, 62, note="mother's diagnosis")
    add(video, codes["problem_statement"], coder, 45, 80)
    add(video, codes["emotional_appeal"], coder, 60, 95, value="hope")
    add(video, codes["resolution_hope"], coder, 80, 112)
    add(video, codes["cta_donate"], coder, 118)
    add(video, codes["cta_share"], coder, 124)
    coding.set_clip_value(video, codes["primary_cause"], coder, "health")
    coding.set_clip_value(video, codes["narrator_perspective"], coder, "first_person")
    coding.set_clip_value(video, codes["emotional_tone"], coder, "4")


def settle(ms: int = 400) -> None:
    """Let the event loop run (frames decode on a worker, views refresh)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], timeout_ms: int = 20000) -> None:
    waited = 0
    while not condition() and waited < timeout_ms:
        settle(50)
        waited += 50


def wait_for_strips(window, frame_count: int) -> None:  # type: ignore[no-untyped-def]
    """Until the filmstrip has its thumbnails and the sound strip its speech (built in the
    background after the clip opens)."""
    strips = window.timeline.strips
    wait_for(lambda: strips.progress == (frame_count, frame_count), 60000)
    wait_for(lambda: strips.audio is not None and len(strips.thumbs) > 10)
    settle(800)  # the last thumbnails arrive and paint


def grab(window, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Save the screen area of ``window``, with any tooltip or popup over it."""
    settle()
    frame = window.frameGeometry()
    shot = window.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    if shot.isNull():  # platforms without screen grabbing (offscreen): the window alone
        shot = window.grab()
    shot.save(str(path))
    print(f"wrote {path}")


def show_code_help(window) -> None:  # type: ignore[no-untyped-def]
    """Hover a clip variable's label: its definition, rules and values."""
    label = next(
        w for w in window.clip_vars.body.findChildren(QLabel) if w.text() == "Primary cause"
    )
    QToolTip.showText(label.mapToGlobal(QPoint(10, label.height())), label.toolTip(), label)


def main(out: Path, size: tuple[int, int] = (1366, 768)) -> None:
    out.mkdir(parents=True, exist_ok=True)
    make_application([])
    from .main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        project = build_project(Path(tmp))
        settings = Settings(Path(tmp) / "settings.json")
        settings.set("coder_name", "Ana")
        window = MainWindow(settings)
        window.resize(*size)
        window.show()
        window.move(0, 0)
        window.open_project(project)
        wait_for(lambda: len(window.library.visible_clips()) == 4)  # read in the background
        speech = next(c for c in window.library.visible_clips() if c.file_name == "sarah_story.mp4")
        window.workspace.set_clip(speech)
        wait_for(lambda: window.playback.frame_count == speech.frame_count)
        wait_for(lambda: window.player.view.frame_index == 0)
        wait_for_strips(window, speech.frame_count)
        window.playback.seek(66)
        wait_for(lambda: window.player.view.frame_index == 66)
        window.workspace.select(window.timeline.timeline.bars[1].annotation_id)
        grab(window, out / "main-window.png")

        window.transcript.search.setText("donate")
        window.coding.apply_code(window.coding.by_shortcut["3"])
        window.playback.seek(84)
        wait_for(lambda: window.player.view.frame_index == 84)
        window.coding.apply_code(window.coding.by_shortcut["6"])  # overlapping the first
        window.playback.seek(100)
        wait_for(lambda: window.player.view.frame_index == 100)
        for dock in window.findChildren(QDockWidget):
            if dock.windowTitle() == "Clip variables":
                dock.raise_()  # recording shows under the picture, whatever tab is open
        grab(window, out / "coding-interval.png")
        window.coding.cancel_interval()
        grab(window, out / "clip-variables.png")
        show_code_help(window)
        grab(window, out / "code-help.png")
        QToolTip.hideText()
        window.close()
    QApplication.processEvents()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    width, height = (int(n) for n in (sys.argv[2] if len(sys.argv) > 2 else "1366x768").split("x"))
    main(target, (width, height))

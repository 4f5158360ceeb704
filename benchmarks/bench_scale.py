"""Scale: a project of 5,000 clips and 1,000,000 annotations in the desktop app.

Usage: ``python benchmarks/bench_scale.py [--clips N] [--annotations N]``

Generates (once, cached in ``$TMPDIR/storyframe-bench-scale``) a real SQLite project with 3 real
clips and N - 3 video rows whose files do not exist (the library checks every file), and the
annotations spread evenly over all clips by 3 coders (``tests/scale_project.py``). Each run
works on a fresh copy. It measures, against the targets of issue 11:

- open: a fresh ``python`` process starts the app on the project until the library lists
  every clip (target <= 3 s), median of 3;
- stalls: the largest gap of the Qt event loop (a 5 ms QTimer probe, offscreen) while the
  project opens, while typing a library filter and clearing it, while switching clips 20 times
  (PageDown and real clips), while coding an annotation (which refreshes the library and the
  tables) and while the annotation table sorts and filters the whole project (target <= 100 ms);
- csv-long export of the whole project (target <= 30 s), best of 2.

Printed beside the naive alternatives measured in the same run: the library refresh as it was
(three queries and a disk check of every file on the UI thread, then a ``QSortFilterProxyModel``
sort), which stalled the UI on every open and every coded annotation; and, for the export, a
bare ``sqlite3`` + ``csv.writer`` dump of the same joined rows (no formatting: the floor).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_OPEN_S, TARGET_GAP_MS, TARGET_EXPORT_S = 3.0, 100.0, 30.0
# the stall target is for filtering and switching; opening has its own (3 s) target
UNTARGETED = ("open project",)
OPEN_PROBE = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from desktop.app import make_application
from annotators.settings import Settings
app = make_application([])
from desktop.main_window import MainWindow
window = MainWindow(Settings(Path(sys.argv[1]))); window.show(); window.start()
clips = int(sys.argv[2])
def check():
    if len(window.library.model.shown) >= clips:
        print("ready", flush=True); app.quit()
poll = QTimer(interval=5); poll.timeout.connect(check); poll.start()
app.exec(); window.close()
"""


def cached_project(clips: int, annotations: int) -> Path:
    """The generated project for these sizes (made on first use)."""
    from tests.media_fixtures import make_clip
    from tests.scale_project import make_scale_project

    folder = Path(tempfile.gettempdir()) / "storyframe-bench-scale"
    path = folder / f"scale-{clips}-{annotations}.storyframe"
    if not path.exists():
        folder.mkdir(exist_ok=True)
        real = [folder / f"real_{i}.mp4" for i in range(3)]
        for i, clip in enumerate(real):
            if not clip.exists():
                make_clip(clip, seconds=4.0 + i, fps=30, width=360, height=640, audio=i == 0)
        start = time.perf_counter()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        make_scale_project(partial, clips, annotations, real)
        partial.rename(path)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s")
    return path


def fresh_copy(source: Path, folder: Path) -> Path:
    """A copy next to the real clips' folder layout (video paths are relative)."""
    target = source.parent / f"run-{folder.name}.storyframe"
    shutil.copy(source, target)
    return target


# -- the naive alternative: the library refresh as it was before issue 11 -------------------
def naive_library_refresh(project, coder_id: int) -> float:  # type: ignore[no-untyped-def]
    """Seconds the old ``load_rows`` + proxy-model reset took on the UI thread."""
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from sqlalchemy import func
    from sqlmodel import select

    from annotators.store.models import Annotation, Transcript, Video

    start = time.perf_counter()
    with project.session() as session:
        videos = list(session.exec(select(Video).order_by(Video.id)))
        states = dict(
            session.exec(
                select(Transcript.video_id, Transcript.status).where(Transcript.is_current)
            ).all()
        )
        counts = dict(
            session.exec(
                select(Annotation.video_id, func.count(Annotation.id))
                .where(Annotation.coder_id == coder_id)
                .group_by(Annotation.video_id)
            ).all()
        )
    missing = {v.id for v in project.missing_videos()}  # reads the videos again, stats each
    model = QStandardItemModel()
    for v in videos:
        item = QStandardItem(v.file_name)
        item.setData(v.file_name.lower(), Qt.ItemDataRole.UserRole)
        state = states.get(v.id, "") + ("!" if v.id in missing else "")
        model.appendRow([item, QStandardItem(str(counts.get(v.id, 0))), QStandardItem(state)])
    proxy = QSortFilterProxyModel()
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    proxy.setSourceModel(model)
    proxy.sort(0)
    return time.perf_counter() - start


# -- driving the real window ------------------------------------------------------------------
def spin(ms: int) -> None:
    """Let the event loop run for ``ms`` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(predicate: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        spin(10)


def stalls(project_path: Path, clips: int, folder: Path) -> dict[str, tuple[float, float]]:
    """Largest event-loop gap and the most UI-thread CPU in one gap (ms) in each phase,
    driving the real window offscreen."""
    from PySide6.QtCore import Qt

    from annotators.settings import Settings
    from desktop.app import make_application
    from desktop.main_window import MainWindow
    from tests.scale_project import GapProbe

    make_application([])
    settings = Settings(folder / "settings.json")
    settings.set("coder_name", "bench")
    window = MainWindow(settings)
    window.show()
    spin(300)
    probe, result = GapProbe(), {}
    library, table = window.library, window.annotations

    probe.start()
    window.open_project(project_path)
    wait_for(lambda: len(library.model.shown) == clips and library.idle)
    wait_for(lambda: window.workspace.clip is not None and table.idle)
    result["open project"] = (probe.stop(), probe.busiest_ms)

    probe.start()
    for char in "clip_0042":
        library.filter.insert(char)
        spin(120)
    while library.filter.text():
        library.filter.backspace()
        spin(60)
    result["filter library (type, clear)"] = (probe.stop(), probe.busiest_ms)

    real = [c for c in library.visible_clips() if c.file_name.startswith("real_")]
    probe.start()
    for step in range(20):
        if step % 4 == 3:
            window.workspace.set_clip(real[step % len(real)])
        else:
            window.move_clip(1)
        spin(250)
    result["switch clips x20"] = (probe.stop(), probe.busiest_ms)

    window.workspace.set_clip(real[0])
    wait_for(lambda: window.playback.frame_count > 0 and window.player.view.frame_index == 0)
    probe.start()
    window.playback.seek(20)
    spin(200)
    window.coding.on_shortcut("D")  # a point code, as its key does
    wait_for(lambda: not window.workspace.ops.busy and library.idle and table.idle)
    spin(200)
    result["code an annotation"] = (probe.stop(), probe.busiest_ms)

    probe.start()
    table.whole_project.setChecked(True)
    wait_for(lambda: table.idle)
    table.table.horizontalHeader().setSortIndicator(8, Qt.SortOrder.DescendingOrder)  # note
    wait_for(lambda: table.idle)
    table.text_filter.setText("voice")
    wait_for(lambda: table.idle)
    table.table.scrollToBottom()
    spin(100)
    wait_for(lambda: table.model.row_at(table.table.rowAt(0)) is not None, 120)
    result["annotation table: project, sort, filter, scroll"] = (probe.stop(), probe.busiest_ms)
    result["_table rows"] = (table.model.total, 0.0)
    window.close()
    return result


def open_times(project_path: Path, clips: int, folder: Path, runs: int = 3) -> list[float]:
    from annotators.settings import Settings
    from desktop.startup_probe import time_until_ready

    settings = Settings(folder / "open-settings.json")
    settings.set("coder_name", "bench")
    settings.add_recent_project(project_path)
    args = ["-c", OPEN_PROBE, str(folder / "open-settings.json"), str(clips)]
    return [time_until_ready(args, timeout=120) for _ in range(runs)]


def export_times(project_path: Path, folder: Path) -> tuple[float, float, float, int]:
    """Best csv-long export wall and CPU seconds, the bare sqlite3 dump's, and the rows."""
    from annotators.export import export
    from annotators.project import Project

    with Project.open(project_path) as project:
        best, cpu, rows = float("inf"), 0.0, 0
        for _ in range(2):
            start, start_cpu = time.perf_counter(), time.process_time()
            rows = export(project, "csv-long", folder / "long.csv").rows
            if time.perf_counter() - start < best:
                best, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    start = time.perf_counter()
    with sqlite3.connect(project_path) as db, open(folder / "bare.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerows(db.execute(
            "SELECT v.file_name, k.name, c.key, a.start_frame, a.end_frame, a.start_s, a.end_s,"
            " a.value, a.note FROM annotation a JOIN video v ON v.id = a.video_id"
            " JOIN coder k ON k.id = a.coder_id JOIN code c ON c.id = a.code_id"
            " ORDER BY a.video_id, a.coder_id, a.start_frame"))  # fmt: skip
    return best, cpu, time.perf_counter() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=5000)
    parser.add_argument("--annotations", type=int, default=1_000_000)
    args = parser.parse_args()
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from annotators.project import Project

    source = cached_project(args.clips, args.annotations)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = fresh_copy(source, folder)
        try:
            opens = open_times(path, args.clips, folder)
            gaps = stalls(path, args.clips, folder)
            with Project.open(path) as project:
                naive = [naive_library_refresh(project, project.coder("bench").id)
                         for _ in range(3)]  # fmt: skip
            export_s, export_cpu, bare_s, rows = export_times(path, folder)
        finally:
            for leftover in path.parent.glob(f"{path.name}*"):
                leftover.unlink()
    load_after = os.getloadavg()[0]
    print(f"project: {args.clips:,} clips, {args.annotations:,} annotations, 3 coders; load "
          f"average {load_before:.1f} at the start, {load_after:.1f} at the end")  # fmt: skip
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    median_open = statistics.median(opens)
    print(f"open until the library lists every clip: median {median_open:.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in opens)}; target <= {TARGET_OPEN_S:.0f} s "
          f"{ok(median_open <= TARGET_OPEN_S)})")  # fmt: skip
    print(
        f"largest event-loop gap (target <= {TARGET_GAP_MS:.0f} ms), and the most CPU the UI "
        "thread used in one gap (the rest of a gap is waiting for a core or the GIL):"
    )
    for phase, (gap, cpu) in gaps.items():
        if not phase.startswith("_"):
            verdict = "(no target)" if phase in UNTARGETED else ok(gap <= TARGET_GAP_MS)
            print(f"  {phase:48s} {gap:5.0f} ms (UI CPU {cpu:4.0f} ms)  {verdict}")
    print(f"  (annotation table, whole project, filtered: {gaps['_table rows'][0]:,} rows)")
    naive_ms = statistics.median(naive) * 1000
    print(f"naive: library refresh on the UI thread (as before): median {naive_ms:.0f} ms "
          "stall per open / coded annotation")  # fmt: skip
    print(f"csv-long export: {export_s:.1f} s (CPU {export_cpu:.1f} s) for {rows:,} rows"
          f" (target <= {TARGET_EXPORT_S:.0f} s"
          f" {ok(export_s <= TARGET_EXPORT_S)}); bare sqlite3+csv dump {bare_s:.1f} s "
          f"({export_s / bare_s:.1f}x)")  # fmt: skip


if __name__ == "__main__":
    main()

"""Building a big clip's preview cache never stalls the app's event loop, even on a loaded
machine: the build runs in a child process, the app only reads progress and the cache file.

Measured with the real window (offscreen) on a generated 30 s 1080x1920 H.264 clip, while
two busy-loop processes per core keep the machine loaded. With the build in a thread of the
app (the old way: its per-frame Python work and the PyAV/numpy calls that hold the GIL compete
with the UI thread, and at niceness 10 the thread holding the GIL waits long for a core) this
test failed: best of two 142 and 120 ms (windows 192/143 and 120/262 ms) at load 5-6. With the
child process it passed in six runs at load 3-8.5: 44-70 ms (docs/benchmarks.md, "Preview
cache").
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.media_fixtures import make_clip
from tests.scale_project import GapProbe

from .conftest import import_and_wait

MAX_GAP_MS = 100
WINDOW_S = 4.0  # each measured stretch of the build
LOAD_S = 40  # the busy loops end by themselves even if the test is killed
LOOPS_PER_CORE = 2  # load about 2x the cores, as on the shared machine at its busiest
BUSY_LOOP = f"import time\nend = time.time() + {LOAD_S}\nwhile time.time() < end:\n    pass\n"


@pytest.fixture(scope="session")
def big_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30 s 1080x1920 H.264 clip, keyframe every 5 s (phone footage size), made once."""
    path = tmp_path_factory.mktemp("big") / "phone_30s_1080x1920.mp4"
    make_clip(path, seconds=30.0, fps=30, width=1080, height=1920, keyint=150, crf=23)
    return path


@pytest.fixture
def machine_load() -> Iterator[Callable[[], None]]:
    """Call it to start CPU-bound processes (two per core), as other programs on a busy machine."""
    loops: list[subprocess.Popen] = []

    def start() -> None:
        count = LOOPS_PER_CORE * (os.cpu_count() or 2)
        loops.extend(subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(count))

    yield start
    for loop in loops:
        loop.kill()
        loop.wait()


@pytest.mark.slow  # about 45 s: making the 30 s 1080x1920 clip takes most of it
def test_building_previews_of_a_big_clip_under_load_never_stalls_the_ui(
    qtbot, window, big_clip: Path, machine_load: Callable[[], None]
) -> None:
    strips = window.timeline.strips
    import_and_wait(qtbot, window, [big_clip])
    qtbot.waitUntil(lambda: window.player.view.frame_index == 0, timeout=20000)
    # the build is storing frames (the builder runs at low priority: under load from the
    # start, it might not get that far within the test's time)
    qtbot.waitUntil(lambda: strips.progress[0] > 0, timeout=30000)
    machine_load()
    runs = []
    for _ in range(2):  # best of two: a busy neighbour can delay any tick once
        before = strips.progress[0]
        probe = GapProbe().start()
        end = time.monotonic() + WINDOW_S
        qtbot.waitUntil(lambda end=end: time.monotonic() >= end, timeout=int(WINDOW_S * 2000))
        runs.append(probe.stop())
        assert 0 < before <= strips.progress[0] < strips.progress[1]  # building all along
        if runs[-1] <= MAX_GAP_MS:
            break
    print(f"largest event-loop gaps while building: {runs} ms; built {strips.progress}")
    assert strips.progress[1] == 900
    assert min(runs) <= MAX_GAP_MS, f"the preview build stalled the UI for {min(runs):.0f} ms"

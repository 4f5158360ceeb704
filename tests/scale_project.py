"""Big projects for scale tests and ``benchmarks/bench_scale.py``, and an event-loop gap probe.

:func:`make_scale_project` writes a real SQLite project: a few real clips (imported the normal
way, so they play), then thousands of video rows whose files do not exist (the library marks
them missing, as after a moved folder), then annotations spread evenly over all clips, written
with one ``executemany`` (the rows are generated valid: frames inside the clip, times from the
clip's frame table, a listed value for codes with options). Built for speed, not for checks.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from annotators.coding import media_times
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Code, Video

CODERS = ("bench", "lee", "sam")
FAKE_FPS, FAKE_FRAMES = 30.0, 900  # 30 s clips
CHUNK = 50_000  # rows per executemany


def _fake_videos(count: int, start: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {"path": f"archive/clip_{n:05d}.mp4", "file_name": f"clip_{n:05d}.mp4",
         "content_hash": f"{n:064x}", "size_bytes": 4_000_000, "duration_s": FAKE_FRAMES / FAKE_FPS,
         "frame_count": FAKE_FRAMES, "fps": FAKE_FPS, "width": 1080, "height": 1920, "rotation": 0,
         "has_audio": False, "platform_meta": {}, "imported_at": now}
        for n in range(start, start + count)
    ]  # fmt: skip


def _frame_times(project: Project, videos: list[Video]) -> dict[int, Sequence[float]]:
    real = media_times(project)
    times: dict[int, Sequence[float]] = {}
    for video in videos:
        if project.video_path(video).is_file():
            times[video.id] = real(video)
        else:
            times[video.id] = [i / video.fps for i in range(video.frame_count)]
    return times


def make_scale_project(
    path: Path,
    clips: int,
    annotations: int,
    real_clips: Sequence[Path] = (),
    coders: Sequence[str] = CODERS,
    seed: int = 7,
) -> Path:
    """Create ``path`` with ``clips`` videos (``real_clips`` among them) and ``annotations``
    annotations by ``coders``; return ``path``."""
    rng = random.Random(seed)
    with Project.create(path) as project:
        if real_clips:
            run_job(project.import_media(list(real_clips)))
        with project.session() as session:
            have = len(session.execute(select(Video.id)).all())
            session.execute(insert(Video), _fake_videos(clips - have, have))
            session.commit()
            videos = list(session.exec(select(Video).order_by(Video.id)).scalars())
            codes = [
                c
                for c in session.exec(select(Code)).scalars()
                if c.kind in ("point", "interval") and not c.retired
            ]
        coder_ids = [project.coder(name).id for name in coders]
        times = _frame_times(project, videos)
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        sql = (
            "INSERT INTO annotation (uid, version, video_id, code_id, coder_id, start_frame,"
            " end_frame, start_s, end_s, value, note, source, created_at, updated_at)"
            " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?)"
        )
        connection = project.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for start in range(0, annotations, CHUNK):
                rows = [
                    _row(rng, videos[n % len(videos)], times, codes, coder_ids, now)
                    for n in range(start, min(start + CHUNK, annotations))
                ]
                cursor.executemany(sql, rows)
            connection.commit()
        finally:
            connection.close()
    return path


NOTES = ("", "", "", "on-screen text", "voice-over", "music only", "unsure: check again")


def _row(rng, video, times, codes, coders, now) -> tuple:  # type: ignore[no-untyped-def]
    """One valid annotation row for ``video`` (see :func:`make_scale_project`)."""
    code = codes[rng.randrange(len(codes))]
    frame_times = times[video.id]
    last = len(frame_times) - 1
    start = rng.randrange(last + 1)
    end = min(last, start + rng.randrange(1, 60)) if code.kind == "interval" else None
    value = code.options[rng.randrange(len(code.options))]["value"] if code.options else None
    return (
        os.urandom(16).hex(), video.id, code.id, coders[rng.randrange(len(coders))], start, end,
        float(frame_times[start]), None if end is None else float(frame_times[end]),
        None if value is None else str(value), NOTES[rng.randrange(len(NOTES))], now, now,
    )  # fmt: skip


class GapProbe:
    """Measures how long the Qt event loop stays away: a 5 ms timer records the largest gap
    between its ticks (a stall of the UI thread shows up as a gap that long).

    Beside each wall-clock gap it records the CPU time the UI thread itself used in it, which
    tells the UI thread's own work apart from waiting for a core on a loaded machine (or for
    the interpreter lock while a worker runs Python).
    """

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer(interval=interval_ms)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[tuple[float, float]] = []  # (wall, UI-thread CPU) seconds
        self._last = (0.0, 0.0)

    def start(self) -> GapProbe:
        self.gaps, self._last = [], (time.perf_counter(), time.thread_time())
        self.timer.start()
        return self

    def _tick(self) -> None:
        now = (time.perf_counter(), time.thread_time())
        self.gaps.append((now[0] - self._last[0], now[1] - self._last[1]))
        self._last = now

    def stop(self) -> float:
        """Stop; return the largest gap in milliseconds."""
        self.timer.stop()
        self._tick()
        return max(wall for wall, _cpu in self.gaps) * 1000

    @property
    def busiest_ms(self) -> float:
        """The most CPU the UI thread spent in one gap, in milliseconds."""
        return max((cpu for _wall, cpu in self.gaps), default=0.0) * 1000

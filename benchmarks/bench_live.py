"""Live view: how soon another process's edit reaches a watching app, and what it costs.

Usage: ``python benchmarks/bench_live.py [--edits N]``

- latency: a second project connection (as another coder's app) adds N annotations at
  irregular intervals while :func:`annotators.live.watch` waits in a thread; each edit's time
  from its commit to the watcher reporting its clip. SQLite (``data_version`` + the
  ``livechange`` log) and PostgreSQL (``LISTEN/NOTIFY``, the tests' throwaway cluster; skipped
  when no server is installed). Beside it the naive alternative, measured the same way: an
  app that re-reads the clip's annotations once a second (target: within 1 s).
- cost on SQLite: one poll that finds a change, and one absorb (after each own edit), on a
  project of 100,000 annotations; the triggers' price on a bulk insert of 100,000 annotations
  beside the same insert without the triggers.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from annotators.coding import Coding  # noqa: E402
from annotators.live import watch  # noqa: E402
from annotators.project import Project  # noqa: E402
from annotators.store.models import Code, Video  # noqa: E402

TIMES = [i / 30 for i in range(900)]


def _add_clips(project: Project, count: int) -> list[int]:
    with project.write_session() as session:
        videos = [Video(path=f"c{n}.mp4", file_name=f"c{n}.mp4", content_hash=f"{n:064x}",
                        size_bytes=1, duration_s=30.0, frame_count=900, fps=30.0, width=1080,
                        height=1920) for n in range(count)]  # fmt: skip
        session.add_all(videos)
        session.commit()
        return [video.id for video in videos]


def _latencies(path: Path, edits: int, watcher_of: Callable[[Project], object]) -> list[float]:
    """Seconds from each edit's commit to the watcher (``watcher_of(project)``) seeing it."""
    with Project.open(path) as mine, Project.open(path) as theirs:
        clips = [v.id for v in theirs.videos()]
        with theirs.session() as session:
            code = session.exec(select(Code).where(Code.kind == "point")).first().id
        coding, coder = Coding(theirs.session, times=lambda _v: TIMES), theirs.coder("bo").id
        watcher = watcher_of(mine)
        seen: dict[int, float] = {}
        stop = threading.Event()

        def listen() -> None:
            while not stop.is_set():
                for change in watcher.wait(0.2):
                    if change.video_id is not None:
                        seen.setdefault(change.video_id, time.perf_counter())

        thread = threading.Thread(target=listen)
        thread.start()
        rng, committed = random.Random(3), {}
        try:
            for clip in clips[:edits]:
                time.sleep(rng.uniform(0.05, 0.25))
                coding.add_annotation(clip, code, coder, rng.randrange(900))
                committed[clip] = time.perf_counter()
            deadline = time.perf_counter() + 3
            while len(seen) < len(committed) and time.perf_counter() < deadline:
                time.sleep(0.01)
        finally:
            stop.set()
            thread.join()
            watcher.close()
    return [seen[clip] - at for clip, at in committed.items() if clip in seen] + [
        float("inf") for clip in committed if clip not in seen
    ]


class NaivePoller:
    """The naive alternative: re-read every clip's annotation count once a second."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.last = self._counts()

    def _counts(self) -> dict[int, int]:
        from sqlalchemy import func

        from annotators.store.models import Annotation

        with self.project.session() as session:
            rows = session.exec(
                select(Annotation.video_id, func.count()).group_by(Annotation.video_id)
            )
            return dict(rows.all())

    def wait(self, timeout: float) -> list:  # type: ignore[type-arg]
        from annotators.live import Change

        time.sleep(1.0)
        now = self._counts()
        changed = [Change("annotation", v) for v in now if now[v] != self.last.get(v)]
        self.last = now
        return changed

    def close(self) -> None:
        pass


def _show(name: str, values: list[float]) -> None:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    print(f"  {name:<38} median {statistics.median(ms):6.0f} ms   p95 {p95:6.0f} ms   "
          f"max {ms[-1]:6.0f} ms   ({len(ms)} edits)")  # fmt: skip


def _bulk(path: Path, rows: int, triggers: bool) -> float:
    """Seconds to insert ``rows`` annotations in one executemany (triggers on or dropped)."""
    with sqlite3.connect(path) as connection:
        if not triggers:
            names = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'live_%'"
            ).fetchall()
            for (name,) in names:
                connection.execute(f"DROP TRIGGER {name}")
        video_ids = [r[0] for r in connection.execute("SELECT id FROM video")]
        code = connection.execute("SELECT id FROM code WHERE kind = 'point'").fetchone()[0]
        coder = connection.execute("SELECT min(id) FROM coder").fetchone()[0]
        data = [(f"{n:032x}", video_ids[n % len(video_ids)], code, coder, n % 900, (n % 900) / 30)
                for n in range(rows)]  # fmt: skip
        started = time.perf_counter()
        connection.executemany(
            "INSERT INTO annotation (uid, version, video_id, code_id, coder_id, start_frame,"
            " start_s, note, source, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, ?, '',"
            " 'manual', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            data,
        )
        connection.commit()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storyframe-bench-live-"))
    try:
        print(f"latency from another process's commit to the watching app ({args.edits} edits):")
        path = folder / "file.storyframe"
        with Project.create(path) as project:
            _add_clips(project, max(args.edits, 3000))
        _show("sqlite: data_version + livechange", _latencies(path, args.edits, watch))
        _show("sqlite: naive re-read every second", _latencies(path, args.edits, NaivePoller))
        _server_latency(folder, args.edits)
        _costs(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _server_latency(folder: Path, edits: int) -> None:
    from tests.pg_cluster import start_cluster

    try:
        cluster = start_cluster()
    except RuntimeError as error:
        print(f"  postgresql: skipped ({error})")
        return
    try:
        url = cluster.url(cluster.empty_database())
        with Project.create(folder / "server.storyframe", database=url) as project:
            _add_clips(project, edits)
        _show("postgresql: LISTEN/NOTIFY", _latencies(folder / "server.storyframe", edits, watch))
    finally:
        cluster.stop()


def _costs(folder: Path) -> None:
    print("cost on SQLite, 3,000 clips:")
    path = folder / "file.storyframe"
    copy = folder / "bare.storyframe"
    shutil.copy(path, copy)
    with_triggers, without = _bulk(path, 100_000, True), _bulk(copy, 100_000, False)
    print(f"  bulk insert of 100,000 annotations: {with_triggers:.2f} s with the triggers, "
          f"{without:.2f} s without")  # fmt: skip
    with Project.open(path) as mine, Project.open(path) as theirs:
        watcher = watch(mine)
        clip = theirs.videos()[10].id
        with theirs.session() as session:
            code = session.exec(select(Code).where(Code.kind == "point")).first().id
        Coding(theirs.session, times=lambda _v: TIMES).add_annotation(clip, code, 1, 5)
        started = time.perf_counter()
        found = watcher.wait(0)
        polled = time.perf_counter() - started
        started = time.perf_counter()
        watcher.absorb(["annotation", "suggestion"])
        absorbed = time.perf_counter() - started
        watcher.close()
    print(f"  poll finding the change ({len(found)} clip): {polled * 1000:.2f} ms; absorb after "
          f"an own edit: {absorbed * 1000:.2f} ms (200,000+ annotations)")  # fmt: skip


if __name__ == "__main__":
    main()

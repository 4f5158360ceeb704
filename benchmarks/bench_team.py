"""Team projects under load (issue 14).

Part ``coders``: 10 coder processes make 1,000 edits each (add, edit, delete, undo of their
own annotations, on clips they share) on one server project at once. Every edit's latency
is timed in the coder's process (the call, its commit and the history bookkeeping). After
the run the project's annotations must equal those of the same edit scripts replayed one
after another in one process: no lost and no doubled row. The same load on one SQLite
project file is measured beside it.

Part ``workers``: ``--clips`` (200) short spoken clips are queued on one server project and
``--workers`` (4) ``storyframe worker`` processes transcribe them with the bundled tiny.en;
one worker is killed with SIGKILL while it holds a clip, halfway through. Every clip must end
with exactly one transcript, the killed worker's clip taken over by another worker after the
stall timeout (``--stalled-after``). Beside it, the same clips with the single-process
``storyframe transcribe`` batch on a SQLite project (the naive alternative, same run).

Run: ``.venv/bin/python benchmarks/bench_team.py [--part coders] [--coders 10] [--edits 1000]
[--pace-ms 100]`` or ``--part workers [--workers 4] [--clips 200] [--stalled-after 10]``.
Starts a throwaway PostgreSQL cluster (tests/pg_cluster.py).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from annotators.coding import Coding  # noqa: E402
from annotators.jobs import run_job  # noqa: E402
from annotators.project import Project  # noqa: E402
from annotators.store.models import Annotation, Code, Coder  # noqa: E402

CLIP = ROOT / "tests" / "data" / "speech.mp4"
# what a coder does, by weight: most edits add or adjust; some delete, some undo
ACTIONS = (("add", 45), ("edit", 35), ("delete", 12), ("undo", 8))


def _codes(project: Project) -> list[tuple[int, str]]:
    with project.session() as session:
        rows = session.exec(select(Code).where(Code.kind.in_(("point", "interval"))))  # type: ignore[attr-defined]
        return sorted((code.id, code.kind) for code in rows if not code.retired)  # type: ignore[misc]


def coder_script(
    path: str, coder_name: str, edits: int, seed: int, pace_s: float = 0.0, barrier=None
) -> list[float]:  # type: ignore[no-untyped-def]
    """Make ``edits`` random edits as ``coder_name`` and return each edit's latency (s).

    ``pace_s`` is the mean pause between edits (exponential, from its own random stream so
    the edits themselves do not depend on it); 0 edits flat out.
    """
    rng, pauses = random.Random(seed), random.Random(seed + 1)
    with Project.open(path) as project:
        coding = Coding.for_project(project)
        coder_id = project.coder(coder_name).id
        video = project.videos()[0]
        codes = _codes(project)
        mine: list[int] = []
        latencies: list[float] = []
        names, weights = zip(*ACTIONS, strict=True)
        if barrier is not None:
            barrier.wait()
        for _ in range(edits):
            if pace_s:
                time.sleep(pauses.expovariate(1 / pace_s))
            action = rng.choices(names, weights)[0]
            if action != "add" and not mine:
                action = "add"
            code_id, kind = rng.choice(codes)
            start = rng.randrange(0, video.frame_count - 40)
            began = time.perf_counter()
            if action == "add":
                end = start + rng.randrange(1, 40) if kind == "interval" else None
                mine.append(coding.add_annotation(video.id, code_id, coder_id, start, end).id)
            elif action == "edit":
                coding.update_annotation(rng.choice(mine), note=f"note {rng.random():.6f}")
            elif action == "delete":
                target = mine.pop(rng.randrange(len(mine)))
                coding.delete_annotation(target)
            else:
                coding.undo()
                mine = _my_ids(project, coder_id)
            latencies.append(time.perf_counter() - began)
        return latencies


def _my_ids(project: Project, coder_id: int) -> list[int]:
    with project.session() as session:
        rows = session.exec(select(Annotation.id).where(Annotation.coder_id == coder_id))
        return sorted(rows)  # type: ignore[arg-type]


def final_state(path: str) -> list[tuple]:
    """Every annotation as (coder, code, start, end, note), sorted: ids and times excluded."""
    with Project.open(path) as project, project.session() as session:
        names = {c.id: c.name for c in session.exec(select(Coder))}
        return sorted(
            (names[a.coder_id], a.code_id, a.start_frame, a.end_frame, a.note)
            for a in session.exec(select(Annotation))
        )


def make_project(path: Path, database: str | None) -> str:
    with Project.create(path, database=database) as project:
        run_job(project.import_media([CLIP]))
    return str(path)


def run_concurrent(path: str, coders: int, edits: int, pace_s: float) -> tuple[list[float], float]:
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(coders)
        with context.Pool(coders) as pool:
            began = time.perf_counter()
            results = pool.starmap(
                coder_script,
                [(path, f"coder{i}", edits, 1000 + i, pace_s, barrier) for i in range(coders)],
            )
            wall = time.perf_counter() - began
    return [lat for latencies in results for lat in latencies], wall


def run_sequential(path: str, coders: int, edits: int) -> None:
    for i in range(coders):
        coder_script(path, f"coder{i}", edits, 1000 + i)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def bench_coders(make_database, coders: int, edits: int, pace_s: float) -> None:  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix="bench-team-"))
    print(
        f"{coders} coder processes x {edits} edits on one project, clip {CLIP.name}; paced: "
        f"a pause of {pace_s * 1000:.0f} ms on average between a coder's edits (faster than "
        "any person keys), flat out: none"
    )
    for backend in ("postgresql", "sqlite"):
        url = make_database if backend == "postgresql" else lambda: None
        alone = make_project(folder / f"{backend}-sequential.storyframe", url())
        began = time.perf_counter()
        run_sequential(alone, coders, edits)
        print(f"  {backend}: sequential replay in one process {time.perf_counter() - began:.1f} s")
        expected = final_state(alone)
        for mode, pause in (("paced", pace_s), ("flat out", 0.0)):
            shared = make_project(folder / f"{backend}-{mode}.storyframe", url())
            latencies, wall = run_concurrent(shared, coders, edits, pause)
            together = final_state(shared)
            same = "equal" if together == expected else "DIFFERENT"
            print(
                f"  {backend:10s} {mode:8s}: {len(latencies)} edits in {wall:5.1f} s "
                f"({len(latencies) / wall:4.0f}/s); latency median "
                f"{statistics.median(latencies) * 1000:5.1f} ms, p95 {p95(latencies) * 1000:5.1f}"
                f" ms, max {max(latencies) * 1000:6.1f} ms; {len(together)} annotations, "
                f"{same} to the sequential replay ({len(expected)})"
            )


# --- part "workers" ---------------------------------------------------------------------

STORYFRAME = (sys.executable, "-c", "from annotators.cli import main; main()")


def make_clips(folder: Path, count: int, seed: int = 3) -> list[Path]:
    """``count`` distinct 1.5-3 s clips cut at random places of the spoken fixture."""
    import numpy as np

    from annotators.media.audio import load_audio
    from tests.data.make_speech_fixture import RATE, write_clip

    audio, rng = load_audio(CLIP), random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        length = int(rng.uniform(1.5, 3.0) * RATE)
        start = rng.randrange(0, len(audio) - length)
        # a little noise of its own: no two clips have the same content hash
        noise = np.random.default_rng(index).normal(0, 0.002, length).astype(np.float32)
        path = folder / f"clip_{index:03d}.mp4"
        write_clip(audio[start : start + length] + noise, path)
        paths.append(path)
    return paths


def _import(path: Path, media: Path, database: str | None) -> None:
    with Project.create(path, database=database) as project:
        report = run_job(project.import_media([media]))
        assert len(report.imported) == len(list(media.glob("*.mp4"))), report


def _worker(path: Path, stalled_after: float):  # type: ignore[no-untyped-def]
    import subprocess

    argv = [*STORYFRAME, "worker", str(path), "--stalled-after", str(stalled_after)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _transcripts_per_clip(project: Project) -> list[int]:
    from sqlalchemy import text

    with project.engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT count(t.id) FROM video v LEFT JOIN transcript t ON t.video_id = v.id "
            "GROUP BY v.id"
        )).scalars())  # fmt: skip


def _holding_clip(project: Project, pid: int) -> int | None:
    """The job worker ``pid`` is transcribing right now, if any."""
    from sqlalchemy import text

    with project.engine.connect() as connection:
        return connection.execute(text(
            "SELECT a.job_id FROM storyframe_queue_attempts a JOIN procrastinate_jobs j "
            "ON j.id = a.job_id WHERE a.pid = :pid AND a.finished_at IS NULL "
            "AND j.status = 'doing'"
        ), {"pid": pid}).scalar()  # fmt: skip


def run_workers(path: Path, workers: int, stalled_after: float) -> tuple[float, int, bool]:
    """Queue every clip, run ``workers`` worker processes, SIGKILL one halfway while it
    holds a clip; return (wall seconds, the killed job, whether it finished elsewhere)."""
    import os
    import signal

    from sqlalchemy import text

    from annotators.queue import enqueue_clips, queue_status

    with Project.open(path) as project:
        began = time.perf_counter()
        total = len(enqueue_clips(project).job_ids)
        started = [_worker(path, stalled_after) for _ in range(workers)]
        victim, killed_job = started[0], None
        try:
            while not (status := queue_status(project)).finished:
                if killed_job is None and status.count("done") >= total // 2:
                    killed_job = _holding_clip(project, victim.pid)
                    if killed_job is not None:
                        os.kill(victim.pid, signal.SIGKILL)
                        print(
                            f"  killed worker {victim.pid} (SIGKILL) while it held job "
                            f"{killed_job}, at {status.count('done')}/{total} clips done"
                        )
                time.sleep(0.02 if killed_job is None else 0.2)
            wall = time.perf_counter() - began
        finally:
            for worker in started:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGINT)
            for worker in started:
                worker.communicate(timeout=60)
        with project.engine.connect() as connection:
            pids = connection.execute(text(
                "SELECT pid FROM storyframe_queue_attempts WHERE job_id = :job ORDER BY id"
            ), {"job": killed_job}).scalars().all()  # fmt: skip
        taken_over = len(pids) >= 2 and pids[-1] != victim.pid
        counts = _transcripts_per_clip(project)
        print(
            f"  {status.summary()}; transcripts per clip: min {min(counts)}, "
            f"max {max(counts)} over {len(counts)} clips"
        )
        assert status.count("done") == total and set(counts) == {1}, "not exactly once"
    return wall, killed_job or 0, taken_over


def run_batch(path: Path) -> float:
    """The single-process ``storyframe transcribe`` batch on ``path``; wall seconds."""
    import subprocess

    began = time.perf_counter()
    done = subprocess.run([*STORYFRAME, "transcribe", str(path)], capture_output=True, text=True)
    wall = time.perf_counter() - began
    assert done.returncode == 0, done.stderr[-2000:]
    with Project.open(path) as project:
        assert set(_transcripts_per_clip(project)) == {1}
    return wall


def bench_workers(make_database, workers: int, clips: int, stalled_after: float) -> None:  # type: ignore[no-untyped-def]
    """Print both runs' wall time and clips per minute, and the exactly-once check."""
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        media = Path(tmp) / "media"
        make_clips(media, clips)
        team, solo = Path(tmp) / "team.storyframe", Path(tmp) / "solo.storyframe"
        _import(team, media, make_database())
        _import(solo, media, None)
        print(
            f"workers: {clips} clips, {workers} worker processes, one SIGKILLed halfway "
            f"(stall timeout {stalled_after:.0f} s)"
        )
        wall, job, taken_over = run_workers(team, workers, stalled_after)
        print(f"  killed worker's clip (job {job}) finished by another worker: {taken_over}")
        solo_wall = run_batch(solo)
        print(
            f"  {workers} workers (server): {wall:6.1f} s, {clips / wall * 60:6.1f} clips/min, "
            "every clip exactly once"
        )
        print(
            f"  1 batch process (SQLite): {solo_wall:6.1f} s, "
            f"{clips / solo_wall * 60:6.1f} clips/min"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("coders", "workers", "all"), default="all")
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--pace-ms", type=float, default=100.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clips", type=int, default=200)
    parser.add_argument("--stalled-after", type=float, default=10.0)
    args = parser.parse_args()
    import os

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    from tests.pg_cluster import start_cluster

    cluster = start_cluster()
    try:

        def make_database() -> str:
            return cluster.url(cluster.new_database())

        if args.part in ("coders", "all"):
            bench_coders(make_database, args.coders, args.edits, args.pace_ms / 1000)
        if args.part in ("workers", "all"):
            bench_workers(make_database, args.workers, args.clips, args.stalled_after)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()

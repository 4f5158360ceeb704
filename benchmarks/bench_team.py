"""Team projects under load (issue 14).

Part ``coders``: 10 coder processes make 1,000 edits each (add, edit, delete, undo of their
own annotations, on clips they share) on one server project at once. Every edit's latency
is timed in the coder's process (the call, its commit and the history bookkeeping). After
the run the project's annotations must equal those of the same edit scripts replayed one
after another in one process: no lost and no doubled row. The same load on one SQLite
project file is measured beside it.

Part ``workers`` (see ``bench_team_workers`` in this file when present): transcription
workers over a shared queue.

Run: ``.venv/bin/python benchmarks/bench_team.py [--part coders] [--coders 10] [--edits 1000]
[--pace-ms 100]``. Starts a throwaway PostgreSQL cluster (tests/pg_cluster.py).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("coders", "workers", "all"), default="all")
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--pace-ms", type=float, default=100.0)
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
            workers = globals().get("bench_workers")
            if workers is not None:
                workers(make_database)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()

"""Reliability report on a large study: 500 clips x 3 coders x 30 clip variables plus 20
interval codes (about ``--marks`` annotations per clip, coder and code), bootstrap 1,000 draws.

Target (issue 9): the whole report (loading from the project file included) in <= 10 s.
Printed beside naive alternatives measured in the same run: the ``krippendorff`` package
(GPL, test/bench only) per clip variable with a bootstrap that calls it once per draw, and a
pure-Python loop for unitizing alpha's observed disagreement. The naive bootstrap is timed on
``--naive-draws`` draws and scaled to 1,000 (said so in the output).

Run: ``python benchmarks/bench_reliability.py [--marks 20]``. The project is generated once
and cached in ``$TMPDIR/storyframe-bench``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert  # noqa: E402
from sqlmodel import select  # noqa: E402

from annotators.codebook import CodebookSpec, CodeSpec, Option, install_codebook  # noqa: E402
from annotators.project import Project  # noqa: E402
from annotators.reliability import reliability_report  # noqa: E402
from annotators.reliability.data import load_study  # noqa: E402
from annotators.store.models import Annotation, ClipValue, Code, Video, new_uid, utcnow  # noqa: E402

CLIPS, CODERS, CLIP_VARS, INTERVAL_CODES, FPS, FRAMES, DRAWS = 500, 3, 30, 20, 30.0, 900, 1000
TARGET_S = 10.0


def codebook() -> CodebookSpec:
    scale = tuple(Option(str(v), f"level {v}") for v in range(1, 6))
    kinds = [("nominal", tuple(Option(v, v) for v in "abcd")), ("ordinal", scale), ("number", ())]
    clip_vars = tuple(
        CodeSpec(
            key=f"var_{i:02d}",
            label=f"Variable {i}",
            kind="clip",
            value_type=kinds[i % 3][0],
            options=kinds[i % 3][1],
        )  # fmt: skip
        for i in range(CLIP_VARS)
    )
    intervals = tuple(
        CodeSpec(key=f"span_{i:02d}", label=f"Span {i}", kind="interval")
        for i in range(INTERVAL_CODES)
    )
    return CodebookSpec(name="bench", codes=clip_vars + intervals)


def _clip_value(rng: random.Random, code: Code, truth: int) -> str:
    """Agree with the truth 80 % of the time."""
    pick = truth if rng.random() < 0.8 else rng.randrange(5)
    if code.value_type == "nominal":
        return "abcd"[pick % 4]
    if code.value_type == "ordinal":
        return str(pick + 1)
    return str(pick * 2.5)


def _spans(rng: random.Random, marks: int) -> list[tuple[int, int]]:
    """``marks`` true intervals spread over the clip."""
    step = FRAMES // marks
    return [(k * step + 2, k * step + step // 2) for k in range(marks)]


def build(path: Path, marks: int) -> None:
    rng = random.Random(9)
    now = utcnow()
    with Project.create(path, default_codebook=False) as project:
        coders = [project.coder(f"coder{c}").id for c in range(CODERS)]
        with project.session() as session:
            install_codebook(session, codebook())
            videos = [
                Video(
                    path=f"synthetic/c{n:03d}.mp4",
                    file_name=f"c{n:03d}.mp4",
                    content_hash=f"{n:064x}",
                    size_bytes=1,
                    duration_s=FRAMES / FPS,
                    frame_count=FRAMES,
                    fps=FPS,
                    width=1080,
                    height=1920,
                )  # fmt: skip
                for n in range(CLIPS)
            ]
            session.add_all(videos)
            session.flush()
            codes = list(session.exec(select(Code).where(Code.kind != "category")))
            values, annotations = [], []
            for video in videos:
                for code in codes:
                    if code.kind == "clip":
                        truth = rng.randrange(5)
                        values += [
                            dict(uid=new_uid(), version=1, video_id=video.id, code_id=code.id,
                                 coder_id=c, value=_clip_value(rng, code, truth),
                                 created_at=now, updated_at=now)
                            for c in coders
                        ]  # fmt: skip
                        continue
                    for start, end in _spans(rng, marks):
                        for c in coders:
                            if rng.random() < 0.1:
                                continue  # this coder missed it
                            s = max(0, start + rng.randint(-3, 3))
                            e = min(FRAMES - 1, max(s, end + rng.randint(-3, 3)))
                            annotations.append(dict(
                                uid=new_uid(), version=1, video_id=video.id, code_id=code.id,
                                coder_id=c, start_frame=s, end_frame=e, start_s=s / FPS,
                                end_s=e / FPS, value=None, note="", source="manual",
                                created_at=now, updated_at=now))  # fmt: skip
            session.execute(insert(ClipValue), values)
            session.execute(insert(Annotation), annotations)
            session.commit()


def naive_clip_variables(project: Project, draws: int) -> tuple[float, int]:
    """The krippendorff package per clip variable, bootstrap = one call per resample."""
    import krippendorff  # GPL-3: benchmarks and tests only

    data = load_study(project)
    units = data.units()
    column = {v: j for j, v in enumerate(units)}
    row = {c.id: i for i, c in enumerate(data.coders)}
    start = time.perf_counter()
    rng = np.random.default_rng(1)
    for code in data.codes:
        if code.kind != "clip":
            continue
        level = {"nominal": "nominal", "ordinal": "ordinal", "number": "interval"}[code.value_type]
        matrix = np.full((len(row), len(units)), np.nan)
        for (video, coder), value in data.values[code.id].items():
            matrix[row[coder], column[video]] = (
                "abcd".index(value) if code.value_type == "nominal" else float(value)
            )
        krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
        for _ in range(draws):
            pick = rng.integers(0, len(units), len(units))
            krippendorff.alpha(reliability_data=matrix[:, pick], level_of_measurement=level)
    return time.perf_counter() - start, len(units)


def naive_unitizing_observed(project: Project) -> float:
    """Pure-Python loops over every pair of segments for u-alpha's D_o, all interval codes."""
    data = load_study(project)
    start = time.perf_counter()
    for marks in data.marks.values():
        per = {}
        columns = (marks.video_id, marks.coder_id, marks.start_frame, marks.end_frame)
        for v, c, s, e in zip(*(col.tolist() for col in columns), strict=True):
            per.setdefault((v, c), []).append((s, e + 1))
        total = 0.0
        coders = [c.id for c in data.coders]
        for video in data.units():
            for i in coders:
                for j in coders:
                    if i == j:
                        continue
                    for bs, be in per.get((video, i), []):
                        alone = True
                        for cs, ce in per.get((video, j), []):
                            if bs < ce and cs < be:
                                total += (bs - cs) ** 2 + (be - ce) ** 2
                                alone = False
                        if alone:
                            total += (be - bs) ** 2
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=20, help="annotations per clip, coder, code")
    parser.add_argument("--naive-draws", type=int, default=100)
    args = parser.parse_args()
    cache = (
        Path(tempfile.gettempdir()) / "storyframe-bench" / f"reliability-{args.marks}.storyframe"
    )
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        print(f"building {cache} ...", flush=True)
        partial = cache.with_suffix(".partial.storyframe")
        partial.unlink(missing_ok=True)
        build(partial, args.marks)
        partial.replace(cache)
    with Project.open(cache) as project:
        with project.session() as session:
            n_marks = session.exec(select(func.count()).select_from(Annotation)).one()
        start, cpu = time.perf_counter(), time.process_time()
        report = reliability_report(project, boot=DRAWS, seed=1)
        ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
        naive_s, _ = naive_clip_variables(project, args.naive_draws)
        naive_u = naive_unitizing_observed(project)
    methods = sorted({r.method for r in report.results})
    scale = DRAWS / max(args.naive_draws, 1)
    print(f"study: {CLIPS} clips x {CODERS} coders, {CLIP_VARS} clip variables, "
          f"{INTERVAL_CODES} interval codes, {n_marks:,} annotations; "
          f"bootstrap {DRAWS} draws")  # fmt: skip
    print(
        f"results: {len(report.results)} ({', '.join(methods)}), "
        f"{len(report.disagreements):,} disagreements; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"storyframe, whole report (load + all methods + bootstrap): {ours:.2f} s, "
        f"CPU {ours_cpu:.2f} s (target <= {TARGET_S:.0f} s: "
        f"{'ok' if ours <= TARGET_S else 'MISSED'})"
    )
    print(
        f"naive, krippendorff package on the 30 clip variables only, bootstrap by one call "
        f"per draw: {naive_s:.2f} s for {args.naive_draws} draws, about {naive_s * scale:.0f} s "
        f"for {DRAWS} (x{scale:.0f})"
    )
    print(
        f"naive, pure-Python u-alpha observed disagreement of the 20 codes (no D_e, no "
        f"bootstrap): {naive_u:.2f} s"
    )


if __name__ == "__main__":
    main()

"""Analysing a whole project: shot cuts, on-screen text, suggestions; resumable, per clip.

:func:`analyze_project` is a job (see :mod:`annotators.jobs`). For each clip it runs the
asked steps in order ``shots`` -> ``ocr`` (sampling at the new cuts) -> ``suggest`` (matching
the new text), committing each step's result as soon as it is done, so cancelling (closing the
generator), Ctrl+C or a crash loses at most the step under way, and the next run skips steps
already done (a current run of that step exists) unless ``force``. A clip that cannot be
decoded is reported as failed and the batch goes on with the next clip.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotators.analysis.ocr import OcrSettings, TextReader, read_onscreen_text
from annotators.analysis.storage import (
    STEP_OCR,
    STEP_SHOTS,
    AnalysisSource,
    current_analysis,
    load_cuts,
    save_cuts,
    save_texts,
)
from annotators.errors import AnalysisError, MediaError
from annotators.jobs import Job, Progress
from annotators.store.models import Video

if TYPE_CHECKING:
    from annotators.project import Project

STEP_SUGGEST = "suggest"
ALL_STEPS = (STEP_SHOTS, STEP_OCR, STEP_SUGGEST)
DEFAULT_CODER = "suggestions"  # whose suggestions they are when no coder is named


@dataclass(frozen=True)
class StepOutcome:
    """One step on one clip: ``status`` ok, failed or skipped; ``count`` cuts, text
    occurrences or suggestions made; ``analysis_id`` the stored run (None for suggest)."""

    video_id: int
    path: Path
    step: str
    status: str
    count: int = 0
    analysis_id: int | None = None
    reason: str = ""


@dataclass
class AnalyzeReport:
    """What a batch did: steps done, failed (with the reason), skipped (nothing to do), how
    many clip steps were already done before, and the clips' total duration and wall time."""

    done: list[StepOutcome] = field(default_factory=list)
    failed: list[StepOutcome] = field(default_factory=list)
    skipped: list[StepOutcome] = field(default_factory=list)
    already_done: int = 0
    video_s: float = 0.0
    processing_s: float = 0.0

    def failed_clips(self) -> list[int]:
        return sorted({o.video_id for o in self.failed})


def check_steps(steps: Sequence[str]) -> tuple[str, ...]:
    """``steps`` in run order; AnalysisError names an unknown one."""
    unknown = [s for s in steps if s not in ALL_STEPS]
    if unknown or not steps:
        raise AnalysisError(
            f"unknown analysis step {', '.join(unknown) or '(none)'}; use {','.join(ALL_STEPS)}"
        )
    return tuple(s for s in ALL_STEPS if s in steps)


def analyze_project(
    project: Project,
    video_ids: Sequence[int] | None = None,
    steps: Sequence[str] = ALL_STEPS,
    force: bool = False,
    coder: str | None = None,
    *,
    ocr_settings: OcrSettings | None = None,
    reader: TextReader | None = None,
) -> Job[AnalyzeReport]:
    """Job running ``steps`` on the project's clips (all, or ``video_ids``).

    Progress ``done``/``total`` counts clips (fractions while a clip is read). Suggestions are
    made for ``coder`` (created if new; default ``suggestions``). ``reader`` reuses a loaded
    OCR engine. Raises AnalysisError before any work for an unknown step or a missing engine,
    ProjectError for an unknown video id.
    """
    order = check_steps(steps)
    videos = project.videos() if video_ids is None else [project.video(i) for i in video_ids]
    if STEP_OCR in order and reader is None:
        reader = TextReader(ocr_settings)
    if STEP_SHOTS in order:
        _shots_module()  # a missing PySceneDetect is said before any work
    coder_id = project.coder(coder or DEFAULT_CODER).id if STEP_SUGGEST in order else None
    report = AnalyzeReport()
    started = time.perf_counter()
    yield Progress(0, len(videos), f"{len(videos)} clips to analyse")
    for number, video in enumerate(videos):
        yield from _clip(project, video, order, force, reader, coder_id, report, number, videos)
        report.processing_s = time.perf_counter() - started
        yield Progress(number + 1, len(videos), f"{video.file_name}: {_summary(report, video)}")
    return report


def _clip(
    project: Project,
    video: Video,
    order: tuple[str, ...],
    force: bool,
    reader: TextReader | None,
    coder_id: int | None,
    report: AnalyzeReport,
    number: int,
    videos: list[Video],
) -> Iterator[Progress]:
    """Run the steps on one clip; a MediaError fails the clip's remaining steps."""
    path = project.video_path(video)
    ran_any = False
    for step in order:
        if step != STEP_SUGGEST and not force and _done_before(project, video.id, step):
            report.already_done += 1
            continue
        try:
            if step == STEP_SHOTS:
                outcome = _run_shots(project, video, path)
            elif step == STEP_OCR:
                outcome = yield from _run_ocr(project, video, path, reader, number, len(videos))
            else:
                outcome = _run_suggest(project, video, path, coder_id)
        except MediaError as error:
            report.failed.append(StepOutcome(video.id, path, step, "failed", reason=str(error)))
            return
        report.done.append(outcome)
        ran_any = True
    if ran_any:
        report.video_s += video.duration_s


def _done_before(project: Project, video_id: int, step: str) -> bool:
    with project.session() as session:
        return current_analysis(session, video_id, step) is not None


def _run_shots(project: Project, video: Video, path: Path) -> StepOutcome:
    shots = _shots_module()
    started = time.perf_counter()
    cuts = shots.detect_cuts(project, video)
    source = AnalysisSource(
        shots.ENGINE, shots.engine_version(), shots.settings(), time.perf_counter() - started
    )
    with project.session() as session:
        row = save_cuts(session, video.id, cuts, source)
        session.commit()
    return StepOutcome(video.id, path, STEP_SHOTS, "ok", len(cuts), row.id)


def _run_ocr(
    project: Project, video: Video, path: Path, reader: TextReader, number: int, total: int
) -> Iterator[Progress]:
    with project.session() as session:
        cuts = [c.frame for c in load_cuts(session, video.id)]
    job = read_onscreen_text(path, reader, cuts)
    try:
        while True:
            try:
                inner = next(job)
            except StopIteration as stop:
                result = stop.value
                break
            share = inner.done / inner.total if inner.total else 0.0
            yield Progress(number + share, total, f"{video.file_name}: on-screen text")
    finally:
        job.close()  # a cancelled batch releases the clip's decoder now
    with project.session() as session:
        row = save_texts(session, video.id, result.occurrences, result.source)
        session.commit()
    return StepOutcome(video.id, path, STEP_OCR, "ok", len(result.occurrences), row.id)


def _run_suggest(project: Project, video: Video, path: Path, coder_id: int) -> StepOutcome:
    from annotators.analysis.suggest import suggest_for_clip

    made = suggest_for_clip(project, video.id, coder_id)
    return StepOutcome(video.id, path, STEP_SUGGEST, "ok", len(made))


def _shots_module():  # type: ignore[no-untyped-def]  # the module, imported on first use
    try:
        import scenedetect  # noqa: F401

        from annotators.analysis import shots
    except ImportError as error:
        raise AnalysisError(
            f"shot cuts need PySceneDetect ({error}); install it with: "
            "pip install --no-deps scenedetect==0.7.2"
        ) from None
    return shots


def _summary(report: AnalyzeReport, video: Video) -> str:
    done = [o for o in report.done if o.video_id == video.id]
    failed = [o for o in report.failed if o.video_id == video.id]
    if failed:
        return f"failed: {failed[0].reason}"
    names = {STEP_SHOTS: "cuts", STEP_OCR: "texts", STEP_SUGGEST: "suggestions"}
    parts = [f"{o.count} {names[o.step]}" for o in done]
    return ", ".join(parts) or "already analysed"

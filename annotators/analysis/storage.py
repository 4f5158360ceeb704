"""Analysis runs in the project database: shot cuts and on-screen text with their provenance.

Each clip has at most one ``is_current`` run per step (``ocr``, ``shots``). Saving a new run
makes it current and keeps the older ones (not current) until the user discards them, exactly
like transcripts (:mod:`annotators.transcribe.storage`), so a worse run never silently replaces
a result coders rely on. Every function adds to ``session`` and flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, delete, select

from annotators.errors import AnalysisError
from annotators.store.models import Analysis, OnscreenText, ShotCut

STEP_OCR = "ocr"
STEP_SHOTS = "shots"
STEPS = (STEP_OCR, STEP_SHOTS)


@dataclass(frozen=True)
class AnalysisSource:
    """What produced a run: enough to reproduce it (engine, its version, the settings used)
    and the wall time it took (``processing_s``)."""

    engine: str
    engine_version: str
    settings: dict[str, Any] = field(default_factory=dict)
    processing_s: float | None = None


@dataclass(frozen=True)
class Cut:
    """A hard cut: ``frame`` is the first frame of the new shot, ``time_s`` its start time
    from the clip's frame table."""

    frame: int
    time_s: float


@dataclass(frozen=True)
class TextOccurrence:
    """Text read on screen from ``start_frame`` to ``end_frame`` (inclusive); times are the
    frames' start times from the frame table; ``box`` is ``(x0, y0, x1, y1)`` in display
    pixels of the full frame."""

    start_frame: int
    end_frame: int
    start_s: float
    end_s: float
    text: str
    confidence: float
    box: tuple[float, float, float, float]


def save_analysis(session: Session, video_id: int, step: str, source: AnalysisSource) -> Analysis:
    """Add a new current run of ``step`` for ``video_id``; the previous current one is kept,
    no longer current. Returns the flushed row (its id is set)."""
    _check_step(step)
    _retire_current(session, video_id, step)
    analysis = Analysis(
        video_id=video_id,
        step=step,
        engine=source.engine,
        engine_version=source.engine_version,
        settings=dict(source.settings),
        processing_s=source.processing_s,
        is_current=True,
    )
    session.add(analysis)
    session.flush()
    return analysis


def save_cuts(
    session: Session, video_id: int, cuts: Iterable[Cut | tuple[int, float]], source: AnalysisSource
) -> Analysis:
    """Store ``cuts`` (``Cut`` or ``(frame, time_s)``) as the current ``shots`` run of the clip.

    An empty list is a valid result (a single-shot clip) and still records the run, so the
    clip counts as analysed. Returns the new :class:`Analysis` row.
    """
    analysis = save_analysis(session, video_id, STEP_SHOTS, source)
    for frame, time_s in sorted({(int(c[0]), float(c[1])) for c in map(_cut_pair, cuts)}):
        session.add(ShotCut(analysis_id=analysis.id, video_id=video_id, frame=frame, time_s=time_s))
    session.flush()
    return analysis


def load_cuts(session: Session, video_id: int, analysis_id: int | None = None) -> list[ShotCut]:
    """The cuts of the clip's current ``shots`` run (or of run ``analysis_id``), in frame
    order; an empty list when the clip has no shots run."""
    if analysis_id is None:
        current = current_analysis(session, video_id, STEP_SHOTS)
        if current is None:
            return []
        analysis_id = current.id
    query = select(ShotCut).where(ShotCut.analysis_id == analysis_id)
    return list(session.exec(query.order_by(col(ShotCut.frame))))


def save_texts(
    session: Session, video_id: int, occurrences: Iterable[TextOccurrence], source: AnalysisSource
) -> Analysis:
    """Store on-screen text ``occurrences`` as the current ``ocr`` run of the clip.

    A clip without any text still records the run. Returns the new :class:`Analysis` row.
    """
    analysis = save_analysis(session, video_id, STEP_OCR, source)
    for occ in occurrences:
        session.add(_text_row(analysis.id, video_id, occ))
    session.flush()
    return analysis


def load_texts(
    session: Session, video_id: int, analysis_id: int | None = None
) -> list[OnscreenText]:
    """The text occurrences of the clip's current ``ocr`` run (or of run ``analysis_id``),
    ordered by start frame then top-to-bottom; empty when the clip has no OCR run."""
    if analysis_id is None:
        current = current_analysis(session, video_id, STEP_OCR)
        if current is None:
            return []
        analysis_id = current.id
    query = select(OnscreenText).where(OnscreenText.analysis_id == analysis_id)
    rows = list(session.exec(query.order_by(col(OnscreenText.start_frame), col(OnscreenText.id))))
    return sorted(rows, key=lambda r: (r.start_frame, (r.box or [0, 0])[1], r.id))


def current_analysis(session: Session, video_id: int, step: str) -> Analysis | None:
    """The current run of ``step`` for the clip, or None when the step never ran on it."""
    _check_step(step)
    rows = _current_rows(session, video_id, step)
    return rows[0] if rows else None


def analysis_versions(session: Session, video_id: int, step: str | None = None) -> list[Analysis]:
    """Every run kept for the clip (only ``step``'s if given), newest first."""
    query = select(Analysis).where(Analysis.video_id == video_id)
    if step is not None:
        _check_step(step)
        query = query.where(Analysis.step == step)
    return list(session.exec(query.order_by(col(Analysis.id).desc())))


def set_current_analysis(session: Session, analysis_id: int) -> Analysis:
    """Make an older run the current one of its clip and step again."""
    analysis = _get(session, analysis_id)
    _retire_current(session, analysis.video_id, analysis.step)
    analysis.is_current = True
    session.add(analysis)
    session.flush()
    return analysis


def discard_analysis(session: Session, analysis_id: int) -> Analysis | None:
    """Delete a run with its cuts or text occurrences.

    When the discarded run was current, the newest remaining run of the same step becomes
    current. Returns the current run of that clip and step afterwards (None if none is left).
    """
    analysis = _get(session, analysis_id)
    video_id, step, was_current = analysis.video_id, analysis.step, analysis.is_current
    session.exec(delete(ShotCut).where(col(ShotCut.analysis_id) == analysis_id))
    session.exec(delete(OnscreenText).where(col(OnscreenText.analysis_id) == analysis_id))
    session.delete(analysis)
    session.flush()
    remaining = analysis_versions(session, video_id, step)
    if was_current and remaining:
        return set_current_analysis(session, remaining[0].id)
    return current_analysis(session, video_id, step)


def _cut_pair(cut: Cut | tuple[int, float]) -> tuple[int, float]:
    if isinstance(cut, Cut):
        return cut.frame, cut.time_s
    frame, time_s = cut
    return frame, time_s


def _text_row(analysis_id: int, video_id: int, occ: TextOccurrence) -> OnscreenText:
    return OnscreenText(
        analysis_id=analysis_id,
        video_id=video_id,
        start_frame=occ.start_frame,
        end_frame=occ.end_frame,
        start_s=occ.start_s,
        end_s=occ.end_s,
        text=occ.text,
        confidence=float(occ.confidence),
        box=[float(v) for v in occ.box],
    )


def _check_step(step: str) -> None:
    if step not in STEPS:
        raise AnalysisError(f"unknown analysis step {step!r} (known: {', '.join(STEPS)})")


def _get(session: Session, analysis_id: int) -> Analysis:
    analysis = session.get(Analysis, analysis_id)
    if analysis is None:
        raise AnalysisError(f"no analysis run with id {analysis_id} in this project")
    return analysis


def _current_rows(session: Session, video_id: int, step: str) -> list[Analysis]:
    query = select(Analysis).where(
        Analysis.video_id == video_id, Analysis.step == step, col(Analysis.is_current)
    )
    return list(session.exec(query.order_by(col(Analysis.id).desc())))


def _retire_current(session: Session, video_id: int, step: str) -> None:
    for row in _current_rows(session, video_id, step):
        row.is_current = False
        session.add(row)
    # written now: the one-current unique index is checked row by row, and the unit of work
    # would otherwise update the row made current first when its id is lower
    session.flush()

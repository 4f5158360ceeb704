"""What the app shows of a clip's analyses, read in one short session each (Qt-free).

The desktop holds no SQL: its suggestion views read through these functions. Blind mode
applies to suggestions as to any coded work (they belong to a coder): a viewer sees only
the suggestions made for coders whose work :func:`annotators.study.may_see` lets them see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from annotators.analysis.storage import STEPS, current_analysis, load_cuts, load_texts
from annotators.analysis.suggest import pending_suggestions
from annotators.project import Project
from annotators.store.models import Code, OnscreenText
from annotators.study import may_see


@dataclass(frozen=True)
class SuggestionItem:
    """A suggested annotation waiting for the coder's decision, with why it was made."""

    annotation_id: int
    annotation_uid: str
    code_id: int
    code_label: str
    start_frame: int
    end_frame: int | None
    start_s: float
    rule: str
    origin: str  # speech, screen, caption, metadata
    matched_text: str


def clip_cut_frames(project: Project, video_id: int) -> list[int]:
    """First frames of the new shots of the clip's current shots run, in order (empty when
    the clip was not analysed)."""
    with project.session() as session:
        return [cut.frame for cut in load_cuts(session, video_id)]


def clip_analysed_steps(project: Project, video_id: int) -> set[str]:
    """The analysis steps (``ocr``, ``shots``) the clip has a current run of."""
    with project.session() as session:
        return {step for step in STEPS if current_analysis(session, video_id, step) is not None}


def clip_onscreen_texts(project: Project, video_id: int) -> list[OnscreenText]:
    """The clip's current on-screen text occurrences, by start frame (empty: no OCR run)."""
    with project.session() as session:
        return load_texts(session, video_id)


def pending_for_clip(
    project: Project, video_id: int, coder_id: int, *, viewer_id: int | None = None
) -> list[SuggestionItem]:
    """The coder's pending suggestions on one clip, by start frame
    (:func:`annotators.analysis.suggest.pending_suggestions`), as ``viewer_id`` (default: the
    coder) may see them: none of another coder's in blind mode. Accepted suggestions are the
    coder's own annotations now; rejected ones are kept but not listed."""
    with project.session() as session:
        if not may_see(session, coder_id if viewer_id is None else viewer_id, coder_id):
            return []
        labels = dict(session.exec(select(Code.id, Code.label)).all())
    return [
        SuggestionItem(
            item.annotation.id,  # type: ignore[arg-type]
            item.annotation.uid,
            item.annotation.code_id,
            labels.get(item.annotation.code_id, "?"),
            item.annotation.start_frame,
            item.annotation.end_frame,
            item.annotation.start_s,
            item.suggestion.rule,
            item.suggestion.origin,
            item.suggestion.matched_text,
        )
        for item in pending_suggestions(project, video_id, coder_id)
    ]

"""Read-only queries the views refresh from (writes go through :mod:`annotators.coding`).

Each function opens one short session, so the UI thread never holds a transaction open while
the writer thread commits.

Blind mode: every read of coded work (annotations, clip values, counts) names the *viewer*, the
coder at the keyboard, and goes through :func:`annotators.study.may_see`, so with blind mode on
no coding screen can show another coder's work, whichever coder's rows a view asks for.
Transcript word corrections are shared fixes of the machine transcript (one per word), not
coding decisions, so every coder sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from annotators.codebook import active_codebook, codebook_codes
from annotators.project import Project
from annotators.store.models import (
    Annotation,
    ClipValue,
    Code,
    Segment,
    Transcript,
    Word,
    WordCorrection,
)
from annotators.study import blind_mode, may_see
from annotators.transcribe.storage import (
    current_transcript,
    transcript_segments,
    transcript_words,
)


def active_codes(project: Project) -> list[Code]:
    """Categories and codes of the project's active codebook in codebook order (not retired)."""
    with project.session() as session:
        codebook = active_codebook(session)
        return [] if codebook is None else codebook_codes(session, codebook)


def clip_annotations(
    project: Project, video_id: int, coder_id: int, *, viewer_id: int | None = None
) -> list[Annotation]:
    """The coder's annotations of one clip, by start frame, as ``viewer_id`` (default: the
    coder) may see them: none of another coder's in blind mode."""
    with project.session() as session:
        if not may_see(session, coder_id if viewer_id is None else viewer_id, coder_id):
            return []
        query = select(Annotation).where(
            Annotation.video_id == video_id, Annotation.coder_id == coder_id
        )
        return list(session.exec(query.order_by(col(Annotation.start_frame), col(Annotation.id))))


def annotation(project: Project, annotation_id: int, viewer_id: int) -> Annotation | None:
    """One annotation by id; None when it was deleted meanwhile or ``viewer_id`` may not see it."""
    with project.session() as session:
        row = session.get(Annotation, annotation_id)
        return row if row is not None and may_see(session, viewer_id, row.coder_id) else None


def clip_values(
    project: Project, video_id: int, coder_id: int, *, viewer_id: int | None = None
) -> dict[int, str | None]:
    """The coder's clip-level values of one clip, by code id, as ``viewer_id`` may see them."""
    with project.session() as session:
        if not may_see(session, coder_id if viewer_id is None else viewer_id, coder_id):
            return {}
        query = select(ClipValue).where(
            ClipValue.video_id == video_id, ClipValue.coder_id == coder_id
        )
        return {row.code_id: row.value for row in session.exec(query)}


def annotation_counts(project: Project, coder_id: int, viewer_id: int) -> dict[int, int]:
    """Number of the coder's annotations per video id, as ``viewer_id`` may see them."""
    with project.session() as session:
        if not may_see(session, viewer_id, coder_id):
            return {}
        query = (
            select(Annotation.video_id, func.count(Annotation.id))
            .where(Annotation.coder_id == coder_id)
            .group_by(Annotation.video_id)
        )
        return dict(session.exec(query).all())


def blind(project: Project) -> bool:
    """Whether the project is in blind mode."""
    with project.session() as session:
        return blind_mode(session)


@dataclass(frozen=True)
class TranscriptView:
    """What the transcript panel shows: the current transcript, its segments and words,
    and my corrections by word id."""

    transcript: Transcript | None
    segments: list[Segment]
    words: list[Word]
    corrections: dict[int, str]


def transcript_view(project: Project, video_id: int) -> TranscriptView:
    """The current transcript of ``video_id`` with its words and word corrections."""
    with project.session() as session:
        transcript = current_transcript(session, video_id)
        if transcript is None:
            return TranscriptView(None, [], [], {})
        words = transcript_words(session, transcript.id)
        query = select(WordCorrection).join(Word).where(Word.transcript_id == transcript.id)
        corrections = {row.word_id: row.text for row in session.exec(query)}
        return TranscriptView(
            transcript, transcript_segments(session, transcript.id), words, corrections
        )

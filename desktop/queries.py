"""Read-only queries the views refresh from (writes go through :mod:`annotators.coding`).

Each function opens one short session, so the UI thread never holds a transaction open while
the writer thread commits.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def clip_annotations(project: Project, video_id: int, coder_id: int) -> list[Annotation]:
    """The coder's annotations of one clip, by start frame."""
    with project.session() as session:
        query = select(Annotation).where(
            Annotation.video_id == video_id, Annotation.coder_id == coder_id
        )
        return list(session.exec(query.order_by(col(Annotation.start_frame), col(Annotation.id))))


def annotation(project: Project, annotation_id: int) -> Annotation | None:
    """One annotation by id (None when it was deleted meanwhile)."""
    with project.session() as session:
        return session.get(Annotation, annotation_id)


def clip_values(project: Project, video_id: int, coder_id: int) -> dict[int, str | None]:
    """The coder's clip-level values of one clip, by code id."""
    with project.session() as session:
        query = select(ClipValue).where(
            ClipValue.video_id == video_id, ClipValue.coder_id == coder_id
        )
        return {row.code_id: row.value for row in session.exec(query)}


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

"""Transcripts in the project database: save a result, find the current one, discard old ones.

Each video has at most one ``is_current`` transcript. Re-transcribing adds a new current one
and keeps the previous versions (not current) until the user discards them, so a worse model
run never silently destroys a transcript a coder has been quoting. The caller commits.
"""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from annotators.errors import TranscriptionError
from annotators.store.models import Segment, Transcript, Word, WordCorrection
from annotators.transcribe.result import TranscriptResult, WordResult


def save_transcript(
    session: Session, video_id: int, result: TranscriptResult, *, current: bool = True
) -> Transcript:
    """Store ``result`` as the current transcript of ``video_id``; older ones stop being current.

    With ``current`` false (a translation) it is stored as an extra version and the current
    transcript stays. Adds the transcript, its segments and words to ``session`` and flushes
    (ids are set); the caller commits.
    """
    if current:
        _retire_current(session, video_id)
    transcript = _transcript_row(video_id, result)
    transcript.is_current = current
    session.add(transcript)
    session.flush()
    _add_segments(session, transcript.id, result)
    session.flush()
    return transcript


def current_transcript(session: Session, video_id: int) -> Transcript | None:
    """The current transcript of ``video_id``, or None when it has never been transcribed."""
    rows = _current_rows(session, video_id)
    return rows[0] if rows else None


def is_translation(transcript: Transcript) -> bool:
    """True for an English translation made with Whisper's translate task."""
    return (transcript.settings or {}).get("task") == "translate"


def translation_of(session: Session, video_id: int) -> Transcript | None:
    """The newest English translation of ``video_id``, or None."""
    return next((t for t in transcript_versions(session, video_id) if is_translation(t)), None)


def transcript_versions(session: Session, video_id: int) -> list[Transcript]:
    """Every transcript of ``video_id`` kept in the project, newest first."""
    query = select(Transcript).where(Transcript.video_id == video_id)
    return list(session.exec(query.order_by(col(Transcript.id).desc())))


def transcript_segments(session: Session, transcript_id: int) -> list[Segment]:
    """The segments of a transcript in time order."""
    query = select(Segment).where(Segment.transcript_id == transcript_id)
    return list(session.exec(query.order_by(col(Segment.index))))


def transcript_words(session: Session, transcript_id: int) -> list[Word]:
    """The words of a transcript in spoken order."""
    query = select(Word).where(Word.transcript_id == transcript_id)
    return list(session.exec(query.order_by(col(Word.index))))


def set_current_transcript(session: Session, transcript_id: int) -> Transcript:
    """Make an older version the current transcript of its video again."""
    transcript = _get(session, transcript_id)
    _retire_current(session, transcript.video_id)
    transcript.is_current = True
    session.add(transcript)
    session.flush()
    return transcript


def discard_transcript(session: Session, transcript_id: int) -> Transcript | None:
    """Delete a transcript with its segments, words and word corrections.

    When the discarded one was current, the newest remaining version becomes current.
    Returns the video's current transcript afterwards (None if none is left).
    """
    transcript = _get(session, transcript_id)
    video_id, was_current = transcript.video_id, transcript.is_current
    word_ids = select(Word.id).where(Word.transcript_id == transcript_id)
    session.exec(delete(WordCorrection).where(col(WordCorrection.word_id).in_(word_ids)))
    session.exec(delete(Word).where(col(Word.transcript_id) == transcript_id))
    session.exec(delete(Segment).where(col(Segment.transcript_id) == transcript_id))
    session.delete(transcript)
    session.flush()
    # a translation never becomes the transcript coders code against
    remaining = [t for t in transcript_versions(session, video_id) if not is_translation(t)]
    if was_current and remaining:
        return set_current_transcript(session, remaining[0].id)
    return current_transcript(session, video_id)


def _get(session: Session, transcript_id: int) -> Transcript:
    transcript = session.get(Transcript, transcript_id)
    if transcript is None:
        raise TranscriptionError(f"no transcript with id {transcript_id} in this project")
    return transcript


def _current_rows(session: Session, video_id: int) -> list[Transcript]:
    query = select(Transcript).where(Transcript.video_id == video_id, col(Transcript.is_current))
    return list(session.exec(query.order_by(col(Transcript.id).desc())))


def _retire_current(session: Session, video_id: int) -> None:
    """Mark every current transcript of ``video_id`` as not current (before setting a new one)."""
    for row in _current_rows(session, video_id):
        row.is_current = False
        session.add(row)
    # written now: the one-current unique index is checked row by row, and the unit of work
    # would otherwise update the row made current first when its id is lower
    session.flush()


def _transcript_row(video_id: int, result: TranscriptResult) -> Transcript:
    source = result.provenance
    return Transcript(
        video_id=video_id,
        engine=source.engine,
        engine_version=source.engine_version,
        model=source.model,
        language=result.language,
        settings=source.settings,
        status=result.status,
        text=result.text,
        processing_s=result.processing_s,
        is_current=True,
    )


def _add_segments(session: Session, transcript_id: int, result: TranscriptResult) -> None:
    word_index = 0
    for index, seg in enumerate(result.segments):
        row = Segment(
            transcript_id=transcript_id,
            index=index,
            start_s=seg.start,
            end_s=seg.end,
            text=seg.text,
            avg_logprob=seg.avg_logprob,
            no_speech_prob=seg.no_speech_prob,
            compression_ratio=seg.compression_ratio,
        )
        session.add(row)
        session.flush()  # the words need the segment's id
        for word in seg.words:
            session.add(_word_row(transcript_id, row.id, word_index, word))
            word_index += 1


def _word_row(transcript_id: int, segment_id: int, index: int, word: WordResult) -> Word:
    return Word(
        transcript_id=transcript_id,
        segment_id=segment_id,
        index=index,
        start_s=word.start,
        end_s=word.end,
        text=word.text[:200],  # column limit; a Whisper "word" is never near it in practice
        probability=word.probability,
    )

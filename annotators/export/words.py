"""Transcript words of a video's current transcript, with coders' corrections applied.

Used by the long export (words spoken during an annotation) and the transcript export.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from annotators.store.models import Transcript, Word, WordCorrection


@dataclass(frozen=True)
class TimedWord:
    """A word of the current transcript; ``text`` is the correction if a coder made one."""

    start_s: float
    end_s: float
    text: str
    probability: float | None
    segment_id: int


def current_transcript_id(conn: Connection, video_id: int) -> int | None:
    """Id of the video's current transcript, or ``None``.

    Same rule as :func:`annotators.transcribe.storage.current_transcript` (newest id among the
    flagged ones), as a core query on a connection for the fast export paths.
    """
    query = (
        select(Transcript.id)
        .where(Transcript.video_id == video_id, Transcript.is_current)
        .order_by(Transcript.id.desc())
        .limit(1)
    )
    return conn.execute(query).scalar()


def load_words(conn: Connection, transcript_id: int) -> list[TimedWord]:
    """Words of ``transcript_id`` in transcript order, corrected text where present."""
    query = (
        select(
            Word.start_s,
            Word.end_s,
            func.coalesce(WordCorrection.text, Word.text),
            Word.probability,
            Word.segment_id,
        )
        .outerjoin(WordCorrection, WordCorrection.word_id == Word.id)
        .where(Word.transcript_id == transcript_id)
        .order_by(Word.index)
    )
    return [TimedWord(*row) for row in conn.execute(query)]


class WordTimeline:
    """Words of one video, queried by time span with two binary searches.

    Transcript words follow each other, so both their starts and their ends are sorted; then
    the words overlapping a span are one contiguous slice. Should a transcript have
    overlapping words (ends out of order), :meth:`spoken` falls back to scanning.
    """

    def __init__(self, words: list[TimedWord]) -> None:
        words = sorted(words, key=lambda w: (w.start_s, w.end_s))
        self._starts = [w.start_s for w in words]
        self._ends = [w.end_s for w in words]
        self._texts = [w.text.strip() for w in words]
        self._sorted_ends = all(a <= b for a, b in zip(self._ends, self._ends[1:], strict=False))

    def spoken(self, start_s: float, end_s: float | None) -> str:
        """Words spoken during ``[start_s, end_s]``, joined by single spaces.

        A word counts when its own span overlaps the annotation's with a positive length;
        for a point event (``end_s`` ``None`` or equal to ``start_s``) the word being spoken
        at that instant (``word.start_s <= t < word.end_s``), if any.
        """
        point = end_s is None or end_s <= start_s
        if not self._sorted_ends:
            return self._scan(start_s, start_s if point else end_s)  # type: ignore[arg-type]
        lo = bisect_right(self._ends, start_s)
        if point:
            hi = lo + 1 if lo < len(self._starts) and self._starts[lo] <= start_s else lo
        else:
            hi = bisect_left(self._starts, end_s)
        return " ".join(t for t in self._texts[lo:hi] if t)

    def _scan(self, start_s: float, end_s: float) -> str:
        texts = []
        for word_start, word_end, text in zip(self._starts, self._ends, self._texts, strict=True):
            if end_s > start_s:
                hit = word_start < end_s and word_end > start_s
            else:
                hit = word_start <= start_s < word_end
            if hit and text:
                texts.append(text)
        return " ".join(texts)


def transcript_version(conn: Connection, transcript_id: int | None) -> str:
    """Which transcript a text column comes from: ``id: model, language`` ("" for none)."""
    if transcript_id is None:
        return ""
    model, language = conn.execute(
        select(Transcript.model, Transcript.language).where(Transcript.id == transcript_id)
    ).one()
    short = model.rstrip("/").split("/")[-1].split(" (")[0]  # "tiny.en", "base", a folder
    return f"{transcript_id}: {short}, {language or 'language unknown'}"


def timeline_for(conn: Connection, video_id: int) -> WordTimeline:
    """The word timeline of ``video_id``'s current transcript (empty when untranscribed)."""
    transcript_id = current_transcript_id(conn, video_id)
    return WordTimeline([] if transcript_id is None else load_words(conn, transcript_id))

"""Read-only queries the views refresh from (writes go through :mod:`annotators.coding`).

Each function opens one short session, so the UI thread never holds a transaction open while
the writer thread commits. Reads that grow with the project (the library, the annotation table)
live in :mod:`annotators.browse` and run on a :class:`LatestReader`, never on the UI thread.

Blind mode: every read of coded work (annotations, clip values, counts, the annotation table)
names the *viewer*, the coder at the keyboard, and goes through
:func:`annotators.study.may_see` / :func:`annotators.study.visible_coder_ids`, so with blind
mode on no coding screen can show another coder's work, whichever coder's rows a view asks for.
Transcript word corrections are shared fixes of the machine transcript (one per word), not
coding decisions, so every coder sees them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject
from sqlmodel import col, select

from annotators import browse
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
from annotators.study import blind_mode, may_see, visible_coder_ids
from annotators.transcribe.storage import (
    current_transcript,
    transcript_segments,
    transcript_words,
    translation_of,
)

from .workers import _Relay


class LatestReader(QObject):
    """Runs read queries on one worker thread of its own, latest wins (GUIDE: latest-wins).

    :meth:`request` queues ``read()``; its result reaches ``on_done`` on the UI thread unless a
    newer request came in meanwhile: then a read that has not started is skipped and a finished
    one is dropped, so typing in a filter never queues up stale queries. Reads must not write
    (writes go through :meth:`desktop.workspace.Workspace.run`); exceptions are re-raised on the
    UI thread so they surface as bugs.
    """

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"read-{name}")
        self._relay = _Relay()
        self._lock = threading.Lock()
        self._generation = 0
        self._delivered = 0

    def request(self, read: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Run ``read()`` off the UI thread; ``on_done(result)`` if still the latest request."""
        with self._lock:
            self._generation += 1
            generation = self._generation

        def deliver(outcome: tuple[bool, Any]) -> None:
            ok, value = outcome
            if not ok:
                raise value
            if generation == self._generation:
                self._delivered = generation
                on_done(value)

        def work() -> None:
            if generation != self._generation:
                return  # superseded before it started
            try:
                outcome = (True, read())
            except BaseException as error:  # noqa: BLE001 - re-raised on the UI thread
                outcome = (False, error)
            self._relay.send(deliver, outcome)

        self._executor.submit(work)

    @property
    def idle(self) -> bool:
        """True when the latest request's result has been delivered."""
        return self._delivered == self._generation

    def cancel(self) -> None:
        """Drop every pending request and result (e.g. the project is closing)."""
        with self._lock:
            self._generation += 1
            self._delivered = self._generation

    def shutdown(self) -> None:
        """Stop the worker after the read under way (pending ones are dropped)."""
        self.cancel()
        self._executor.shutdown(wait=True)


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
        # "+ 0" keeps SQLite on the video index: with few coders, the coder index it would
        # pick instead covers a third of a big project (100 ms and more per clip switch)
        query = select(Annotation).where(
            Annotation.video_id == video_id, (Annotation.coder_id + 0) == coder_id
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
    return browse.annotation_counts(project, coder_id)


def visible_coders(project: Project, viewer_id: int) -> frozenset[int] | None:
    """Ids of the coders whose work ``viewer_id`` may see (None: everyone's)."""
    with project.session() as session:
        return visible_coder_ids(session, viewer_id)


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
    translation: TranscriptView | None = None  # the newest English translation, if any


def transcript_view(project: Project, video_id: int) -> TranscriptView:
    """The current transcript of ``video_id`` with its words and word corrections, and its
    newest English translation (Clip ▸ Translate), which never replaces it."""
    with project.session() as session:
        transcript = current_transcript(session, video_id)
        if transcript is None:
            return TranscriptView(None, [], [], {})
        translation = translation_of(session, video_id)
        return TranscriptView(
            *_version(session, transcript),
            translation=None if translation is None else TranscriptView(
                *_version(session, translation)
            ),
        )  # fmt: skip


def _version(session: Any, transcript: Transcript) -> tuple:  # type: ignore[type-arg]
    """(transcript, segments, words, corrections) of one transcript version."""
    words = transcript_words(session, transcript.id)
    query = select(WordCorrection).join(Word).where(Word.transcript_id == transcript.id)
    corrections = {row.word_id: row.text for row in session.exec(query)}
    return transcript, transcript_segments(session, transcript.id), words, corrections

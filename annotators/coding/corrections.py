"""A coder's corrections of transcript words, kept apart from the machine transcript.

One :class:`~annotators.store.models.WordCorrection` row per corrected word; the machine word
stays untouched, exports show the correction. Setting, changing and removing a correction are
coding operations: committed at once and undoable through :attr:`Coding.history`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from annotators.errors import CodingError
from annotators.store.models import Word, WordCorrection, utcnow

from .history import Change, RowChange, read_row
from .ops import Coding

CORRECTIONS = WordCorrection.__table__


def correct_word(
    coding: Coding, word_id: int, coder_id: int | None, text: str | None
) -> WordCorrection | None:
    """Store ``text`` as the correction of word ``word_id`` (``None`` or blank removes it).

    Returns the stored row (``None`` after removing). Raises :class:`CodingError` for an
    unknown word or a correction longer than a word may be.
    """
    text = text.strip() if text else None

    def work(session: Session) -> tuple[WordCorrection | None, str, list[Change]]:
        word = session.get(Word, word_id)
        if word is None:
            raise CodingError(f"transcript word {word_id} does not exist (transcript discarded?)")
        if text is not None and len(text) > 200:
            raise CodingError(f"a word correction holds at most 200 characters, not {len(text)}")
        existing = session.exec(
            select(WordCorrection.id).where(WordCorrection.word_id == word_id)
        ).first()
        before = read_row(session, CORRECTIONS, existing) if existing is not None else None
        if (before["text"] if before else None) == text:
            return (WordCorrection(**before) if before else None), "", []
        row_id = _write(session, before, word_id, coder_id, text)
        after = read_row(session, CORRECTIONS, row_id) if text is not None else None
        machine = word.text.strip()
        label = f"Correct '{machine}' to '{text}'" if text else f"Restore word '{machine}'"
        change = RowChange(CORRECTIONS, row_id, before, after)
        return (WordCorrection(**after) if after else None), label, [change]

    return coding.history.perform(work)


def _write(
    session: Session,
    before: dict[str, Any] | None,
    word_id: int,
    coder_id: int | None,
    text: str | None,
) -> int:
    """Insert, update or delete the correction row; return its id."""
    if before is not None and text is None:
        session.execute(CORRECTIONS.delete().where(CORRECTIONS.c.id == before["id"]))
        return before["id"]
    values = {"text": text, "coder_id": coder_id, "updated_at": utcnow()}
    if before is not None:
        session.execute(
            CORRECTIONS.update().where(CORRECTIONS.c.id == before["id"]).values(**values)
        )
        return before["id"]
    inserted = session.execute(CORRECTIONS.insert().values(word_id=word_id, **values))
    return inserted.inserted_primary_key[0]

"""Word corrections: kept apart from the machine word, undoable like every coding action."""

from __future__ import annotations

import pytest
from sqlmodel import select

from annotators.coding.corrections import correct_word
from annotators.errors import CodingError
from annotators.store.models import Segment, Transcript, Word, WordCorrection


def a_word(study) -> int:  # type: ignore[no-untyped-def]
    """Store a one-word transcript for the study's video; return the word's id."""
    with study.project.session() as session:
        transcript = Transcript(video_id=study.video_id, engine="faster-whisper",
                                engine_version="1", model="tiny.en", text="Sarrah")  # fmt: skip
        session.add(transcript)
        session.flush()
        segment = Segment(
            transcript_id=transcript.id, index=0, start_s=0.1, end_s=0.5, text="Sarrah"
        )
        session.add(segment)
        session.flush()
        word = Word(transcript_id=transcript.id, segment_id=segment.id, index=0, start_s=0.1,
                    end_s=0.5, text=" Sarrah", probability=0.31)  # fmt: skip
        session.add(word)
        session.commit()
        return word.id


def corrections(study) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with study.project.session() as session:
        return [(c.word_id, c.text) for c in session.exec(select(WordCorrection))]


def test_correction_is_stored_apart_and_undo_redo_restore_it(study) -> None:
    word_id = a_word(study)
    correct_word(study.coding, word_id, study.coder_id, " Sarah ")
    assert corrections(study) == [(word_id, "Sarah")]
    assert study.coding.history.undo_label == "Correct 'Sarrah' to 'Sarah'"
    correct_word(study.coding, word_id, study.coder_id, "Sara")
    assert corrections(study) == [(word_id, "Sara")]
    study.coding.undo()
    assert corrections(study) == [(word_id, "Sarah")]
    study.coding.undo()
    assert corrections(study) == []
    study.coding.redo()
    assert corrections(study) == [(word_id, "Sarah")]
    with study.project.session() as session:
        assert session.get(Word, word_id).text == " Sarrah"  # the machine word is untouched


def test_removing_a_correction_restores_the_machine_word_and_is_undoable(study) -> None:
    word_id = a_word(study)
    correct_word(study.coding, word_id, study.coder_id, "Sarah")
    correct_word(study.coding, word_id, study.coder_id, None)
    assert corrections(study) == []
    assert study.coding.history.undo_label == "Restore word 'Sarrah'"
    study.coding.undo()
    assert corrections(study) == [(word_id, "Sarah")]


def test_unknown_word_is_refused_and_nothing_is_recorded(study) -> None:
    with pytest.raises(CodingError, match="word 999 does not exist"):
        correct_word(study.coding, 999, study.coder_id, "x")
    assert study.coding.history.undo_label is None

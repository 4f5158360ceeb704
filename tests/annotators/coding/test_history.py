"""Undo and redo: every sequence ends in exactly the database state it should."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from annotators.coding import Coding
from annotators.errors import CodingError
from annotators.store.models import Annotation

from .conftest import Study


def run_session(study: Study) -> list[list[tuple]]:
    """A coding session touching every operation; the table dump after each step."""
    c, v, me = study.coding, study.video_id, study.coder_id
    donate, appeal, cause = (
        study.code(k) for k in ("cta_donate", "emotional_appeal", "primary_cause")
    )
    states = [study.dump()]
    first = c.add_annotation(v, donate.id, me, 10)
    states.append(study.dump())
    second = c.add_annotation(v, appeal.id, me, 20, 40, value="anger", note="shouting")
    states.append(study.dump())
    c.update_annotation(second.id, start_frame=22, value="fear")
    states.append(study.dump())
    c.set_clip_value(v, cause.id, me, "environment")
    states.append(study.dump())
    c.set_clip_value(v, cause.id, me, "health")
    states.append(study.dump())
    c.delete_annotation(first.id)
    states.append(study.dump())
    c.bulk_create_annotations(
        [
            {"video_id": v, "code_id": donate.id, "coder_id": me, "start_frame": f}
            for f in range(50, 60)
        ]
    )
    states.append(study.dump())
    c.clear_clip_value(v, cause.id, me)
    states.append(study.dump())
    return states


def test_undo_all_then_redo_all_walks_back_and_forth_through_the_same_states(study: Study) -> None:
    states = run_session(study)
    history = study.coding.history
    for expected in reversed(states[:-1]):
        history.undo()
        assert study.dump() == expected
    assert not history.can_undo and history.undo_label is None
    for expected in states[1:]:
        history.redo()
        assert study.dump() == expected
    assert not history.can_redo


def test_menu_labels(study: Study) -> None:
    run_session(study)
    history = study.coding.history
    labels = []
    while history.can_undo:
        labels.append(history.undo())
    assert labels == [
        "Clear 'Primary cause'",
        "Add 10 annotations",
        "Delete 'Donate' at frame 10",
        "Set 'Primary cause' to 'Health'",
        "Set 'Primary cause' to 'Environment'",
        "Edit 'Emotional appeal' frames 20-40",
        "Add 'Emotional appeal' frames 20-40",
        "Add 'Donate' at frame 10",
    ]
    assert history.redo_label == "Add 'Donate' at frame 10"


def test_undoing_a_delete_restores_the_same_row(study: Study) -> None:
    donate = study.code("cta_donate")
    made = study.coding.add_annotation(
        study.video_id, donate.id, study.coder_id, 7, note="link in bio"
    )
    before = study.dump()
    study.coding.delete_annotation(made.id)
    assert study.coding.undo() == "Delete 'Donate' at frame 7"
    assert study.dump() == before
    with study.project.session() as session:
        assert session.get(Annotation, made.id).note == "link in bio"


def test_a_new_action_clears_redo(study: Study) -> None:
    donate = study.code("cta_donate")
    study.coding.add_annotation(study.video_id, donate.id, study.coder_id, 1)
    study.coding.undo()
    assert study.coding.history.redo_label == "Add 'Donate' at frame 1"
    study.coding.add_annotation(study.video_id, donate.id, study.coder_id, 2)
    assert not study.coding.history.can_redo
    with pytest.raises(CodingError, match="nothing to redo"):
        study.coding.redo()


def test_undo_never_overwrites_a_change_made_elsewhere(study: Study) -> None:
    donate = study.code("cta_donate")
    made = study.coding.add_annotation(study.video_id, donate.id, study.coder_id, 3)
    study.coding.update_annotation(made.id, note="mine")
    other_window = Coding(study.project.session, times=study.coding.times)
    other_window.update_annotation(made.id, note="theirs")
    with pytest.raises(
        CodingError, match=r"cannot undo 'Edit 'Donate' at frame 3': annotation .* changed"
    ):
        study.coding.undo()
    with study.project.session() as session:
        assert session.get(Annotation, made.id).note == "theirs"


def test_listeners_hear_each_committed_action(study: Study) -> None:
    heard: list[tuple[str, str]] = []
    study.coding.history.listeners.append(lambda event, label: heard.append((event, label)))
    donate = study.code("cta_donate")
    study.coding.add_annotation(study.video_id, donate.id, study.coder_id, 4)
    study.coding.undo()
    study.coding.redo()
    with pytest.raises(CodingError):
        study.coding.add_annotation(study.video_id, donate.id, study.coder_id, 400)
    label = "Add 'Donate' at frame 4"
    assert heard == [("do", label), ("undo", label), ("redo", label)]


def test_bulk_refuses_a_batch_with_invalid_rows_unless_told_to_skip(study: Study) -> None:
    donate = study.code("cta_donate")
    rows = [{"video_id": study.video_id, "code_id": donate.id, "coder_id": study.coder_id,
             "start_frame": frame} for frame in (5, 500, 6)]  # fmt: skip
    rows.append({**rows[0], "code_id": 9999})
    with pytest.raises(
        CodingError, match="2 of 4 annotations are invalid, none was stored"
    ) as refused:
        study.coding.bulk_create_annotations(rows)
    assert "row 1: frame 500 is outside clip.mp4" in str(refused.value)
    assert study.dump() == []
    result = study.coding.bulk_create_annotations(rows, skip_invalid=True)
    assert [index for index, _why in result.skipped] == [1, 3]
    with study.project.session() as session:
        stored = session.exec(select(Annotation).order_by(Annotation.id)).all()
    assert [a.id for a in stored] == result.ids
    assert [(a.start_frame, a.source) for a in stored] == [(5, "imported"), (6, "imported")]


def test_bulk_rows_are_stored_exactly_like_single_ones(study: Study) -> None:
    appeal = study.code("emotional_appeal")
    row = {"video_id": study.video_id, "code_id": appeal.id, "coder_id": study.coder_id,
           "start_frame": 3, "end_frame": 9, "value": "hope", "note": "«quote» 😢"}  # fmt: skip
    study.coding.add_annotation(**row, source="imported")
    study.coding.bulk_create_annotations([row])
    with study.project.session() as session:
        single, bulk = session.execute(text("SELECT * FROM annotation ORDER BY id")).mappings()
        orm_rows = session.exec(select(Annotation)).all()
    timestamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"
    for stored in (single, bulk):
        if study.project.server is None:  # SQLite: SQLAlchemy's datetime text
            assert re.fullmatch(timestamp, stored["created_at"]), stored["created_at"]
        else:  # PostgreSQL: a timestamptz
            assert stored["created_at"].utcoffset() is not None
    skip = {"id", "uid", "created_at", "updated_at"}
    assert {k: v for k, v in single.items() if k not in skip} == {
        k: v for k, v in bulk.items() if k not in skip
    }
    assert orm_rows[0].created_at.date() == orm_rows[1].created_at.date()


def test_undoing_a_clear_refuses_when_the_value_was_set_again_elsewhere(study: Study) -> None:
    cause = study.code("primary_cause")
    study.coding.set_clip_value(study.video_id, cause.id, study.coder_id, "health")
    study.coding.clear_clip_value(study.video_id, cause.id, study.coder_id)
    other_window = Coding(study.project.session, times=study.coding.times)
    other_window.set_clip_value(study.video_id, cause.id, study.coder_id, "poverty")
    with pytest.raises(CodingError, match="cannot undo 'Clear 'Primary cause''") as refused:
        study.coding.undo()
    assert "\n" not in str(refused.value)  # one line on both backends (no PostgreSQL DETAIL)
    assert [row[-3] for row in study.dump()] == ["poverty"]

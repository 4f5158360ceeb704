"""Two writers (two app windows, or the app and a script) on one annotation: a conflict is
reported, never resolved by overwriting; updates write only the fields they change."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotators.coding import Coding
from annotators.errors import CodingError
from annotators.store.models import Annotation

from .conftest import TIMES, Study


def _row(study: Study, annotation_id: int) -> Annotation:
    with study.project.session() as session:
        return session.get(Annotation, annotation_id)


def _window(study: Study) -> Coding:
    return Coding(study.project.session, times=lambda video: TIMES)


def test_undo_after_someone_else_edited_is_refused_and_names_the_field(study: Study) -> None:
    mine, theirs = study.coding, _window(study)
    point = _point_code(study)
    row = mine.add_annotation(study.video_id, point, study.coder_id, 10)
    theirs.update_annotation(row.id, note="theirs")
    with pytest.raises(CodingError, match=r"changed by someone else \(note"):
        mine.undo()
    assert _row(study, row.id).note == "theirs"  # their work stays


def test_stale_expected_version_is_a_conflict(study: Study) -> None:
    point = _point_code(study)
    row = study.coding.add_annotation(study.video_id, point, study.coder_id, 10)
    _window(study).update_annotation(row.id, start_frame=12)
    with pytest.raises(CodingError, match=r"changed by someone else .*version 1, now 2"):
        study.coding.update_annotation(row.id, note="mine", expected_version=row.version)
    stored = _row(study, row.id)
    assert (stored.start_frame, stored.note, stored.version) == (12, "", 2)


def test_update_writes_only_the_fields_it_changes(study: Study) -> None:
    point = _point_code(study)
    row = study.coding.add_annotation(study.video_id, point, study.coder_id, 10)
    # both windows edit different fields of the same row: both edits survive
    _window(study).update_annotation(row.id, note="from the other window")
    study.coding.update_annotation(row.id, start_frame=20)
    stored = _row(study, row.id)
    assert (stored.start_frame, stored.start_s, stored.note) == (
        20,
        TIMES[20],
        "from the other window",
    )
    assert stored.version == 3


def test_delete_of_a_row_changed_meanwhile_is_refused(study: Study) -> None:
    point = _point_code(study)
    row = study.coding.add_annotation(study.video_id, point, study.coder_id, 10)
    other = _window(study)
    other.update_annotation(row.id, note="keep me")
    study.coding.update_annotation(row.id, note="keep me too")
    other_undo = pytest.raises(CodingError, match="changed by someone else")
    with other_undo:
        other.undo()
    assert _row(study, row.id).note == "keep me too"


def _point_code(study: Study) -> int:
    from sqlmodel import select

    from annotators.store.models import Code

    with study.project.session() as session:
        return session.exec(select(Code).where(Code.kind == "point")).first().id


# --- property: two windows, random interleavings, against a model ---------------------------

Op = tuple[str, int, Any]
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("note"), st.integers(0, 1), st.sampled_from(["a", "b", "c"])),
        st.tuples(st.just("start"), st.integers(0, 1), st.integers(0, 3)),
        st.tuples(st.just("undo"), st.integers(0, 1), st.none()),
        st.tuples(st.just("redo"), st.integers(0, 1), st.none()),
    ),
    max_size=12,
)


class Model:
    """What the spec says: a write makes a new state; undo/redo succeed only when the row is
    in exactly the state the action left it, and then bring back the other state."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.ids = itertools.count(1)
        self.state = (0, fields)
        self.undo: list[list[tuple]] = [[], []]
        self.redo: list[list[tuple]] = [[], []]

    def update(self, window: int, changes: dict[str, Any]) -> None:
        fields = {**self.state[1], **changes}
        if fields == self.state[1]:
            return
        before, self.state = self.state, (next(self.ids), fields)
        self.undo[window].append((before, self.state))
        self.redo[window].clear()

    def step(self, window: int, verb: str) -> bool:
        """Apply undo/redo; return whether it succeeds."""
        stack, other = (self.undo, self.redo) if verb == "undo" else (self.redo, self.undo)
        if not stack[window]:
            return False
        before, after = stack[window].pop()
        expected, restored = (after, before) if verb == "undo" else (before, after)
        if self.state[0] != expected[0]:
            return False  # dropped
        self.state = restored
        other[window].append((before, after))
        return True


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_two_windows_never_lose_a_change(study: Study, ops: list[Op]) -> None:
    point = _point_code(study)
    seed = study.coding.add_annotation(study.video_id, point, study.coder_id, 0)
    windows = [_window(study), _window(study)]
    model = Model({"note": "", "start_frame": 0})
    for verb, window, arg in ops:
        if verb in ("note", "start"):
            changes = {"note": arg} if verb == "note" else {"start_frame": arg}
            windows[window].update_annotation(seed.id, **changes)
            model.update(window, changes)
        else:
            ok = model.step(window, verb)
            if ok:
                getattr(windows[window], verb)()
            else:
                with pytest.raises(CodingError):
                    getattr(windows[window], verb)()
        stored = _row(study, seed.id)
        assert {"note": stored.note, "start_frame": stored.start_frame} == model.state[1]

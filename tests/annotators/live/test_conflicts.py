"""A refused edit or undo says what someone else changed: theirs beside yours, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from annotators.coding import Coding
from annotators.errors import CodingError
from annotators.live.conflicts import ConflictError, edit_refused, history_refused
from annotators.project import Project
from annotators.store.models import Annotation, Code

from .test_watch import TIMES, _add_video

TABLE = Annotation.__table__


def test_an_edit_and_an_undo_over_another_writers_change(tmp_path: Path, database) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.storyframe"
    with Project.create(path, database=database) as mine, Project.open(path) as theirs:
        clip = _add_video(mine, "a.mp4")
        with mine.session() as session:
            code_id = session.exec(select(Code).where(Code.kind == "point")).first().id
        coding = Coding(mine.session, times=lambda _video: TIMES)
        row = coding.add_annotation(clip, code_id, mine.coder("ana").id, 10, None, note="")
        coding.update_annotation(row.id, note="my note")
        other = Coding(theirs.session, times=lambda _video: TIMES)
        other.update_annotation(row.id, note="their note", start_frame=12)

        with pytest.raises(CodingError) as refused:
            coding.update_annotation(row.id, expected_version=2, note="again")
        error = edit_refused(mine.session, TABLE, row.id, {"note": "again"}, 2, refused.value)
        assert isinstance(error, ConflictError)
        conflict = error.conflict
        assert [(f.name, f.theirs, f.yours) for f in conflict.fields] == [
            ("note", "their note", "again")
        ]
        assert conflict.owner == "ana" and conflict.changed_at is not None
        assert not conflict.deleted and conflict.kind == "annotations"

        action = coding.history.next_action("undo")
        with pytest.raises(CodingError) as undo_refused:
            coding.undo()  # would put back "" over their note
        error = history_refused(mine.session, action, "undo", undo_refused.value)
        assert isinstance(error, ConflictError)
        assert {(f.name, f.theirs, f.yours) for f in error.conflict.fields} == {
            ("note", "their note", ""), ("start_frame", 12, 10),
        }  # fmt: skip


def test_an_invalid_value_is_not_a_conflict(tmp_path: Path, database) -> None:  # type: ignore[no-untyped-def]
    with Project.create(tmp_path / "p.storyframe", database=database) as project:
        clip = _add_video(project, "a.mp4")
        with project.session() as session:
            code_id = session.exec(select(Code).where(Code.kind == "point")).first().id
        coding = Coding(project.session, times=lambda _video: TIMES)
        row = coding.add_annotation(clip, code_id, project.coder("ana").id, 10, None)
        with pytest.raises(CodingError) as refused:
            coding.update_annotation(row.id, expected_version=1, start_frame=5000)
        error = edit_refused(project.session, TABLE, row.id, {"start_frame": 5000}, 1,
                             refused.value)  # fmt: skip
        assert error is refused.value

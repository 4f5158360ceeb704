"""What PostgreSQL does differently from SQLite under the coding operations: explicit ids
(bulk imports, redo) must move the id sequence, and refusals stay one line."""

from __future__ import annotations

from sqlmodel import select

from annotators.store.models import Annotation

from .conftest import Study


def _row(study: Study, frame: int) -> dict:
    appeal = study.code("emotional_appeal")
    return {"video_id": study.video_id, "code_id": appeal.id, "coder_id": study.coder_id,
            "start_frame": frame, "end_frame": frame + 4, "value": "hope"}  # fmt: skip


def test_an_add_after_a_bulk_import_and_its_redo_takes_a_new_id(study: Study) -> None:
    first = study.coding.add_annotation(**_row(study, 1))
    bulk = study.coding.bulk_create_annotations([_row(study, f) for f in (10, 20, 30)])
    after = study.coding.add_annotation(**_row(study, 40))  # PostgreSQL: not a taken id
    assert after.id > max(bulk.ids) > first.id
    study.coding.undo()  # the add
    study.coding.undo()  # the import
    study.coding.redo()  # the same ids again
    again = study.coding.add_annotation(**_row(study, 50))
    with study.project.session() as session:
        ids = list(session.exec(select(Annotation.id).order_by(Annotation.id)))
    assert ids == [first.id, *bulk.ids, again.id] and again.id > max(bulk.ids)

"""The annotation table: annotations with their clip, code and coder, filtered and sorted in SQL.

A project may hold a million annotations, so the table is never read whole: the caller asks
:func:`count_annotations` for the number of matching rows and :func:`annotation_page` for one
page at a time, both for the same :class:`AnnotationQuery`. Sorting is stable (ties by id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, tuple_

from annotators.errors import StoryframeError
from annotators.project import Project
from annotators.store.models import Annotation, Code, Coder, Video
from annotators.store.portable import byte_order

A, C, K, V = Annotation.__table__.c, Code.__table__.c, Coder.__table__.c, Video.__table__.c

# column key -> the SQL expression it sorts by (table order)
# text in code-point order and NULL lowest (SQLite's rules) on both backends
_SORT_KEYS = {
    "clip": byte_order(V.file_name),
    "code": byte_order(C.label),
    "coder": byte_order(K.name),
    "start_frame": A.start_frame,
    "end_frame": A.end_frame,
    "start_time": A.start_s,
    "end_time": A.end_s,
    "value": byte_order(A.value),
    "note": byte_order(A.note),
    "source": byte_order(A.source),
}
COLUMNS: tuple[str, ...] = tuple(_SORT_KEYS)
_TEXT_COLUMNS = (V.file_name, C.label, K.name, A.value, A.note, A.source)


@dataclass(frozen=True, slots=True)
class AnnotationRow:
    """One annotation as the table shows it (``end_frame``/``end_s`` None for a point event)."""

    id: int
    video_id: int
    clip: str
    code_id: int
    code: str
    coder: str
    start_frame: int
    end_frame: int | None
    start_s: float
    end_s: float | None
    value: str | None
    note: str
    source: str
    version: int = 1  # the row version shown: an edit of it names it


@dataclass(frozen=True)
class AnnotationQuery:
    """Which annotations, in which order.

    ``video_id`` None means the whole project; ``code_id``/``coder_id`` None mean any;
    ``coder_ids`` (when not None) keeps only those coders' rows (blind mode: the viewer's own,
    see :func:`annotators.study.visible_coder_ids`);
    ``text`` keeps rows where it occurs (case-insensitive) in the clip name, code, coder,
    value, note or source. ``sort`` is one of :data:`COLUMNS`.
    """

    video_id: int | None = None
    code_id: int | None = None
    coder_id: int | None = None
    coder_ids: frozenset[int] | None = None
    text: str = ""
    sort: str = "start_frame"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.sort not in _SORT_KEYS:
            raise StoryframeError(f"cannot sort annotations by '{self.sort}' (one of {COLUMNS})")


_FIELDS = (A.id, A.video_id, V.file_name, A.code_id, C.label, K.name, A.start_frame,
           A.end_frame, A.start_s, A.end_s, A.value, A.note, A.source, A.version)  # fmt: skip


def _joined(query: Select[Any]) -> Select[Any]:
    return query.select_from(
        Annotation.__table__.join(Video.__table__, V.id == A.video_id)
        .join(Code.__table__, C.id == A.code_id)
        .join(Coder.__table__, K.id == A.coder_id)
    )


def _filtered(query: Select[Any], wanted: AnnotationQuery) -> Select[Any]:
    # a suggestion is not a coder's work until accepted: the suggestion keys review those
    conditions = [A.source != "suggested"]
    if wanted.video_id is not None:
        conditions.append(A.video_id == wanted.video_id)
    if wanted.code_id is not None:
        conditions.append(A.code_id == wanted.code_id)
    if wanted.coder_id is not None:  # "+ 0": the video or code index is the narrower one
        conditions.append(A.coder_id + 0 == wanted.coder_id)
    if wanted.coder_ids is not None:
        conditions.append((A.coder_id + 0).in_(sorted(wanted.coder_ids)))
    text = wanted.text.strip()
    if text:
        conditions.append(or_(*(c.icontains(text, autoescape=True) for c in _TEXT_COLUMNS)))
    return query.where(and_(*conditions))


def count_annotations(project: Project, wanted: AnnotationQuery) -> int:
    """How many annotations match ``wanted``."""
    query = _filtered(_joined(select(func.count(A.id))), wanted)
    with project.session() as session:
        return int(session.execute(query).scalar_one())


def annotation_page(
    project: Project, wanted: AnnotationQuery, offset: int = 0, limit: int = 1000
) -> list[AnnotationRow]:
    """Rows ``offset`` to ``offset + limit`` of the annotations matching ``wanted``, in order."""
    key = _SORT_KEYS[wanted.sort]
    order = (
        (key.desc().nulls_last(), A.id.desc())
        if wanted.descending
        else (key.asc().nulls_first(), A.id.asc())
    )
    query = _filtered(_joined(select(*_FIELDS)), wanted).order_by(*order)
    with project.session() as session:
        rows = session.execute(query.offset(max(offset, 0)).limit(max(limit, 0))).all()
    return [AnnotationRow(*row) for row in rows]


def neighbour_annotation(
    project: Project,
    video_id: int,
    coder_id: int,
    frame: int,
    step: int,
    current_id: int | None = None,
) -> AnnotationRow | None:
    """The coder's annotation of the clip that starts next after (``step`` 1) or last before
    (``step`` -1) ``frame``; with ``current_id`` (the selected annotation, starting at
    ``frame``) others starting at the same frame come in id order. None at either end."""
    here = tuple_(A.start_frame, A.id)
    # without a selection, annotations starting at ``frame`` itself are neither next nor before
    at = tuple_(frame, current_id if current_id is not None else (1 << 62 if step > 0 else -1))
    if step > 0:
        where, order = here > at, (A.start_frame.asc(), A.id.asc())
    else:
        where, order = here < at, (A.start_frame.desc(), A.id.desc())
    # "+ 0" keeps SQLite on the video index (the coder index covers far more rows)
    query = _joined(select(*_FIELDS)).where(
        A.video_id == video_id, A.coder_id + 0 == coder_id, A.source != "suggested", where
    )
    with project.session() as session:
        row = session.execute(query.order_by(*order).limit(1)).first()
    return None if row is None else AnnotationRow(*row)

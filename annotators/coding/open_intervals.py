"""Open intervals: stored the moment a coder starts one, so a crash or kill never loses them.

An interval being coded (start pressed, end not yet) is an
:class:`~annotators.store.models.OpenInterval` row, one per clip, code and coder. Ending it
turns it into an annotation and deletes the row in the same transaction (undoable like any
added annotation); cancelling deletes the row. Whatever is still open when the app stops is
there at the next start (:func:`open_intervals`).

>>> open_interval(coding, video.id, testimony.id, coder.id, 40)   # doctest: +SKIP
>>> close_interval(coding, video.id, testimony.id, coder.id, 95)  # frames 40-95
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from annotators.errors import CodingError
from annotators.store.models import Annotation, Code, Coder, OpenInterval, Video, utcnow

from .history import Change, RowChange, SessionFactory, read_row
from .ops import ANNOTATIONS, annotation_fields
from .times import ClipTimes

if TYPE_CHECKING:
    from .ops import Coding


def open_interval(
    coding: Coding, video_id: int, code_id: int, coder_id: int, start_frame: int
) -> OpenInterval:
    """Store that ``coder_id`` started an interval of ``code_id`` at ``start_frame``.

    :class:`CodingError` when the code is not an interval code (or retired), the frame is not
    in the clip, or this coder already has one of this code open on this clip.
    """
    with coding.session_factory() as session:
        code, video = _interval_code(session, code_id), _video(session, video_id)
        if session.get(Coder, coder_id) is None:
            raise CodingError(f"coder {coder_id} does not exist")
        already = f"'{code.label}' is already open on {video.file_name}"
        if _find(session, video_id, code_id, coder_id) is not None:
            raise CodingError(already)
        clip = ClipTimes(video, coding.times(video))
        row = OpenInterval(video_id=video_id, code_id=code_id, coder_id=coder_id,
                           start_frame=clip.check(start_frame),
                           start_s=clip.seconds(start_frame))  # fmt: skip
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # opened by another writer since the check above
            session.rollback()
            raise CodingError(already) from None
        session.refresh(row)
        session.expunge(row)
        return row


def close_interval(
    coding: Coding, video_id: int, code_id: int, coder_id: int, end_frame: int
) -> Annotation:
    """End the open interval of ``code_id`` at ``end_frame``: one committed, undoable add.

    The annotation spans the two frames in order (an end before the start is the start).
    :class:`CodingError` when no such interval is open.
    """

    def work(session: Session) -> tuple[Annotation, str, list[Change]]:
        opened = _find(session, video_id, code_id, coder_id)
        if opened is None:
            raise CodingError("that interval is no longer open (ended or cancelled elsewhere)")
        code, video = _interval_code(session, code_id), _video(session, video_id)
        low, high = sorted((opened.start_frame, end_frame))
        now = utcnow()
        row = {"video_id": video_id, "code_id": code_id, "coder_id": coder_id,
               "start_frame": low, "end_frame": high, "value": opened.value, "note": "",
               "source": "manual", "created_at": now, "updated_at": now}  # fmt: skip
        row |= annotation_fields(code, ClipTimes(video, coding.times(video)), row)
        row_id = session.execute(ANNOTATIONS.insert().values(**row)).inserted_primary_key[0]
        session.delete(opened)  # same transaction: never both, never neither
        after = read_row(session, ANNOTATIONS, row_id)
        label = f"Add '{code.label}' frames {low}-{high}"
        return Annotation(**after), label, [RowChange(ANNOTATIONS, row_id, None, after)]

    return coding.history.perform(work)


def cancel_interval(coding: Coding, video_id: int, code_id: int, coder_id: int) -> bool:
    """Drop the open interval of ``code_id`` without coding it; False when none was open."""
    with coding.session_factory() as session:
        opened = _find(session, video_id, code_id, coder_id)
        if opened is None:
            return False
        session.delete(opened)
        session.commit()
        return True


def open_intervals(
    session_factory: SessionFactory, *, coder_id: int | None = None, video_id: int | None = None
) -> list[OpenInterval]:
    """The stored open intervals (of one coder and/or clip when given), oldest first."""
    query = select(OpenInterval).order_by(OpenInterval.id)
    if coder_id is not None:
        query = query.where(OpenInterval.coder_id == coder_id)
    if video_id is not None:
        query = query.where(OpenInterval.video_id == video_id)
    with session_factory() as session:
        rows = list(session.exec(query))
        for row in rows:
            session.expunge(row)
        return rows


def _find(session: Session, video_id: int, code_id: int, coder_id: int) -> OpenInterval | None:
    return session.exec(
        select(OpenInterval).where(
            OpenInterval.video_id == video_id,
            OpenInterval.code_id == code_id,
            OpenInterval.coder_id == coder_id,
        )
    ).first()


def _interval_code(session: Session, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None:
        raise CodingError(f"code {code_id} does not exist")
    if code.kind != "interval":
        raise CodingError(f"'{code.label}' is a {code.kind} code: only interval codes stay open")
    if code.retired:
        raise CodingError(f"'{code.label}' was removed from the codebook (retired)")
    return code


def _video(session: Session, video_id: int) -> Video:
    video = session.get(Video, video_id)
    if video is None:
        raise CodingError(f"video {video_id} is not in the project")
    return video

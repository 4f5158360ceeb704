"""The consensus layer: the adjudicated data set, with the provenance of every row.

The consensus layer is the annotations and clip values of the coder :data:`CONSENSUS_CODER`.
A reviewer builds it by taking a coder's row (:func:`take`), editing a consensus row
(:func:`edit_consensus`) or entering a new one (:func:`add_consensus_annotation`,
:func:`set_consensus_value`); each row has one :class:`ConsensusRecord` saying how it got
there, from whom and by whom. The coders' own rows are never changed. Exports select the
layer like any coder's (``storyframe export --coder consensus``).

Each function is one committed transaction and returns the consensus row's ``uid``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from annotators.coding import ClipTimes, annotation_fields, checked_clip_value, media_times
from annotators.errors import StudyError
from annotators.store.models import Code, Coder, ConsensusRecord, Video, new_uid, utcnow

from .coded import CONSENSUS_CODER
from .names import ensure_coder
from .portable import ANNOTATIONS, CLIP_VALUES

if TYPE_CHECKING:
    from annotators.coding import TimesResolver
    from annotators.project import Project

ANNOTATION_FIELDS = ("start_frame", "end_frame", "value", "note")


@dataclass(frozen=True)
class Provenance:
    """How one consensus row got there."""

    target_uid: str
    table: str  # "annotation" or "clipvalue"
    code_key: str
    action: str  # taken, edited, new
    source_coder: str | None
    source_uid: str | None
    reviewer: str
    note: str
    created_at: datetime


def _find(session: Session, uid: str) -> tuple[str, dict[str, Any]]:
    """The annotation or clip value with ``uid`` as (table name, columns)."""
    for name, table in (("annotation", ANNOTATIONS), ("clipvalue", CLIP_VALUES)):
        found = session.execute(select(table).where(table.c.uid == uid)).mappings().first()
        if found is not None:
            return name, dict(found)
    raise StudyError(f"no annotation or clip value with uid {uid}")


def _reviewer(session: Session, name: str) -> Coder:
    if name.strip() == CONSENSUS_CODER:
        raise StudyError(f"the reviewer needs their own name, not '{CONSENSUS_CODER}'")
    return ensure_coder(session, name)


def _record(session: Session, target_uid: str, **fields: Any) -> None:
    """Create or replace the provenance of ``target_uid``."""
    existing = session.scalars(
        select(ConsensusRecord).where(ConsensusRecord.target_uid == target_uid)
    ).first()
    if existing is None:
        session.add(ConsensusRecord(target_uid=target_uid, **fields))
        return
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.created_at = utcnow()
    session.add(existing)


def take(project: Project, reviewer: str, source_uid: str, note: str = "") -> str:
    """Copy a coder's annotation or clip value into the consensus layer (action ``taken``).

    A clip value replaces the consensus value of that clip and variable. Taking a row twice
    adds it once. Raises :class:`StudyError` for an unknown uid or a consensus row.
    """
    with project.write_session() as session:
        reviewer_row = _reviewer(session, reviewer)
        consensus = ensure_coder(session, CONSENSUS_CODER)
        table_name, source = _find(session, source_uid)
        if source["coder_id"] == consensus.id:
            raise StudyError(f"{source_uid} is already in the consensus layer")
        already = session.scalars(
            select(ConsensusRecord.target_uid).where(ConsensusRecord.source_uid == source_uid)
        ).first()
        if already is not None and table_name == "annotation":
            return already
        if table_name == "annotation":
            target = _copy_annotation(session, source, consensus.id)
        else:
            target = _put_value(session, source["video_id"], source["code_id"], consensus.id,
                                source["value"])  # fmt: skip
        _record(session, target, action="taken", source_coder_id=source["coder_id"],
                source_uid=source_uid, reviewer_id=reviewer_row.id, note=note)  # fmt: skip
        session.commit()
        return target


def _copy_annotation(session: Session, source: dict[str, Any], consensus_id: int) -> str:
    now = utcnow()
    values = {**source, "uid": new_uid(), "version": 1, "coder_id": consensus_id,
              "source": "manual", "created_at": now, "updated_at": now}  # fmt: skip
    values.pop("id")
    session.execute(insert(ANNOTATIONS).values(**values))
    return values["uid"]


def _put_value(
    session: Session, video_id: int, code_id: int, consensus_id: int, value: str | None
) -> str:
    """Set the consensus value of a clip and variable; return its uid."""
    found = session.execute(
        select(CLIP_VALUES.c.uid, CLIP_VALUES.c.version).where(
            CLIP_VALUES.c.video_id == video_id,
            CLIP_VALUES.c.code_id == code_id,
            CLIP_VALUES.c.coder_id == consensus_id,
        )
    ).first()
    now = utcnow()
    if found is None:
        uid = new_uid()
        session.execute(
            insert(CLIP_VALUES).values(
                uid=uid,
                video_id=video_id,
                code_id=code_id,
                coder_id=consensus_id,
                value=value,
                created_at=now,
                updated_at=now,
            )  # fmt: skip
        )
        return uid
    session.execute(
        update(CLIP_VALUES)
        .where(CLIP_VALUES.c.uid == found.uid)
        .values(value=value, version=found.version + 1, updated_at=now)
    )
    return found.uid


def edit_consensus(
    project: Project,
    reviewer: str,
    target_uid: str,
    *,
    note: str | None = None,
    times: TimesResolver | None = None,
    **changes: Any,
) -> str:
    """Change a consensus row: ``start_frame``, ``end_frame``, ``value``, ``note`` of an
    annotation, ``value`` of a clip value (checked like any coding edit). The provenance
    becomes ``edited`` (a ``new`` row stays ``new``); ``note`` is the reviewer's note.
    """
    allowed = set(ANNOTATION_FIELDS)
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise StudyError(f"cannot change {', '.join(unknown)} of a consensus row")
    with project.write_session() as session:
        reviewer_row = _reviewer(session, reviewer)
        table_name, row = _find(session, target_uid)
        record = _consensus_record(session, target_uid)
        code = session.get(Code, row["code_id"])
        if table_name == "annotation":
            video = session.get(Video, row["video_id"])
            resolve = times or media_times(project)
            fields = annotation_fields(code, ClipTimes(video, resolve(video)), {**row, **changes})
            table = ANNOTATIONS
        else:
            if set(changes) - {"value"}:
                raise StudyError("a clip value has only a value to change")
            fields = {"value": checked_clip_value(code, changes.get("value", row["value"]))}
            table = CLIP_VALUES
        session.execute(
            update(table)
            .where(table.c.uid == target_uid)
            .values(**fields, version=row["version"] + 1, updated_at=utcnow())
        )
        action = "new" if record.action == "new" else "edited"
        _record(session, target_uid, action=action, source_coder_id=record.source_coder_id,
                source_uid=record.source_uid, reviewer_id=reviewer_row.id,
                note=record.note if note is None else note)  # fmt: skip
        session.commit()
    return target_uid


def _consensus_record(session: Session, target_uid: str) -> ConsensusRecord:
    record = session.scalars(
        select(ConsensusRecord).where(ConsensusRecord.target_uid == target_uid)
    ).first()
    if record is None:
        raise StudyError(f"{target_uid} is not a row of the consensus layer")
    return record


def add_consensus_annotation(
    project: Project,
    reviewer: str,
    video_id: int,
    code_id: int,
    start_frame: int,
    end_frame: int | None = None,
    *,
    value: Any = None,
    note: str = "",
    times: TimesResolver | None = None,
) -> str:
    """Enter a new annotation into the consensus layer (action ``new``)."""
    with project.write_session() as session:
        reviewer_row = _reviewer(session, reviewer)
        consensus = ensure_coder(session, CONSENSUS_CODER)
        code, video = session.get(Code, code_id), session.get(Video, video_id)
        if code is None or video is None:
            raise StudyError(f"no code {code_id} or no video {video_id} in this project")
        resolve = times or media_times(project)
        row = {"start_frame": start_frame, "end_frame": end_frame, "value": value}
        fields = annotation_fields(code, ClipTimes(video, resolve(video)), row)
        uid, now = new_uid(), utcnow()
        session.execute(
            insert(ANNOTATIONS).values(
                uid=uid,
                video_id=video_id,
                code_id=code_id,
                coder_id=consensus.id,
                created_at=now,
                updated_at=now,
                **fields,
            )  # fmt: skip
        )
        _record(session, uid, action="new", reviewer_id=reviewer_row.id, note=note)
        session.commit()
    return uid


def set_consensus_value(
    project: Project, reviewer: str, video_id: int, code_id: int, value: Any, note: str = ""
) -> str:
    """Set the consensus value of a clip-level variable (action ``new``, or ``edited`` when
    it replaces a taken value)."""
    with project.write_session() as session:
        reviewer_row = _reviewer(session, reviewer)
        consensus = ensure_coder(session, CONSENSUS_CODER)
        code = session.get(Code, code_id)
        if code is None or session.get(Video, video_id) is None:
            raise StudyError(f"no code {code_id} or no video {video_id} in this project")
        stored = checked_clip_value(code, value)
        uid = _put_value(session, video_id, code_id, consensus.id, stored)
        record = session.scalars(
            select(ConsensusRecord).where(ConsensusRecord.target_uid == uid)
        ).first()
        if record is not None and record.action != "new":
            _record(
                session,
                uid,
                action="edited",
                source_coder_id=record.source_coder_id,
                source_uid=record.source_uid,
                reviewer_id=reviewer_row.id,
                note=note,
            )
        else:
            _record(session, uid, action="new", reviewer_id=reviewer_row.id, note=note,
                    source_coder_id=None, source_uid=None)  # fmt: skip
        session.commit()
    return uid


def drop_consensus(project: Project, target_uid: str) -> None:
    """Remove a row from the consensus layer with its provenance (coders' rows stay)."""
    with project.write_session() as session:
        table_name, _row = _find(session, target_uid)
        _consensus_record(session, target_uid)
        table = ANNOTATIONS if table_name == "annotation" else CLIP_VALUES
        session.execute(delete(table).where(table.c.uid == target_uid))
        session.execute(delete(ConsensusRecord).where(ConsensusRecord.target_uid == target_uid))
        session.commit()


def consensus_provenance(project: Project, video_id: int) -> list[Provenance]:
    """Provenance of every consensus row of one clip, annotations first, by code key."""
    with project.session() as session:
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
        keys = dict(session.execute(select(Code.id, Code.key)).all())
        records = {r.target_uid: r for r in session.scalars(select(ConsensusRecord))}
        result = []
        for name, table in (("annotation", ANNOTATIONS), ("clipvalue", CLIP_VALUES)):
            query = select(table.c.uid, table.c.code_id).where(table.c.video_id == video_id)
            for uid, code_id in session.execute(query):
                record = records.get(uid)
                if record is None:
                    continue
                result.append(
                    Provenance(
                        uid,
                        name,
                        keys[code_id],
                        record.action,
                        names.get(record.source_coder_id),
                        record.source_uid,
                        names[record.reviewer_id],
                        record.note,
                        record.created_at,
                    )
                )
    return sorted(result, key=lambda p: (p.table, p.code_key, p.target_uid))

"""Coding operations: create, edit and delete annotations, set clip-level values.

Each operation validates its input, commits at once (a crash never loses a decision the coder
saw succeed) and is recorded in :attr:`Coding.history` for undo/redo. Frames are the input;
the seconds stored beside them come from the video's presentation timestamps (see
:mod:`.times`), so frames and times always agree, also on variable-frame-rate clips.

Operations return detached rows (readable after the session closed). Ids are passed in and out
so callers on other threads never share ORM objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session, select

from annotators.codebook.spec import TIME_KINDS
from annotators.codebook.values import normalize_value, value_label
from annotators.errors import CodingError
from annotators.store.models import Annotation, ClipValue, Code, Coder, Video, utcnow

from .history import (
    Change,
    History,
    RowChange,
    SessionFactory,
    read_row,
    versioned_delete,
    versioned_update,
)
from .times import ClipTimes, TimesResolver, media_times

if TYPE_CHECKING:
    from annotators.project import Project

    from .bulk import BulkResult

SOURCES = ("manual", "imported", "suggested")
ANNOTATIONS = Annotation.__table__
CLIP_VALUES = ClipValue.__table__
R = TypeVar("R")


class _Unset:
    """Marks an argument of :meth:`Coding.update_annotation` that was not given."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class Coding:
    """The coding operations of one project, with their undo/redo :attr:`history`.

    ``session_factory`` is ``project.session`` (or any callable returning a session context
    manager); ``times`` resolves a ``Video`` row to its frame times.
    """

    def __init__(
        self, session_factory: SessionFactory, times: TimesResolver, history: History | None = None
    ) -> None:
        self.session_factory = session_factory
        self.times = times
        self.history = history or History(session_factory)

    @classmethod
    def for_project(cls, project: Project) -> Coding:
        """Operations on ``project`` with frame times read from its video files."""
        return cls(project.session, media_times(project))

    # --- annotations ----------------------------------------------------------------------

    def add_annotation(
        self,
        video_id: int,
        code_id: int,
        coder_id: int,
        start_frame: int,
        end_frame: int | None = None,
        *,
        value: Any = None,
        note: str = "",
        source: str = "manual",
    ) -> Annotation:
        """Create a point event (``end_frame`` None) or an interval, committed and undoable.

        Raises :class:`CodingError` for frames outside the clip, ``end_frame < start_frame``,
        an interval code without an end, a clip-level code, a retired code or a value the
        code does not allow.
        """

        def work(session: Session) -> tuple[Annotation, str, list[Change]]:
            now = utcnow()
            code, row = self._checked_annotation(
                session,
                {"video_id": video_id, "code_id": code_id, "coder_id": coder_id,
                 "start_frame": start_frame, "end_frame": end_frame, "value": value,
                 "note": note, "source": source, "created_at": now, "updated_at": now},
            )  # fmt: skip
            row_id = session.execute(ANNOTATIONS.insert().values(**row)).inserted_primary_key[0]
            after = read_row(session, ANNOTATIONS, row_id)
            label = _annotation_label("Add", code, after)
            return Annotation(**after), label, [RowChange(ANNOTATIONS, row_id, None, after)]

        return self.history.perform(work, exclusive=False)

    def update_annotation(
        self,
        annotation_id: int,
        *,
        start_frame: int = UNSET,
        end_frame: int | None = UNSET,
        code_id: int = UNSET,
        value: Any = UNSET,
        note: str = UNSET,
        source: str = UNSET,
        expected_version: int | None = None,
    ) -> Annotation:
        """Change the given fields of an annotation (others stay); same checks as adding.

        ``end_frame=None`` turns an interval of a point code into a point event. Only the
        fields that change are written, with ``version + 1``, by one ``UPDATE ... WHERE
        version = ?``. ``expected_version`` is the version the caller showed the user: when
        the row has moved on since, :class:`CodingError` names what someone else changed
        and nothing is written.
        """
        given = {
            "start_frame": start_frame, "end_frame": end_frame, "code_id": code_id,
            "value": value, "note": note, "source": source,
        }  # fmt: skip
        changes = {name: new for name, new in given.items() if new is not UNSET}

        def work(session: Session) -> tuple[Annotation, str, list[Change]]:
            before = _existing(session, annotation_id)
            if expected_version is not None and before["version"] != expected_version:
                raise CodingError(
                    f"annotation {annotation_id} was changed by someone else since you opened it"
                    f" (version {expected_version}, now {before['version']}); nothing was"
                    " saved, look at it again"
                )
            if before | changes == before:
                return Annotation(**before), "", []
            code, row = self._checked_annotation(
                session,
                {**before, **changes},
                applying=before["code_id"] != changes.get("code_id", before["code_id"]),
            )
            written = {k: v for k, v in row.items() if k in ANNOTATIONS.c and before[k] != v}
            if not written:
                return Annotation(**before), "", []
            written["updated_at"] = utcnow()
            versioned_update(session, ANNOTATIONS, annotation_id, before, written)
            after = read_row(session, ANNOTATIONS, annotation_id)
            label = _annotation_label("Edit", code, before)
            return (
                Annotation(**after),
                label,
                [RowChange(ANNOTATIONS, annotation_id, before, after)],
            )

        return self.history.perform(work, exclusive=False)

    def delete_annotation(self, annotation_id: int) -> None:
        """Delete an annotation; undo restores the same row (same id, times and dates)."""

        def work(session: Session) -> tuple[None, str, list[Change]]:
            before = _existing(session, annotation_id)
            versioned_delete(session, ANNOTATIONS, annotation_id, before)
            label = _annotation_label("Delete", _code(session, before["code_id"]), before)
            return None, label, [RowChange(ANNOTATIONS, annotation_id, before, None)]

        self.history.perform(work, exclusive=False)

    def _checked_annotation(
        self, session: Session, row: dict[str, Any], applying: bool = True
    ) -> tuple[Code, dict[str, Any]]:
        """The row's code and ``row`` validated, value normalised, times from the media layer.

        A retired code cannot be ``applying`` (newly given to an annotation), but annotations
        that already have it can still be edited.
        """
        code, video = _code_and_video(session, row["code_id"], row["video_id"], row["coder_id"])
        if applying and code.retired:
            raise CodingError(f"'{code.label}' was removed from the codebook (retired)")
        clip = ClipTimes(video, self.times(video))
        return code, {**row, **annotation_fields(code, clip, row)}

    # --- clip-level values ----------------------------------------------------------------

    def set_clip_value(
        self, video_id: int, code_id: int, coder_id: int, value: Any
    ) -> ClipValue | None:
        """Set (or with ``value=None`` clear) one clip-level variable for a clip and coder.

        Returns the stored row, or ``None`` after clearing. Setting the value it already
        has records nothing.
        """

        def work(session: Session) -> tuple[ClipValue | None, str, list[Change]]:
            code = _code(session, code_id)
            _video(session, video_id)
            _coder(session, coder_id)
            stored = checked_clip_value(code, value)
            existing = session.exec(
                select(ClipValue.id).where(
                    ClipValue.video_id == video_id,
                    ClipValue.code_id == code_id,
                    ClipValue.coder_id == coder_id,
                )
            ).first()
            before = read_row(session, CLIP_VALUES, existing) if existing is not None else None
            if (before and before["value"]) == stored:
                return (ClipValue(**before) if before else None), "", []
            row_id = _write_clip_value(session, before, video_id, code_id, coder_id, stored)
            after = read_row(session, CLIP_VALUES, row_id) if stored is not None else None
            shown = value_label(code, stored)
            label = f"Set '{code.label}' to '{shown}'" if shown else f"Clear '{code.label}'"
            return (
                (ClipValue(**after) if after else None),
                label,
                [RowChange(CLIP_VALUES, row_id, before, after)],
            )

        return self.history.perform(work)

    def clear_clip_value(self, video_id: int, code_id: int, coder_id: int) -> None:
        """Remove a clip-level value (same as ``set_clip_value(..., None)``)."""
        self.set_clip_value(video_id, code_id, coder_id, None)

    # --- many at once ---------------------------------------------------------------------

    def bulk_create_annotations(
        self,
        rows: Iterable[Mapping[str, Any]],
        *,
        source: str = "imported",
        skip_invalid: bool = False,
    ) -> BulkResult:
        """Create many annotations in one transaction, as one undoable action.

        Each row is a mapping with ``video_id``, ``code_id``, ``coder_id``, ``start_frame``
        and optionally ``end_frame``, ``value``, ``note``, ``source`` (default ``source``) and
        ``uid`` (kept, e.g. by an import; it must not exist yet, else nothing is stored).
        Rows get the same checks as :meth:`add_annotation`. An invalid row refuses the whole
        batch with :class:`CodingError` (nothing stored) unless ``skip_invalid``, which stores
        the valid rows and reports the others in :attr:`BulkResult.skipped`.
        """
        from .bulk import bulk_insert

        def work(session: Session) -> tuple[BulkResult, str, list[Change]]:
            result, changes = bulk_insert(
                session, self.times, rows, source=source, skip_invalid=skip_invalid
            )
            count = len(result.ids)
            return result, f"Add {count} annotation{'s' if count != 1 else ''}", changes

        return self.history.perform(work)

    # --- undo / redo ----------------------------------------------------------------------

    def undo(self) -> str:
        """Revert the last operation; return its label."""
        return self.history.undo()

    def redo(self) -> str:
        """Re-apply the last undone operation; return its label."""
        return self.history.redo()


def _annotation_label(verb: str, code: Code, row: dict[str, Any]) -> str:
    """Edit-menu text such as ``Add 'Donate' at frame 120`` or ``... frames 120-180``."""
    start, end = row["start_frame"], row["end_frame"]
    where = f"at frame {start}" if end is None else f"frames {start}-{end}"
    return f"{verb} '{code.label}' {where}"


def annotation_fields(code: Code, clip: ClipTimes, row: dict[str, Any]) -> dict[str, Any]:
    """Checked ``start_frame/end_frame/start_s/end_s/value/source`` of an annotation ``row``.

    Shared by the single and the bulk path so both accept exactly the same annotations.
    """
    if code.kind not in TIME_KINDS:
        raise CodingError(
            f"'{code.label}' is a {code.kind} code, not a time-anchored one: "
            + ("set its value for the clip instead" if code.kind == "clip" else "pick a code")
        )
    start, end = clip.check(row["start_frame"]), row.get("end_frame")
    if end is None and code.kind == "interval":
        raise CodingError(f"'{code.label}' is an interval code: give an end frame")
    if end is not None:
        end = clip.check(end)
        if end < start:
            raise CodingError(f"end frame {end} is before start frame {start}")
    source = row.get("source", "manual")
    if source not in SOURCES:
        raise CodingError(f"unknown source '{source}' (one of {', '.join(SOURCES)})")
    try:
        value = normalize_value(code, row.get("value"))
    except ValueError as error:
        raise CodingError(str(error)) from None
    start_s, end_s = clip.seconds(start), None if end is None else clip.seconds(end)
    if end_s is not None and end_s < start_s:
        raise CodingError(f"end time {end_s} s is before start time {start_s} s")
    return {
        "start_frame": start, "end_frame": end, "value": value, "source": source,
        "start_s": start_s, "end_s": end_s, "note": row.get("note") or "",
    }  # fmt: skip


def checked_clip_value(code: Code, value: Any) -> str | None:
    """``value`` as stored for the clip-level ``code``; :class:`CodingError` when invalid."""
    if code.kind != "clip":
        raise CodingError(f"'{code.label}' is a {code.kind} code, not a clip-level variable")
    try:
        return normalize_value(code, value)
    except ValueError as error:
        raise CodingError(str(error)) from None


def _write_clip_value(
    session: Session,
    before: dict[str, Any] | None,
    video_id: int,
    code_id: int,
    coder_id: int,
    stored: str | None,
) -> int | None:
    """Insert, update or delete the clip value row; return its id."""
    if before is None and stored is None:
        return None
    if stored is None:
        versioned_delete(session, CLIP_VALUES, before["id"], before)
        return before["id"]
    if before is not None:
        if before["value"] != stored:
            values = {"value": stored, "updated_at": utcnow()}
            versioned_update(session, CLIP_VALUES, before["id"], before, values)
        return before["id"]
    now = utcnow()
    inserted = session.execute(
        CLIP_VALUES.insert().values(
            video_id=video_id,
            code_id=code_id,
            coder_id=coder_id,
            value=stored,
            created_at=now,
            updated_at=now,
        )  # fmt: skip
    )
    return inserted.inserted_primary_key[0]


def _existing(session: Session, annotation_id: int) -> dict[str, Any]:
    row = read_row(session, ANNOTATIONS, annotation_id)
    if row is None:
        raise CodingError(f"annotation {annotation_id} does not exist (deleted?)")
    return row


def _code_and_video(
    session: Session, code_id: int, video_id: int, coder_id: int
) -> tuple[Code, Video]:
    """The code and video rows, checked to exist with the coder, in one query (one round trip
    to a server instead of three); when one is missing, its own check says which."""
    coder_exists = select(Coder.id).where(Coder.id == coder_id).exists()
    query = select(Code, Video).join(Video, Video.id == video_id)  # one row of each
    found = session.exec(query.where(Code.id == code_id, coder_exists)).first()
    if found is not None:
        return found[0], found[1]
    code, video = _code(session, code_id), _video(session, video_id)
    _coder(session, coder_id)
    return code, video


def _code(session: Session, code_id: int) -> Code:
    return _get(session, Code, code_id, f"code {code_id} does not exist")


def _video(session: Session, video_id: int) -> Video:
    return _get(session, Video, video_id, f"video {video_id} is not in the project")


def _coder(session: Session, coder_id: int) -> Coder:
    return _get(session, Coder, coder_id, f"coder {coder_id} does not exist")


def _get(session: Session, model: type[R], row_id: int, missing: str) -> R:
    """The ``model`` row ``row_id``; :class:`CodingError` with ``missing`` when there is none."""
    row = session.get(model, row_id)
    if row is None:
        raise CodingError(missing)
    return row

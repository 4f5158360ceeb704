"""Write an :class:`ImportPlan` into a project in ONE transaction, through the coding paths.

Contract:
- videos: every reference maps to the ``video`` override (file name, sha256 or id) when given,
  else to the project video with the same content hash, else to the one video with that file
  name; references that match nothing are reported and their rows skipped;
- codes: matched by key in the project's active codebook (else its newest); drafts with new
  keys become one new codebook version (see :mod:`.codes`);
- coders: by name (the plan's, or ``coder``), created when new;
- frames: from the plan's times through each video's frame table (``times``, default the
  media files); times before the clip or past its end are reported and skipped;
- annotations go through :func:`annotators.coding.bulk.bulk_insert`, so exactly what coding
  accepts is stored; refused rows are reported, rows already present count as duplicates;
- clip values never overwrite a different value already set (reported);
- any error (or ``dry_run``) rolls the whole transaction back: the project is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from annotators.coding import checked_clip_value, media_times
from annotators.coding.bulk import bulk_insert
from annotators.coding.times import ClipTimes, FrameTimes, TimesResolver
from annotators.errors import CodebookError, CodingError, ExportError, MediaError
from annotators.export.catalog import load_videos
from annotators.export.selection import resolve_videos
from annotators.store.models import Annotation, ClipValue, Code, Coder, Video, utcnow
from annotators.store.portable import driver_message
from annotators.transcribe.storage import save_transcript

from .codes import add_codes, codes_by_key, target_codebook
from .frames import FrameIndex
from .plan import AnnotationDraft, CodeDraft, ImportPlan, ImportResult, VideoRef

if TYPE_CHECKING:
    from annotators.project import Project


def apply_plan(
    project: Project,
    plan: ImportPlan,
    *,
    coder: str | None = None,
    video: str | None = None,
    times: TimesResolver | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Store ``plan`` in ``project`` (see the module contract); return what was stored.

    With ``dry_run`` everything is checked in the transaction, which is then rolled back, so
    the result is exactly what a real import would store. Raises :class:`ExportError` naming
    the file when the plan cannot be stored at all; then nothing changed.
    """
    result = ImportResult(plan.source, plan.format, dry_run, problems=list(plan.problems))
    with project.session() as session:
        try:
            _Applier(session, plan, result, times or media_times(project)).run(coder, video)
        except (SQLAlchemyError, CodingError, CodebookError) as error:
            session.rollback()
            # a database error's first line only (no SQL, no PostgreSQL DETAIL lines)
            reason = driver_message(error) if isinstance(error, SQLAlchemyError) else error
            raise ExportError(
                f"{plan.source}: import failed, nothing was changed ({reason})"
            ) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return result


@dataclass
class _Clip:
    video: Video
    table: FrameTimes | None  # None when the frame table cannot be read
    frames: FrameIndex | None


class _Applier:
    """One import's matching state inside its session."""

    def __init__(
        self, session: Session, plan: ImportPlan, result: ImportResult, times: TimesResolver
    ) -> None:
        self.session, self.plan, self.result, self.times = session, plan, result, times
        self.clips: dict[VideoRef, _Clip | None] = {}
        self.coders: dict[str, int] = {}
        self.codes: dict[str, Code] = {}

    def problem(self, origin: str, why: str) -> None:
        self.result.problems.append(f"{origin or self.plan.source}: {why}")

    def run(self, coder: str | None, video: str | None) -> None:
        self._match_videos(video)
        self._codes()
        self.coder_override = coder.strip() if coder and coder.strip() else None
        self._annotations()
        self._clip_values()
        self._transcripts()

    # --- matching -------------------------------------------------------------------------

    def _match_videos(self, override: str | None) -> None:
        infos = load_videos(self.session)
        rows = {row.id: row for row in self.session.exec(select(Video))}
        forced = None
        if override:
            ids = resolve_videos([override], infos)
            if ids is None or len(ids) != 1:
                raise ExportError(f"--video {override!r} matches {len(ids or ())} videos, not one")
            forced = rows[next(iter(ids))]
        timed = {draft.video for draft in self.plan.annotations}
        by_hash = {row.content_hash: row for row in rows.values()}
        by_name: dict[str, list[Video]] = {}
        for row in rows.values():
            by_name.setdefault(row.file_name, []).append(row)
        for ref in self._all_refs():
            found = forced or by_hash.get(ref.content_hash or "")
            named = by_name.get(ref.file_name or "", [])
            if found is None and len(named) == 1:
                found = named[0]
            if found is None:
                hint = "ambiguous file name" if named else "no project video matches it"
                self.problem(str(self.plan.source), f"media {str(ref)!r}: {hint} (use --video)")
                self.clips[ref] = None
                continue
            self.result.videos[str(ref)] = found.file_name
            # only annotations need frames: a transcript or clip value imports without the file
            table = self._table(found) if ref in timed else None
            frames = (
                None
                if table is None
                else FrameIndex(ClipTimes(found, table), table, found.duration_s)
            )
            self.clips[ref] = _Clip(found, table, frames)

    def _all_refs(self) -> list[VideoRef]:
        refs = list(self.plan.videos)
        for item in (*self.plan.annotations, *self.plan.clip_values, *self.plan.transcripts):
            if item.video not in refs:
                refs.append(item.video)
        return refs

    def _table(self, video: Video) -> FrameTimes | None:
        try:
            return self.times(video)
        except MediaError as error:
            self.problem(str(self.plan.source), f"video {video.file_name!r}: {error}")
            return None

    def _codes(self) -> None:
        book = target_codebook(self.session)
        existing = codes_by_key(self.session, book)
        new = _without_empty_categories([d for d in self.plan.codes if d.key not in existing])
        self.result.matched_codes = [d.key for d in self.plan.codes if d.key in existing]
        if new:
            book, version = add_codes(self.session, book, new, str(self.plan.source))
            self.result.new_codes = [draft.key for draft in new]
            self.result.codebook_version = version
            existing = codes_by_key(self.session, book)
        self.codes = existing

    def coder_id(self, name: str) -> int:
        """Id of coder ``name`` (or the override), created in this transaction when new."""
        name = self.coder_override or name.strip() or "imported"
        if name not in self.coders:
            row = self.session.exec(select(Coder).where(Coder.name == name)).first()
            if row is None:
                row = Coder(name=name)
                self.session.add(row)
                self.session.flush()
                self.result.new_coders.append(name)
            self.coders[name] = row.id  # type: ignore[assignment]
        return self.coders[name]

    # --- annotations ----------------------------------------------------------------------

    def _annotations(self) -> None:
        rows: list[dict[str, Any]] = []
        origins: list[str] = []
        seen = self._existing_annotations()
        for draft in self.plan.annotations:
            row = self._annotation_row(draft)
            if row is None:
                continue
            ident = tuple(row.get(k) for k in _IDENTITY)
            if ident in seen:
                self.result.duplicates += 1
                continue
            rows.append(row)
            origins.append(draft.origin)
        if not rows:
            return
        resolver = self._resolver()
        outcome, _changes = bulk_insert(
            self.session, resolver, rows, source="imported", skip_invalid=True
        )
        for index, why in outcome.skipped:
            self.problem(origins[index], why)
        self.result.annotations = len(outcome.ids)

    def _resolver(self) -> Callable[[Video], FrameTimes]:
        tables = {
            clip.video.id: clip.table
            for clip in self.clips.values()
            if clip and clip.table is not None
        }
        return lambda video: tables[video.id]

    def _existing_annotations(self) -> set[tuple]:
        ids = {clip.video.id for clip in self.clips.values() if clip is not None}
        columns = [getattr(Annotation, name) for name in _IDENTITY]
        query = select(*columns).where(Annotation.video_id.in_(ids))  # type: ignore[attr-defined]
        return set(self.session.exec(query).all())

    def _annotation_row(self, draft: AnnotationDraft) -> dict[str, Any] | None:
        clip = self.clips.get(draft.video)
        code = self.codes.get(draft.code_key)
        if clip is None:
            return None  # reported once for the video
        if code is None or code.kind not in ("point", "interval"):
            what = "no such code" if code is None else f"a {code.kind} code"
            self.problem(draft.origin, f"code {draft.code_key!r} is {what}, not time-anchored")
            return None
        if clip.frames is None:
            self.problem(draft.origin, f"no frame table for {clip.video.file_name!r}")
            return None
        span = self._frames_of(draft, clip)
        if span is None:
            return None
        start, end = span
        if code.kind == "point" and (end is None or end <= start + 1):
            end = None  # a point event is written as the one frame it covers
        elif end is None:
            end = start
        value, note = _value_and_note(code, draft.value, draft.note)
        return {
            "video_id": clip.video.id, "code_id": code.id,
            "coder_id": self.coder_id(draft.coder), "start_frame": start, "end_frame": end,
            "value": value, "note": note,
        }  # fmt: skip

    def _frames_of(self, draft: AnnotationDraft, clip: _Clip) -> tuple[int, int | None] | None:
        frames = clip.frames
        assert frames is not None
        start = frames.frame_at(draft.start_s)
        end = None if draft.end_s is None else frames.frame_at(draft.end_s)
        if start is None or (draft.end_s is not None and end is None):
            self.problem(
                draft.origin,
                f"{_span(draft)} is outside {clip.video.file_name!r} "
                f"(0-{frames.duration_s:.3f} s), skipped",
            )
            return None
        return start, end

    # --- clip values and transcripts ------------------------------------------------------

    def _clip_values(self) -> None:
        ids = {clip.video.id for clip in self.clips.values() if clip is not None}
        query = select(ClipValue.video_id, ClipValue.code_id, ClipValue.coder_id, ClipValue.value)
        known = {
            (v, c, k): value
            for v, c, k, value in self.session.exec(query.where(ClipValue.video_id.in_(ids)))  # type: ignore[attr-defined]
        }
        for draft in self.plan.clip_values:
            clip, code = self.clips.get(draft.video), self.codes.get(draft.code_key)
            if clip is None:
                continue
            if code is None or code.kind != "clip":
                self.problem(draft.origin, f"code {draft.code_key!r} is not a clip-level variable")
                continue
            try:
                value = checked_clip_value(code, _listed(code, draft.value))
            except CodingError as error:
                self.problem(draft.origin, str(error))
                continue
            key = (clip.video.id, code.id, self.coder_id(draft.coder))
            if key in known:
                if known[key] == value:
                    self.result.duplicates += 1
                else:
                    self.problem(draft.origin, f"{code.key} already has {known[key]!r}, kept")
                continue
            known[key] = value
            now = utcnow()
            self.session.add(
                ClipValue(video_id=key[0], code_id=key[1], coder_id=key[2], value=value,
                          created_at=now, updated_at=now)
            )  # fmt: skip
            self.result.clip_values += 1
        self.session.flush()

    def _transcripts(self) -> None:
        for draft in self.plan.transcripts:
            clip = self.clips.get(draft.video)
            if clip is None:
                continue
            save_transcript(self.session, clip.video.id, draft.result)
            self.result.transcripts += 1


def _without_empty_categories(drafts: list[CodeDraft]) -> list[CodeDraft]:
    """``drafts`` less the categories that would hold no new code (a file's category for its
    codes is not needed when every code already exists)."""
    needed: set[str] = set()
    parents = {draft.key: draft.parent for draft in drafts}
    for draft in drafts:
        if draft.kind != "category":
            parent = draft.parent
            while parent in parents and parent not in needed:
                needed.add(parent)
                parent = parents[parent]
    return [d for d in drafts if d.kind != "category" or d.key in needed]


_IDENTITY = ("video_id", "code_id", "coder_id", "start_frame", "end_frame", "value", "note")


def _span(draft: AnnotationDraft) -> str:
    if draft.end_s is None:
        return f"time {draft.start_s:.3f} s"
    return f"span {draft.start_s:.3f}-{draft.end_s:.3f} s"


def _listed(code: Code, value: str | None) -> str | None:
    """An option given by its label mapped to its stored value (values pass unchanged)."""
    if value is None or code.value_type not in ("nominal", "ordinal", "presence"):
        return value
    values = {str(o["value"]) for o in code.options}
    if value in values:
        return value
    by_label = {str(o["label"]): str(o["value"]) for o in code.options}
    return by_label.get(value, value)


def _value_and_note(code: Code, value: str | None, note: str) -> tuple[str | None, str]:
    """A value for a presence code (which takes none) is kept in the note instead."""
    if code.value_type == "presence" and value:
        return None, f"{value}\n{note}".strip() if note else value
    return _listed(code, value), note

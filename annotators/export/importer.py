"""Import of a csv-long file (another coder's work, a pilot coded elsewhere) into a project.

Contract:
- videos are matched by ``video_sha256`` (content hash), else by ``video_file_name`` when exactly
  one video of the project has that name; codes by ``code_key``;
- rows naming unknown videos, unknown codes, frames outside the video or values that are not
  valid for their code are skipped and reported with their line number; annotations are checked
  and stored by the coding operations' bulk path (:func:`annotators.coding.bulk.bulk_insert`),
  so an import accepts exactly what coding in the app accepts;
- times come from the media layer (the video's frame table) when the video file is present,
  else from the file's ``start_s``/``end_s``; frame numbers are authoritative either way;
- rows already in the project before the import (same ``row_uid``, or same video, code,
  coder, frames, value and note) are counted as duplicates and not added again, so importing a
  file twice changes nothing the second time, also when a row was edited in the project
  since the export; identical rows within the file are all imported (a coder may have marked
  the same span twice, and an import loses nothing; a repeated ``row_uid`` gets a fresh one);
- imported rows keep their ``row_uid``, so the same row is recognised in every project;
- a clip-level row whose variable already has a different value for that clip and coder is
  skipped and reported (an import never overwrites a coder's decision);
- the file's ``source`` is kept when it is ``manual``, ``imported`` or ``suggested`` (so a round
  trip keeps it); rows without one get ``imported``; ``created_at``/``updated_at`` are the time
  of the import (the rows are new in this project);
- an unreadable or malformed file (bad encoding or quoting, missing columns, a frame that is not
  a whole number...) raises :class:`ExportError` and changes nothing: all rows are written in one
  transaction after the whole file was checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from annotators.coding import SOURCES, FrameTimes, checked_clip_value, media_times
from annotators.coding.bulk import bulk_insert
from annotators.errors import CodingError, ExportError, MediaError
from annotators.store.engine import sqlite_problem
from annotators.store.models import Annotation, ClipValue, Code, Coder, Video, utcnow
from annotators.store.portable import driver_message

from .catalog import CLIP, CodeInfo, VideoInfo, load_codes, load_videos
from .csvread import read_records
from .rowparse import ParsedRow, parse_row

if TYPE_CHECKING:
    from annotators.project import Project


@dataclass(frozen=True)
class SkippedRow:
    """A row left out of the import: its line in the file and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did. ``skipped`` lists rows not imported, in file order."""

    path: Path
    annotations: int = 0
    clip_values: int = 0
    duplicates: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.annotations + self.clip_values


class _Resolver:
    """Maps file rows to this project's videos, codes and coders."""

    def __init__(self, session: Session, coder_override: str | None) -> None:
        self.session = session
        self.codes_by_key = _codes_by_key(load_codes(session))
        videos = load_videos(session).values()
        self.by_hash = {v.content_hash: v for v in videos}
        self.by_name: dict[str, list[VideoInfo]] = {}
        for video in videos:
            self.by_name.setdefault(video.file_name, []).append(video)
        self.coder_override = coder_override
        self._coders: dict[str, int] = {}

    def video(self, row: ParsedRow) -> VideoInfo | str:
        """The row's video, or why there is none."""
        if row.video_sha256 in self.by_hash:
            return self.by_hash[row.video_sha256]
        named = self.by_name.get(row.video_file_name, [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            return (
                f"video {row.video_file_name!r} is ambiguous ({len(named)} videos with that name)"
            )
        return f"unknown video {row.video_file_name or row.video_sha256!r}"

    def coder_id(self, name: str) -> int:
        """Id of coder ``name``, created inside the import's transaction if new."""
        if name not in self._coders:
            coder = self.session.exec(select(Coder).where(Coder.name == name)).first()
            if coder is None:
                coder = Coder(name=name)
                self.session.add(coder)
                self.session.flush()
            self._coders[name] = coder.id  # type: ignore[assignment]
        return self._coders[name]


def _codes_by_key(codes: dict[int, CodeInfo]) -> dict[str, CodeInfo]:
    """Codes by key; the newest codebook wins when several define a key."""
    by_key: dict[str, CodeInfo] = {}
    for code in codes.values():
        if not code.is_category:
            current = by_key.get(code.key)
            if current is None or code.codebook_id > current.codebook_id:
                by_key[code.key] = code
    return by_key


def _kind_problem(row: ParsedRow, code: CodeInfo) -> str | None:
    """Why ``row`` does not fit ``code``'s kind (clip-level vs time-anchored), or ``None``."""
    if (row.kind == CLIP) != code.is_clip:
        return f"code {code.key!r} is {code.kind}, but the row is {row.kind or 'empty'}"
    return None


def _existing_keys(session: Session, video_ids: set[int]) -> set[tuple]:
    query = select(
        Annotation.video_id,
        Annotation.code_id,
        Annotation.coder_id,
        Annotation.start_frame,
        Annotation.end_frame,
        Annotation.value,
        Annotation.note,
    ).where(Annotation.video_id.in_(video_ids))  # type: ignore[attr-defined]
    return set(session.exec(query).all())


def _existing_uids(session: Session, model: type) -> set[str]:
    return set(session.exec(select(model.uid)).all())


def _existing_clip_values(session: Session, video_ids: set[int]) -> dict[tuple, str | None]:
    query = select(
        ClipValue.video_id, ClipValue.code_id, ClipValue.coder_id, ClipValue.value
    ).where(ClipValue.video_id.in_(video_ids))  # type: ignore[attr-defined]
    return {(v, c, k): value for v, c, k, value in session.exec(query).all()}


def _annotation_input(row: ParsedRow, video_id: int, code_id: int, coder_id: int):
    """A row for the coding layer's bulk insert (which checks it and adds the times)."""
    fields = {
        "video_id": video_id,
        "code_id": code_id,
        "coder_id": coder_id,
        "start_frame": row.start_frame,
        "end_frame": row.end_frame,
        "value": row.value,
        "note": row.note,
    }
    if row.source in SOURCES:
        fields["source"] = row.source
    if row.uid:
        fields["uid"] = row.uid
    return fields


Matched = tuple[ParsedRow, VideoInfo, CodeInfo, str]


def _match(rows: list[ParsedRow], resolver: _Resolver, report: ImportReport) -> list[Matched]:
    """Rows that name a known video and code with valid frames/values; the rest are skipped."""
    matched: list[Matched] = []
    for row in rows:
        video = resolver.video(row)
        code = resolver.codes_by_key.get(row.code_key)
        coder = resolver.coder_override or row.coder
        if isinstance(video, str):
            problem: str | None = video
        elif code is None:
            problem = f"unknown code {row.code_key!r}"
        elif not coder:
            problem = "no coder (give one with --coder)"
        else:
            problem = _kind_problem(row, code)
        if problem:
            report.skipped.append(SkippedRow(row.line, problem))
        else:
            matched.append((row, video, code, coder))  # type: ignore[arg-type]
    return matched


class _Writer:
    """Adds the matched rows that are new; duplicates are counted, conflicts skipped."""

    def __init__(self, project: Project, session: Session, report: ImportReport) -> None:
        self.project, self.session, self.report = project, session, report
        self.file_times: dict[int, dict[int, float]] = {}
        self._media = media_times(project)

    def store(self, matched: list[Matched], resolver: _Resolver) -> None:
        video_ids = {video.id for _row, video, _code, _coder in matched}
        existing = _existing_keys(self.session, video_ids)
        clip_values = _existing_clip_values(self.session, video_ids)
        # uids in the project before the import mark duplicates; uids taken (also by this
        # import) are not given twice: a row repeated in the file gets a fresh one
        before = _existing_uids(self.session, Annotation) | _existing_uids(self.session, ClipValue)
        self.uids = set(before)
        annotations: list[tuple[int, dict]] = []
        for row, video, code, coder in matched:
            coder_id = resolver.coder_id(coder)
            if code.is_clip:
                self._clip_value(row, (video.id, code.id, coder_id), clip_values)
                continue
            ident = (
                video.id, code.id, coder_id, row.start_frame, row.end_frame, row.value, row.note
            )  # fmt: skip
            if ident in existing or (row.uid and row.uid in before):
                self.report.duplicates += 1
                continue
            if row.uid and row.uid in self.uids:
                row = replace(row, uid=None)
            elif row.uid:
                self.uids.add(row.uid)
            self._remember_times(video.id, row)
            annotations.append((row.line, _annotation_input(row, video.id, code.id, coder_id)))
        self._annotations(annotations)

    def _clip_value(self, row: ParsedRow, key: tuple[int, int, int], known: dict) -> None:
        code = self.session.get(Code, key[1])
        try:
            value = checked_clip_value(code, row.value)
        except CodingError as error:
            self.report.skipped.append(SkippedRow(row.line, str(error)))
            return
        if key in known:
            if known[key] == value:
                self.report.duplicates += 1
            else:
                reason = f"{code.key} already has the value {known[key]!r} for this coder"
                self.report.skipped.append(SkippedRow(row.line, reason))
            return
        known[key] = value
        now = utcnow()
        video_id, code_id, coder_id = key
        uid = {} if not row.uid or row.uid in self.uids else {"uid": row.uid}
        self.uids.update(uid.values())
        self.session.add(
            ClipValue(
                video_id=video_id,
                code_id=code_id,
                coder_id=coder_id,
                value=value,
                created_at=now,
                updated_at=now,
                **uid,
            )
        )
        self.report.clip_values += 1

    def _remember_times(self, video_id: int, row: ParsedRow) -> None:
        times = self.file_times.setdefault(video_id, {})
        times[row.start_frame] = row.start_s  # type: ignore[index,assignment]
        if row.end_frame is not None:
            times[row.end_frame] = row.end_s  # type: ignore[assignment]

    def times(self, video: Video) -> FrameTimes:
        """Frame times from the media file when present, else the times given in the CSV."""
        if self.project.video_path(video).is_file():
            return self._media(video)
        return self.file_times.get(video.id, {}).__getitem__

    def _annotations(self, rows: list[tuple[int, dict]]) -> None:
        result, _changes = bulk_insert(
            self.session,
            self.times,
            [fields for _line, fields in rows],
            source="imported",
            skip_invalid=True,
        )
        lines = [line for line, _fields in rows]
        for index, why in result.skipped:
            self.report.skipped.append(SkippedRow(lines[index], why))
        self.report.skipped.sort(key=lambda skipped: skipped.line)
        self.report.annotations = len(result.ids)


def import_long_csv(project: Project, path: Path | str, coder: str | None = None) -> ImportReport:
    """Import the csv-long file at ``path`` into ``project``; see the module docstring.

    ``coder`` (a name) attributes every row to that coder instead of the file's ``coder``
    column. Raises :class:`ExportError` naming the file (and line) when it cannot be read;
    then the project is unchanged.
    """
    path = Path(path)
    project.require_writable()
    rows = [parse_row(path, line, record) for line, record in read_records(path)]
    report = ImportReport(path=path)
    with project.write_session() as session:
        try:
            resolver = _Resolver(session, coder.strip() if coder else None)
            _Writer(project, session, report).store(_match(rows, resolver, report), resolver)
            session.commit()
        except SQLAlchemyError as error:
            session.rollback()
            reason = sqlite_problem(error) or driver_message(error)
            raise ExportError(f"{path}: import failed, nothing was changed ({reason})") from error
        except (CodingError, MediaError) as error:
            session.rollback()
            raise ExportError(f"{path}: import failed, nothing was changed ({error})") from error
    return report

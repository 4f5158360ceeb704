"""The ``csv-long`` export: one row per annotation, then one row per clip-level value.

Rows are streamed from SQL core queries in a stable order (video file name, coder, start
frame, codebook order); codes, videos and coders are looked up in memory. Column meanings are
documented in ``docs/export-format.md`` and in :data:`COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Select, bindparam, select
from sqlmodel import Session

from annotators.jobs import Job, run_job
from annotators.safety.outputs import NO_GUARD, OutputGuard
from annotators.store.models import Annotation, ClipValue, Code, Coder, Suggestion, Video
from annotators.store.portable import byte_order

from .catalog import load_coders, load_codes, load_videos
from .csvio import Column, CsvOptions, open_table, text_field
from .dictionary import TableExport, dictionary_path, write_dictionary
from .selection import ExportFilter, Selection, resolve
from .sqltext import iso_text, ms, raw_query
from .timecode import ms_timecode
from .widenames import wide_bases
from .words import current_transcript_id, timeline_for, transcript_version

COLUMNS = (
    Column("annotation_id", "int", "annotation id (empty on clip-level rows)"),
    Column("video_id", "int", "video id in this project"),
    Column("video_file_name", "text", "file name of the video"),
    Column("video_sha256", "text", "SHA-256 of the video file (matches across projects)"),
    Column("platform_video_id", "text", "the platform's id of the video, if known"),
    Column("coder_id", "int", "coder id in this project"),
    Column("coder", "text", "coder name"),
    Column("code_id", "int", "code id in this project"),
    Column("code_key", "text", "stable code id from the codebook"),
    Column("code_path", "text", "category labels down to the code, joined by ' / '"),
    Column("code_label", "text", "code label"),
    Column("codebook_version", "int", "version of the code's codebook at export time"),
    Column("kind", "text", "point, interval or clip"),
    Column("value", "text", "stored value (option value, number or text; empty for presence)"),
    Column("value_label", "text", "label of the value for nominal/ordinal codes"),
    Column("start_frame", "int", "first frame (presentation order, from 0)"),
    Column("end_frame", "int", "last frame (empty for point events)"),
    Column("start_s", "seconds", "presentation time of start_frame"),
    Column("end_s", "seconds", "presentation time of end_frame"),
    Column("duration_s", "seconds", "end_s - start_s (empty for point events)"),
    Column("start_tc", "text", "start_s as hh:mm:ss.mmm"),
    Column("end_tc", "text", "end_s as hh:mm:ss.mmm"),
    Column("transcript_words", "text", "words of the current transcript spoken meanwhile"),
    Column("transcript_version", "text", "which transcript transcript_words is from"),
    Column("note", "text", "the coder's note"),
    Column("source", "text", "manual, imported or suggested (empty on clip-level rows)"),
    Column("suggested_rule", "text", "the suggestion rule the annotation began as, if any"),
    Column("created_at", "text", "when the row was created (ISO 8601, UTC)"),
    Column("updated_at", "text", "when the row was last changed (ISO 8601, UTC)"),
    Column("row_uid", "text", "the row's identity, the same in every project it is copied into"),
)


def _annotation_query(sel: Selection) -> Select:
    """Annotations of one video (``video_id`` parameter) in export order.

    Querying video by video keeps each sort small and lets one word timeline serve a video.
    """
    ann = Annotation
    query = (
        select(
            ann.id,
            ann.video_id,
            ann.coder_id,
            ann.code_id,
            ann.value,
            ann.start_frame,
            ann.end_frame,
            ms(ann.start_s),
            ms(ann.end_s),
            ann.start_s,
            ann.end_s,
            ann.note,
            ann.source,
            iso_text(ann.created_at),
            iso_text(ann.updated_at),
            Suggestion.rule,
            ann.uid,
        )  # fmt: skip
        .join(Coder, Coder.id == ann.coder_id)
        .join(Code, Code.id == ann.code_id)
        .outerjoin(Suggestion, Suggestion.annotation_uid == ann.uid)
        .where(ann.video_id == bindparam("video_id", 0))
        # point events (no end) first, as SQLite orders NULL; PostgreSQL would put them last
        .order_by(
            byte_order(Coder.name),
            ann.start_frame,
            Code.sort_order,
            ann.end_frame.nulls_first(),
            ann.id,
        )  # fmt: skip
    )
    return sel.filter(query, ann)


def _clip_query(sel: Selection) -> Select:
    query = (
        select(
            ClipValue.video_id,
            ClipValue.coder_id,
            ClipValue.code_id,
            ClipValue.value,
            iso_text(ClipValue.created_at),
            iso_text(ClipValue.updated_at),
            ClipValue.uid,
        )
        .join(Video, Video.id == ClipValue.video_id)
        .join(Coder, Coder.id == ClipValue.coder_id)
        .join(Code, Code.id == ClipValue.code_id)
        .order_by(
            byte_order(Video.file_name), Video.id, byte_order(Coder.name), Code.sort_order, Code.id
        )
    )
    return sel.filter(query, ClipValue)


class _LongLines:
    """Turns streamed SQL rows into encoded csv-long lines.

    Everything that depends only on the video, coder and code (12 cells), on the value (2
    cells) or on a time (its seconds text and timecode) is guarded and encoded once per
    distinct combination, not once per row: 100,000 rows share a few thousand of them.
    """

    def __init__(self, session: Session, guard: Callable[[str], str]) -> None:
        self.conn = session.connection()
        self.codes = load_codes(session)
        self.videos = load_videos(session)
        self.coders = load_coders(session)
        self.guard = guard
        self._heads: dict[tuple[int, int, int], str] = {}
        self._values: dict[tuple[int, str | None], str] = {}
        self._times: dict[int, tuple[str, str]] = {}
        self._sources: dict[str, str] = {}

    def text(self, text: str | None) -> str:
        """A guarded, encoded text field."""
        return text_field(text, self.guard) if text else ""

    def head(self, video_id: int, coder_id: int, code_id: int) -> str:
        """The encoded cells from ``video_id`` to ``kind``."""
        key = (video_id, coder_id, code_id)
        if key not in self._heads:
            video, code, t = self.videos[video_id], self.codes[code_id], self.text
            self._heads[key] = ",".join([
                str(video.id), t(video.file_name), video.content_hash, t(video.platform_video_id),
                str(coder_id), t(self.coders[coder_id]), str(code.id), t(code.key), t(code.path),
                t(code.label), str(code.codebook_version), t(code.kind),
            ])  # fmt: skip
        return self._heads[key]

    def value(self, code_id: int, value: str | None) -> str:
        """The encoded ``value`` and ``value_label`` cells."""
        key = (code_id, value)
        if key not in self._values:
            label = self.codes[code_id].value_label(value)
            self._values[key] = f"{self.text(value)},{self.text(label)}"
        return self._values[key]

    def source(self, source: str) -> str:
        """The encoded ``source`` cell (a handful of distinct values)."""
        if source not in self._sources:
            self._sources[source] = self.text(source)
        return self._sources[source]

    def time(self, ms: int) -> tuple[str, str]:
        """Seconds text and timecode of a time in whole milliseconds."""
        if ms not in self._times:
            self._times[ms] = (f"{ms / 1000:.3f}", ms_timecode(ms))
        return self._times[ms]

    def video_order(self, sel: Selection) -> list[int]:
        """Ids of the selected videos, ordered by file name (then id)."""
        videos = [v for v in self.videos.values() if sel.video_ids is None or v.id in sel.video_ids]
        return [v.id for v in sorted(videos, key=lambda v: (v.file_name, v.id))]

    def annotations(self, sel: Selection) -> Iterator[str]:
        text, time, query = self.text, self.time, raw_query(self.conn, _annotation_query(sel))
        for video_id in self.video_order(sel):
            spoken = timeline_for(self.conn, video_id).spoken
            version = text(
                transcript_version(self.conn, current_transcript_id(self.conn, video_id))
            )
            for row in query(video_id=video_id):
                aid, vid, cid, code_id, value, start_frame, end_frame, start_ms, end_ms = row[:9]
                start_s, end_s, note, source, created, updated, rule, uid = row[9:]
                start, start_tc = time(start_ms)
                if end_ms is None:
                    end_frame = end = end_tc = duration = ""
                else:
                    (end, end_tc), duration = time(end_ms), f"{(end_ms - start_ms) / 1000:.3f}"
                yield (
                    f"{aid},{self.head(vid, cid, code_id)},{self.value(code_id, value)},"
                    f"{start_frame},{end_frame},{start},{end},{duration},{start_tc},{end_tc},"
                    f"{text(spoken(start_s, end_s))},{version},{text(note)},{self.source(source)},"
                    f"{text(rule)},{created},{updated},{uid}"
                )

    def clip_values(self, sel: Selection) -> Iterator[str]:
        # transcript words and version, note, source, suggested_rule: empty on clip rows
        no_times_words_note_source = "," * 12
        for vid, cid, code_id, value, created, updated, uid in self.conn.execute(_clip_query(sel)):
            yield (
                f",{self.head(vid, cid, code_id)},{self.value(code_id, value)},"
                f"{no_times_words_note_source}{created},{updated},{uid}"
            )


def long_job(
    session: Session,
    path: Path,
    flt: ExportFilter | None = None,
    options: CsvOptions | None = None,
    guard: OutputGuard = NO_GUARD,
) -> Job[TableExport]:
    """Job writing the csv-long table of the annotations ``flt`` selects to ``path``.

    Also writes ``codebook.csv`` beside it. Raises :class:`ExportError` for unknown filter
    names or an unwritable path; a failed or cancelled export leaves no partial file.
    """
    options = options or CsvOptions()
    dictionary = dictionary_path(path)
    with open_table(path, COLUMNS, options, guard) as table:
        lines = _LongLines(session, table.guard)
        sel = resolve(flt or ExportFilter(), lines.codes, lines.videos, lines.coders)
        yield from table.write_lines(lines.annotations(sel))
        yield from table.write_lines(lines.clip_values(sel))
    codes = [c for c in lines.codes.values() if sel.code_ids is None or c.id in sel.code_ids]
    write_dictionary(dictionary, codes, options, guard, wide_bases(lines.codes.values()))
    return TableExport(path=Path(path), rows=table.rows, dictionary=dictionary)


def export_long(
    session: Session,
    path: Path,
    flt: ExportFilter | None = None,
    options: CsvOptions | None = None,
) -> TableExport:
    """:func:`long_job` run to the end."""
    return run_job(long_job(session, path, flt, options))

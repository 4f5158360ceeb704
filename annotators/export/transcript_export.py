"""Transcripts from the project database to SRT/VTT/TXT/JSON files.

Each video's *current* transcript is written; coders' word corrections replace the machine
words (a segment with corrections gets its text rebuilt from its words). ``out`` is either a
folder (one ``<video stem>.<fmt>`` per video) or, when exactly one video is selected, a file
whose suffix is the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import Session

from annotators.errors import ExportError
from annotators.jobs import Job, Progress, run_job
from annotators.safety.outputs import NO_GUARD, OutputGuard, check_target
from annotators.store.models import Segment, Transcript, Word, WordCorrection

from .catalog import VideoInfo, load_videos
from .selection import ExportFilter, resolve_videos
from .transcripts import TRANSCRIPT_FORMATS, TranscriptSegment, TranscriptWord, write_transcript
from .words import current_transcript_id, load_words


@dataclass
class TranscriptExport:
    """Files written, and videos skipped because they have no current transcript."""

    files: list[Path] = field(default_factory=list)
    untranscribed: list[str] = field(default_factory=list)


def load_segments(conn: Connection, transcript_id: int) -> list[TranscriptSegment]:
    """Segments of ``transcript_id`` in order, with corrected words applied."""
    words_by_segment: dict[int, list[TranscriptWord]] = {}
    for word in load_words(conn, transcript_id):
        words_by_segment.setdefault(word.segment_id, []).append(
            TranscriptWord(word.start_s, word.end_s, word.text, word.probability)
        )
    corrected = {
        segment_id
        for (segment_id,) in conn.execute(
            select(Word.segment_id)
            .join(WordCorrection, WordCorrection.word_id == Word.id)
            .where(Word.transcript_id == transcript_id)
        )
    }
    query = (
        select(Segment.id, Segment.start_s, Segment.end_s, Segment.text)
        .where(Segment.transcript_id == transcript_id)
        .order_by(Segment.index)
    )
    segments = []
    for seg_id, start, end, text in conn.execute(query):
        words = tuple(words_by_segment.get(seg_id, ()))
        if seg_id in corrected:
            text = " ".join(w.text.strip() for w in words)
        segments.append(TranscriptSegment(start, end, text, words))
    return segments


def transcript_meta(conn: Connection, transcript_id: int, video: VideoInfo) -> dict[str, Any]:
    """Provenance of a transcript for the JSON format: video, engine, model, settings."""
    row = conn.execute(select(Transcript).where(Transcript.id == transcript_id)).one()._mapping
    return {
        "video_file_name": video.file_name,
        "video_sha256": video.content_hash,
        "transcript_id": transcript_id,
        **{key: row[key] for key in ("engine", "engine_version", "model", "language", "status")},
        "settings": row["settings"],
        "created_at": row["created_at"].isoformat() if row["created_at"] else None,
    }


def _targets(out: Path, fmt: str, videos: list[VideoInfo]) -> dict[int, Path]:
    """Output file per video id: ``out`` itself, or ``out/<stem>.<fmt>`` (made unique)."""
    if out.suffix.lower() == f".{fmt}":
        if len(videos) != 1:
            raise ExportError(
                f"{out}: one file holds one video's transcript, but {len(videos)} are selected;"
                " give a folder or select one video"
            )
        return {videos[0].id: out}
    targets: dict[int, Path] = {}
    taken: set[str] = set()
    for video in videos:
        stem = Path(video.file_name).stem
        name = f"{stem}.{fmt}" if f"{stem}.{fmt}" not in taken else f"{stem}_{video.id}.{fmt}"
        taken.add(name)
        targets[video.id] = out / name
    return targets


def check_transcript_target(out: Path, fmt: str, guard: OutputGuard = NO_GUARD) -> None:
    """:class:`ExportError` unless ``out`` can take ``fmt`` transcripts: a ``.fmt`` file that
    :func:`~annotators.safety.check_target` allows, or a folder (existing or not)."""
    if out.suffix.lower() == f".{fmt}":
        check_target(out, guard)
    elif out.exists() and not out.is_dir():
        raise ExportError(
            f"{out} exists and is not a folder: give a folder for one file per video, or a"
            f" .{fmt} file name with one video selected"
        )


def _make_folder(out: Path, fmt: str) -> None:
    """Create the output folder ``out``; :class:`ExportError` when it cannot be one."""
    check_transcript_target(out, fmt)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"{out}: cannot create the folder ({error.strerror})") from error


def transcripts_job(
    session: Session,
    out: Path,
    fmt: str,
    flt: ExportFilter | None = None,
    guard: OutputGuard = NO_GUARD,
) -> Job[TranscriptExport]:
    """Job writing the current transcripts of the selected videos (``flt.videos``) in ``fmt``;
    yields after every video.

    Coder and category filters do not apply to transcripts. Raises :class:`ExportError` for
    an unknown format, an unknown video name, or a single-file target without a transcript.
    Cancelling keeps the files already written (each one complete). Every file is checked
    against ``guard`` before anything is written.
    """
    if fmt not in TRANSCRIPT_FORMATS:
        raise ExportError(f"unknown transcript format {fmt!r}: use one of {TRANSCRIPT_FORMATS}")
    conn = session.connection()
    all_videos = load_videos(session)
    wanted = resolve_videos((flt or ExportFilter()).videos, all_videos)
    videos = sorted(
        (v for v in all_videos.values() if wanted is None or v.id in wanted),
        key=lambda v: (v.file_name, v.id),
    )
    out = Path(out)
    targets = _targets(out, fmt, videos)
    for target in targets.values():
        check_target(target, guard)
    if out not in targets.values():
        _make_folder(out, fmt)
    result = TranscriptExport()
    for done, video in enumerate(videos, start=1):
        transcript_id = current_transcript_id(conn, video.id)
        if transcript_id is None:
            if targets[video.id] == out:
                raise ExportError(f"{video.file_name} has no transcript yet; transcribe it first")
            result.untranscribed.append(video.file_name)
        else:
            segments = load_segments(conn, transcript_id)
            meta = transcript_meta(conn, transcript_id, video)
            result.files.append(write_transcript(segments, targets[video.id], fmt, meta, guard))
        yield Progress(done, len(videos), video.file_name)
    return result


def export_transcripts(
    session: Session, out: Path, fmt: str, flt: ExportFilter | None = None
) -> TranscriptExport:
    """:func:`transcripts_job` run to the end."""
    return run_job(transcripts_job(session, out, fmt, flt))

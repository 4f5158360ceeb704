"""``onscreen-text`` export: the current OCR run's text occurrences of every selected clip.

One row per occurrence, in clip then time order; ``box`` is ``[x0,y0,x1,y1]`` in display
pixels. RFC 4180 with the formula guard on text cells, like every table export
(:mod:`.csvio`). Clips without an OCR run are listed in the result, not written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from annotators.analysis.storage import current_analysis, load_texts
from annotators.jobs import Job, Progress

from .catalog import load_videos
from .csvio import Column, CsvOptions, open_table
from .selection import ExportFilter, resolve_videos

FORMAT = "onscreen-text"
COLUMNS = (
    Column("video_file_name", "text", "file name of the clip"),
    Column("video_sha256", "text", "SHA-256 of the clip's file"),
    Column("start_frame", "int", "first frame the text is on screen (0-based)"),
    Column("end_frame", "int", "last frame the text is on screen (inclusive)"),
    Column("start_s", "seconds", "start time of start_frame"),
    Column("end_s", "seconds", "start time of end_frame"),
    Column("text", "text", "the text read"),
    Column("confidence", "float", "mean recogniser confidence (0-1)"),
    Column("box", "text", "[x0,y0,x1,y1] pixels of the full frame, display orientation"),
)


@dataclass(frozen=True)
class OnscreenTextExport:
    """What was written: the table, its rows, and the selected clips without an OCR run."""

    path: Path
    rows: int
    not_analysed: list[str] = field(default_factory=list)


def onscreen_text_job(
    session: Session, out: Path, flt: ExportFilter | None, options: CsvOptions | None
) -> Job[OnscreenTextExport]:
    """Job writing the on-screen text of the selected videos (``flt.videos``) to ``out``."""
    flt, options = flt or ExportFilter(), options or CsvOptions()
    videos = load_videos(session)
    chosen = resolve_videos(flt.videos, videos)
    selected = [v for v in videos.values() if chosen is None or v.id in chosen]
    missing = []
    with open_table(out, COLUMNS, options) as table:
        for done, video in enumerate(sorted(selected, key=lambda v: v.id), start=1):
            if current_analysis(session, video.id, "ocr") is None:
                missing.append(video.file_name)
                continue
            for occ in load_texts(session, video.id):
                box = json.dumps([round(v) for v in occ.box], separators=(",", ":"))
                table.write(
                    [
                        video.file_name,
                        video.content_hash,
                        occ.start_frame,
                        occ.end_frame,
                        occ.start_s,
                        occ.end_s,
                        occ.text,
                        round(occ.confidence, 4),
                        box,
                    ]
                )
            yield Progress(done, len(selected), video.file_name)
        rows = table.rows
    return OnscreenTextExport(Path(out), rows, missing)

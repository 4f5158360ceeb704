"""One entry point for every export format, used by the CLI and the desktop app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotators.errors import ExportError

from .csvio import CsvOptions
from .dictionary import TableExport
from .long import export_long
from .selection import ExportFilter
from .transcript_export import TranscriptExport, export_transcripts
from .transcripts import TRANSCRIPT_FORMATS
from .wide import export_wide

if TYPE_CHECKING:
    from annotators.project import Project

TABLE_FORMATS: tuple[str, ...] = ("csv-long", "csv-wide")
FORMATS: tuple[str, ...] = (*TABLE_FORMATS, *TRANSCRIPT_FORMATS)


def export(
    project: Project,
    fmt: str,
    out: Path | str,
    flt: ExportFilter | None = None,
    options: CsvOptions | None = None,
) -> TableExport | TranscriptExport:
    """Export ``project`` in ``fmt`` (one of :data:`FORMATS`) to ``out``.

    Tables go to the file ``out`` (with ``codebook.csv`` beside it); transcripts to the folder
    ``out``, or to the file ``out`` for a single video. ``options`` apply to tables only.
    """
    out = Path(out).expanduser()
    with project.session() as session:
        if fmt == "csv-long":
            return export_long(session, out, flt, options)
        if fmt == "csv-wide":
            return export_wide(session, out, flt, options)
        if fmt in TRANSCRIPT_FORMATS:
            return export_transcripts(session, out, fmt, flt)
    raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")

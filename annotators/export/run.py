"""One entry point for every export format, used by the CLI and the desktop app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotators.errors import ExportError
from annotators.jobs import Job, run_job

from .csvio import CsvOptions
from .dictionary import TableExport
from .long import long_job
from .onscreen import FORMAT as ONSCREEN_FORMAT
from .onscreen import OnscreenTextExport, onscreen_text_job
from .selection import ExportFilter
from .transcript_export import TranscriptExport, transcripts_job
from .transcripts import TRANSCRIPT_FORMATS
from .wide import wide_job

if TYPE_CHECKING:
    from annotators.project import Project

TABLE_FORMATS: tuple[str, ...] = ("csv-long", "csv-wide")
FORMATS: tuple[str, ...] = (*TABLE_FORMATS, *TRANSCRIPT_FORMATS, ONSCREEN_FORMAT)


def export_job(
    project: Project,
    fmt: str,
    out: Path | str,
    flt: ExportFilter | None = None,
    options: CsvOptions | None = None,
) -> Job[TableExport | TranscriptExport | OnscreenTextExport]:
    """Job exporting ``project`` in ``fmt`` (one of :data:`FORMATS`) to ``out``.

    Tables go to the file ``out`` (with ``codebook.csv`` beside it); transcripts to the folder
    ``out``, or to the file ``out`` for a single video. ``options`` apply to tables only.
    The job reads one snapshot through its own session, so it may run in any thread while
    others write.
    """
    out = Path(out).expanduser()
    with project.session() as session:
        # One read snapshot for the whole export: what the app commits meanwhile neither shows
        # up half-way nor misses the names and codes loaded at the start. (pysqlite itself
        # only begins transactions before writes.)
        session.connection().exec_driver_sql("BEGIN")
        if fmt == "csv-long":
            return (yield from long_job(session, out, flt, options))
        if fmt == "csv-wide":
            return (yield from wide_job(session, out, flt, options))
        if fmt in TRANSCRIPT_FORMATS:
            return (yield from transcripts_job(session, out, fmt, flt))
        if fmt == ONSCREEN_FORMAT:
            return (yield from onscreen_text_job(session, out, flt, options))
    raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def export(
    project: Project,
    fmt: str,
    out: Path | str,
    flt: ExportFilter | None = None,
    options: CsvOptions | None = None,
) -> TableExport | TranscriptExport | OnscreenTextExport:
    """:func:`export_job` run to the end."""
    return run_job(export_job(project, fmt, out, flt, options))

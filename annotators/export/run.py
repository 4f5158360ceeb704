"""One entry point for every export format, used by the CLI and the desktop app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from annotators.errors import ExportError
from annotators.jobs import Job, run_job
from annotators.safety.outputs import OutputGuard, check_target
from annotators.store.engine import sqlite_problem
from annotators.store.portable import begin_snapshot, driver_errors, driver_message

from .csvio import CsvOptions
from .dictionary import TableExport, dictionary_path
from .long import long_job
from .onscreen import FORMAT as ONSCREEN_FORMAT
from .onscreen import OnscreenTextExport, onscreen_text_job
from .selection import ExportFilter
from .transcript_export import TranscriptExport, check_transcript_target, transcripts_job
from .transcripts import TRANSCRIPT_FORMATS
from .wide import wide_job

if TYPE_CHECKING:
    from annotators.project import Project

TABLE_FORMATS: tuple[str, ...] = ("csv-long", "csv-wide")
# ELAN, REFI-QDA, BORIS, SPSS/Stata, Praat: written by annotators.exchange (imported when used)
EXCHANGE_FORMATS: tuple[str, ...] = (
    "eaf", "qdpx", "qdc", "boris-tsv", "boris-aggregated", "sav", "dta", "textgrid",
)  # fmt: skip
# exchange formats whose export is always one file (the others may also fill a folder)
ONE_FILE_FORMATS: tuple[str, ...] = ("qdpx", "qdc")
FORMATS: tuple[str, ...] = (
    *TABLE_FORMATS, *TRANSCRIPT_FORMATS, ONSCREEN_FORMAT, *EXCHANGE_FORMATS
)  # fmt: skip


def check_export_target(project: Project, fmt: str, out: Path | str) -> OutputGuard:
    """Refuse (:class:`ExportError`) an unknown format or a target ``out`` that ``fmt`` may
    not write (see :func:`annotators.safety.check_target`); return the project's guard.

    :func:`export_job` checks this itself when it starts; the CLI calls it first so that a
    refusal is one line, before any progress bar.
    """
    out = Path(out).expanduser()
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    guard = OutputGuard.for_project(project)
    if fmt in TABLE_FORMATS:
        check_target(out, guard)
        check_target(dictionary_path(out), guard)
    elif fmt == ONSCREEN_FORMAT:  # one CSV file
        check_target(out, guard)
    elif fmt in ONE_FILE_FORMATS and (out.is_dir() or not out.suffix):
        raise ExportError(f"{out}: a .{fmt} export is one file; give a name ending in .{fmt}")
    elif fmt in EXCHANGE_FORMATS:
        if out.suffix:  # a file name (else a folder of one file per clip)
            check_target(out, guard)
    else:
        check_transcript_target(out, fmt, guard)
    return guard


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
    The job first runs :func:`check_export_target` (nothing is read or written when it
    refuses). It reads one snapshot through its own session, so it may run in any thread
    while others write.
    """
    out = Path(out).expanduser()
    guard = check_export_target(project, fmt, out)
    if fmt in EXCHANGE_FORMATS:
        from annotators.exchange import export_job as exchange_job

        return (yield from exchange_job(project, fmt, out, flt, guard=guard))
    return (yield from _export_job(project, fmt, out, flt, options, guard))


def _export_job(
    project: Project,
    fmt: str,
    out: Path,
    flt: ExportFilter | None,
    options: CsvOptions | None,
    guard: OutputGuard,
) -> Job[TableExport | TranscriptExport | OnscreenTextExport]:
    try:
        with project.session() as session:
            # One read snapshot for the whole export: what the app commits meanwhile neither
            # shows up half-way nor misses the names and codes loaded at the start.
            begin_snapshot(session)
            if fmt == "csv-long":
                return (yield from long_job(session, out, flt, options, guard))
            if fmt == "csv-wide":
                return (yield from wide_job(session, out, flt, options, guard))
            if fmt == ONSCREEN_FORMAT:
                return (yield from onscreen_text_job(session, out, flt, options, guard))
            return (yield from transcripts_job(session, out, fmt, flt, guard))
    except (SQLAlchemyError, *driver_errors()) as error:  # the fast paths query the driver
        reason = sqlite_problem(error) or driver_message(error)
        raise ExportError(
            f"{project.path}: cannot read the project ({reason}); nothing was exported"
        ) from error


def export(
    project: Project,
    fmt: str,
    out: Path | str,
    flt: ExportFilter | None = None,
    options: CsvOptions | None = None,
) -> TableExport | TranscriptExport | OnscreenTextExport:
    """:func:`export_job` run to the end."""
    return run_job(export_job(project, fmt, out, flt, options))

"""Exports of coded data (CSV long/wide, data dictionary, transcripts) and CSV import.

Everything here is Qt-free and streams rows with SQL core queries so large projects export fast.

>>> with Project.open("study.storyframe") as project:  # doctest: +SKIP
...     export(project, "csv-long", "out/long.csv", ExportFilter(coders=["alice"]))
...     report = import_long_csv(project, "pilot.csv", coder="bob")
"""

from __future__ import annotations

from .csvio import CsvOptions
from .dictionary import TableExport
from .importer import ImportReport, SkippedRow, import_long_csv
from .long import export_long
from .run import FORMATS, TABLE_FORMATS, check_export_target, export, export_job
from .selection import ExportFilter
from .transcript_export import TranscriptExport, export_transcripts
from .transcripts import (
    TRANSCRIPT_FORMATS,
    TranscriptSegment,
    TranscriptWord,
    render_transcript,
    segments_from_result,
    write_transcript,
)
from .wide import export_wide

__all__ = [
    "FORMATS",
    "TABLE_FORMATS",
    "TRANSCRIPT_FORMATS",
    "CsvOptions",
    "ExportFilter",
    "ImportReport",
    "SkippedRow",
    "TableExport",
    "TranscriptExport",
    "TranscriptSegment",
    "TranscriptWord",
    "export",
    "check_export_target",
    "export_job",
    "export_long",
    "export_transcripts",
    "export_wide",
    "import_long_csv",
    "render_transcript",
    "segments_from_result",
    "write_transcript",
]

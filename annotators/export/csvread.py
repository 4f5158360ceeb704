"""Reading a csv-long file back: decoding, required columns, record line numbers.

Every problem with the file as a whole (missing, not UTF-8, broken quoting, missing or
duplicate columns, a cell over :data:`MAX_FIELD_CHARS`) is an :class:`ExportError` naming the
file (and line), raised before anything is written.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from annotators.errors import ExportError

REQUIRED = ("code_key", "kind", "start_frame", "end_frame", "start_s", "end_s", "value")
VIDEO_KEYS = ("video_sha256", "video_file_name")
# Python's csv module refuses cells over 128 KiB by default, so an export holding a long note
# could not be imported back. Notes and values are stored as text without a length limit; this
# bound only stops a broken file (an unclosed quote swallowing the rest) from filling memory.
MAX_FIELD_CHARS = 64 * 1024 * 1024


def read_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Every record of ``path`` with the line it starts on (the header is line 1).

    Accepts UTF-8 with or without BOM. Cells are returned as written (still formula-guarded).
    """
    allow_long_fields()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(_records(path, csv.reader(handle, strict=True)))
    except FileNotFoundError as error:
        raise ExportError(f"{path}: no such file") from error
    except IsADirectoryError as error:
        raise ExportError(f"{path} is a folder, not a CSV file") from error
    except UnicodeDecodeError as error:
        raise ExportError(
            f"{path}: not UTF-8 text (byte {error.start}); save it as CSV UTF-8"
        ) from error
    except csv.Error as error:
        raise ExportError(f"{path}: malformed CSV: {error}") from error
    except OSError as error:
        raise ExportError(f"{path}: cannot read ({error.strerror})") from error


def _records(path: Path, reader: csv.Reader) -> Iterator[tuple[int, dict[str, str]]]:
    header = next(reader, None)
    if not header:
        raise ExportError(f"{path}: empty file, expected a csv-long header row")
    header = [name.strip() for name in header]
    _check_header(path, header)
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(cells):  # skip blank lines
                if len(cells) != len(header):
                    raise ExportError(
                        f"{path}:{line}: {len(cells)} cells, but the header has {len(header)}"
                    )
                yield line, dict(zip(header, cells, strict=True))
            line = reader.line_num + 1
    except csv.Error as error:  # the record starting on ``line`` is malformed or too long
        raise ExportError(f"{path}:{line}: malformed CSV: {_csv_problem(error)}") from error


def allow_long_fields() -> None:
    """Raise the csv module's cell limit (process-wide, so only ever upwards)."""
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)


def _csv_problem(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"a cell is longer than {MAX_FIELD_CHARS:,} characters (a quote not closed?)"
    return str(error)


def _check_header(path: Path, header: list[str]) -> None:
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        names = ", ".join(repr(name) for name in repeated)
        raise ExportError(f"{path}: column(s) {names} appear more than once in the header")
    missing = [name for name in REQUIRED if name not in header]
    if not any(key in header for key in VIDEO_KEYS):
        missing.append(" or ".join(VIDEO_KEYS))
    if missing:
        raise ExportError(f"{path}: not a csv-long export, missing column(s): {', '.join(missing)}")

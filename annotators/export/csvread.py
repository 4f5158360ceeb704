"""Reading a csv-long file back: decoding, required columns, record line numbers.

Every problem with the file as a whole (missing, not UTF-8, broken quoting, missing columns)
is an :class:`ExportError` naming the file, raised before anything is written.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from annotators.errors import ExportError

REQUIRED = ("code_key", "kind", "start_frame", "end_frame", "start_s", "end_s", "value")
VIDEO_KEYS = ("video_sha256", "video_file_name")


def read_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Every record of ``path`` with the line it starts on (the header is line 1).

    Accepts UTF-8 with or without BOM. Cells are returned as written (still formula-guarded).
    """
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
    for cells in reader:
        if any(cells):  # skip blank lines
            if len(cells) != len(header):
                raise ExportError(
                    f"{path}:{line}: {len(cells)} cells, but the header has {len(header)}"
                )
            yield line, dict(zip(header, cells, strict=True))
        line = reader.line_num + 1


def _check_header(path: Path, header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if not any(key in header for key in VIDEO_KEYS):
        missing.append(" or ".join(VIDEO_KEYS))
    if missing:
        raise ExportError(f"{path}: not a csv-long export, missing column(s): {', '.join(missing)}")

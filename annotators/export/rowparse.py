"""One csv-long record turned into typed values; a malformed cell fails the whole import."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from annotators.codebook.spec import TIME_KINDS
from annotators.errors import ExportError

from .catalog import CLIP
from .csvio import unguard_formula

# Largest frame index a file may name (64-bit signed, what SQLite stores); frames past the
# clip's end are refused later, per row, by the coding layer.
MAX_FRAME = 2**63 - 1
_UID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class ParsedRow:
    """The fields of a csv-long row that an import uses (text already unguarded)."""

    line: int
    video_sha256: str
    video_file_name: str
    coder: str
    code_key: str
    kind: str
    value: str | None
    start_frame: int | None
    end_frame: int | None
    start_s: float | None
    end_s: float | None
    note: str
    source: str
    uid: str | None = None


def _int(path: Path, line: int, record: dict[str, str], name: str) -> int | None:
    text = record.get(name, "").strip()
    if not text:
        return None
    try:
        number = int(text) if text.lstrip("+-").isdigit() else float(text)
    except ValueError:
        number = float("nan")
    if isinstance(number, float) and not number.is_integer():  # NaN and inf included
        raise ExportError(f"{path}:{line}: {name} {text!r} is not a whole number")
    if not 0 <= number <= MAX_FRAME:
        raise ExportError(f"{path}:{line}: {name} {text!r} is not a frame number (0-{MAX_FRAME})")
    return int(number)


def _float(path: Path, line: int, record: dict[str, str], name: str) -> float | None:
    text = record.get(name, "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ExportError(f"{path}:{line}: {name} {text!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise ExportError(f"{path}:{line}: {name} {text!r} is not a time (finite, from 0 s)")
    return number


def _uid(path: Path, line: int, record: dict[str, str]) -> str | None:
    text = record.get("row_uid", "").strip().lower()
    if not text:
        return None
    if not _UID.fullmatch(text):
        raise ExportError(f"{path}:{line}: row_uid {text!r} is not a row uid (32 hex digits)")
    return text


# The kinds a csv-long row may have: those of the codebook's codes (categories hold no data).
ROW_KINDS = (*TIME_KINDS, CLIP)


def parse_row(path: Path, line: int, record: dict[str, str]) -> ParsedRow:
    """Typed fields of ``record`` (found on ``line`` of ``path``), text cells unguarded.

    Text loses the formula guard's leading ``'`` (:func:`~.csvio.unguard_formula`, the inverse
    of the exporter's default guard).

    Raises :class:`ExportError` naming ``path:line`` when the kind is not one of
    :data:`ROW_KINDS`, a frame or time cell is not a number, or a time-anchored row has no
    start frame.
    """
    kind = record.get("kind", "").strip()
    if kind not in ROW_KINDS:
        shown = kind if len(kind) <= 40 else kind[:37] + "..."
        raise ExportError(f"{path}:{line}: kind {shown!r} is not one of {', '.join(ROW_KINDS)}")
    row = ParsedRow(
        line=line,
        video_sha256=record.get("video_sha256", "").strip().lower(),
        video_file_name=unguard_formula(record.get("video_file_name", "").strip()),
        coder=unguard_formula(record.get("coder", "").strip()),
        code_key=unguard_formula(record.get("code_key", "").strip()),
        kind=kind,
        value=unguard_formula(record.get("value", "")) or None,
        start_frame=_int(path, line, record, "start_frame"),
        end_frame=_int(path, line, record, "end_frame"),
        start_s=_float(path, line, record, "start_s"),
        end_s=_float(path, line, record, "end_s"),
        note=unguard_formula(record.get("note", "")),
        source=record.get("source", "").strip(),
        uid=_uid(path, line, record),
    )
    if kind != CLIP and (row.start_frame is None or row.start_s is None):
        raise ExportError(f"{path}:{line}: a {kind} row needs start_frame and start_s")
    if (row.end_frame is None) != (row.end_s is None):
        raise ExportError(f"{path}:{line}: end_frame and end_s must both be given or both be empty")
    return row

"""Platform metadata (from a collection tool's CSV or JSON) attached to imported videos.

Each row is matched to a video by a ``file``/``filename`` column equal to the video's file
name, or by its video id appearing in the file name (``7301234567890.mp4``,
``@user_video_7301234567890.mp4``). The whole row is kept verbatim in
``Video.platform_meta`` and its id in ``Video.platform_video_id``.

A file that cannot be used is refused as a whole with a :class:`ProjectError` naming it (and
the line, for JSON lines) before anything is written: not a regular file, not UTF-8, duplicate
CSV columns, JSON nested deeper than :data:`MAX_DEPTH`, or not a list of objects. Integers too
long for Python (over 4,300 digits) are kept as their text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotators.errors import ProjectError
from annotators.store.models import Video

if TYPE_CHECKING:
    from .core import Project

# Column names collection tools use for the video id / the downloaded file (compared in
# lower case): TikTok Research API, 4CAT/Zeeschuimer, pyktok, yt-dlp info JSON.
ID_COLUMNS = ("video_id", "id", "aweme_id", "item_id", "platform_video_id")
FILE_COLUMNS = ("file", "filename", "file_name")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
MAX_DEPTH = 64  # collection tools nest 3 or 4 levels (author.stats.followers)
_INT_DIGITS = 100  # longer integers are no counts or ids: kept as text


@dataclass
class MetadataReport:
    """Rows matched to videos, rows that matched no video (by id or file name)."""

    matched: list[tuple[int, str]] = field(default_factory=list)  # (video id, row's id or file)
    unmatched: list[str] = field(default_factory=list)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a metadata file: CSV with a header, a JSON list (or ``{"data": [...]}``),
    or JSON lines. Raises :class:`ProjectError` naming the file when it cannot be read."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block the read for ever
            raise ProjectError(f"cannot read metadata file {path}: not a regular file")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProjectError(f"cannot read metadata file {path}: not UTF-8 text") from error
    except OSError as error:
        raise ProjectError(f"cannot read metadata file {path}: {error.strerror}") from error
    if path.suffix.lower() == ".csv":
        return _csv_rows(path, text)
    try:
        return _json_rows(text)
    except ValueError as error:
        raise ProjectError(f"{path} is not valid JSON or JSON lines: {error}") from error


def _csv_rows(path: Path, text: str) -> list[dict[str, Any]]:
    """Rows of a CSV file with a header; refuses duplicate column names and broken quoting."""
    from annotators.export.csvread import allow_long_fields  # only CSV imports need it

    allow_long_fields()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            names = ", ".join(repr(name) for name in repeated)
            raise ProjectError(f"{path}: column(s) {names} appear more than once in the header")
        return [dict(zip(header, cells, strict=False)) for cells in reader if any(cells)]
    except csv.Error as error:
        raise ProjectError(f"{path}:{reader.line_num}: malformed CSV: {error}") from error


def _json_rows(text: str) -> list[dict[str, Any]]:
    """Objects of a JSON document or, when it is not one, of JSON lines."""
    try:
        data = _loads(text)
    except json.JSONDecodeError:
        data = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    data.append(_loads(line))
                except ValueError as error:
                    raise ValueError(f"line {number}: {error}") from error
    if isinstance(data, dict):
        data = next((data[k] for k in ("data", "videos", "items") if k in data), [data])
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise ValueError("expected a list of objects (or one object per line)")
    return data


def _loads(text: str) -> Any:
    """``json.loads`` that refuses nesting deeper than :data:`MAX_DEPTH` and keeps absurdly
    long integers as text."""
    try:
        data = json.loads(text, parse_int=_int_or_text)
    except RecursionError:  # the parser's own guard, far beyond MAX_DEPTH
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep") from None
    if _too_deep(data):
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    return data


def _too_deep(data: Any) -> bool:
    """True when lists/objects in ``data`` nest deeper than :data:`MAX_DEPTH` (iterative, so
    it cannot itself overflow the stack)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children)
    return False


def _int_or_text(digits: str) -> int | str:
    return int(digits) if len(digits) <= _INT_DIGITS else digits


def _lookup(row: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The first non-empty value among the columns ``names`` (case-insensitive)."""
    lowered = {str(key).strip().lower(): value for key, value in row.items()}
    for name in names:
        value = lowered.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return None


class _VideoIndex:
    """Finds a video by exact file name or by an id that is a token of its file name."""

    def __init__(self, videos: list[Video]) -> None:
        self.by_name = {video.file_name: video for video in videos}
        self.by_token: dict[str, Video] = {}
        for video in videos:
            for token in _TOKEN.findall(Path(video.file_name).stem):
                self.by_token.setdefault(token, video)
        self.videos = videos

    def find(self, file_name: str | None, video_id: str | None) -> Video | None:
        if file_name and Path(file_name).name in self.by_name:
            return self.by_name[Path(file_name).name]
        if not video_id:
            return None
        if video_id in self.by_token:
            return self.by_token[video_id]
        if len(video_id) < 8 or not {"-", "_"} & set(video_id):
            return None
        # ids with '-' or '_' (YouTube) are not single tokens: fall back to a substring test
        return next((v for v in self.videos if video_id in Path(v.file_name).stem), None)


def import_metadata(project: Project, path: Path) -> MetadataReport:
    """Attach each row of ``path`` to its video (one commit for the whole file)."""
    rows = read_rows(path)
    if rows and not any(_lookup(row, ID_COLUMNS + FILE_COLUMNS) for row in rows):
        columns = ", ".join(map(str, rows[0]))
        raise ProjectError(
            f"{path} has no video id or file name column (expected one of "
            f"{', '.join(ID_COLUMNS + FILE_COLUMNS)}; found {columns})"
        )
    report = MetadataReport()
    with project.write_session() as session:
        index = _VideoIndex(project.videos())
        for row in rows:
            file_name, video_id = _lookup(row, FILE_COLUMNS), _lookup(row, ID_COLUMNS)
            video = index.find(file_name, video_id)
            if video is None:
                report.unmatched.append(video_id or file_name or "?")
                continue
            stored = session.get(Video, video.id)
            assert stored is not None
            stored.platform_meta = dict(row)
            stored.platform_video_id = video_id
            session.add(stored)
            report.matched.append((video.id, video_id or file_name or ""))
        session.commit()
    return report

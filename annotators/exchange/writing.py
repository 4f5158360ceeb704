"""Shared pieces of the exchange writers: the export result, file names, and when a frame
stops being shown (the end of a point event). Files are written with
:func:`annotators.safety.write_bytes` (checked target, atomic rename)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotators.coding.times import ClipTimes, TimesResolver
from annotators.errors import ExportError, MediaError
from annotators.export.catalog import VideoInfo
from annotators.store.models import Video

from .frames import FrameIndex


@dataclass
class ExchangeExport:
    """What an exchange export wrote: the files, and counts of the rows in them."""

    format: str
    files: list[Path] = field(default_factory=list)
    annotations: int = 0
    clip_values: int = 0
    notes: list[str] = field(default_factory=list)  # what the format could not carry


def per_video_paths(out: Path, videos: list[VideoInfo], suffix: str) -> dict[int, Path]:
    """One output file per video: ``out`` itself for one video and a ``suffix`` name, else
    ``out/<video stem><suffix>`` (stems made unique)."""
    if out.suffix.lower() == suffix:
        if len(videos) != 1:
            raise ExportError(
                f"{out}: {len(videos)} videos selected; give a folder (one {suffix} per video) "
                "or select one video with --videos"
            )
        return {videos[0].id: out}
    paths: dict[int, Path] = {}
    used: set[str] = set()
    for video in videos:
        stem, number = Path(video.file_name).stem or f"video_{video.id}", 2
        name = stem
        while name.lower() in used:
            name, number = f"{stem}_{number}", number + 1
        used.add(name.lower())
        paths[video.id] = out / f"{name}{suffix}"
    return paths


class FrameEnds:
    """Frame tables for exports, read lazily; without a readable file, ``1/fps`` is used
    for the one length a frame table gives and rows do not: how long the last frame lasts."""

    def __init__(self, times: TimesResolver, rows: dict[int, Video]) -> None:
        self.times, self.rows = times, rows
        self._indexes: dict[int, FrameIndex | None] = {}

    def index(self, video_id: int) -> FrameIndex | None:
        if video_id not in self._indexes:
            video = self.rows[video_id]
            try:
                table = self.times(video)
                self._indexes[video_id] = FrameIndex(
                    ClipTimes(video, table), table, video.duration_s
                )
            except MediaError:
                self._indexes[video_id] = None
        return self._indexes[video_id]

    def end_of(self, video_id: int, frame: int, start_s: float) -> float:
        """When ``frame`` (starting at ``start_s``) stops being shown."""
        index = self.index(video_id)
        if index is not None:
            return index.end_of(frame)
        fps = self.rows[video_id].fps or 25.0
        return start_s + 1 / fps

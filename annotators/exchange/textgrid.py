"""Praat TextGrid export: one TextGrid per clip, one tier per code (written with praatio).

- An interval code becomes an interval tier named by its key; each interval runs from its
  first frame's time to the moment its last frame stops being shown (Praat intervals must
  have a length, and this is the span a viewer sees), labelled with its value's label, else
  the code's label. Gaps are blank intervals, as Praat writes them.
- A point code becomes a point tier; point codes given an end go to an interval tier
  ``<key>_spans``.
- Praat tiers cannot overlap: overlapping annotations of one code (two coders, or a span
  marked twice) go to extra tiers ``<key>_2``, ``<key>_3``...; with several coders in the
  selection every tier is per coder, ``<key>@<coder>``.
- The TextGrid spans the whole clip (0 to its duration). Frame numbers, notes, sources and
  clip-level values are not carried.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from praatio import textgrid
from praatio.utilities.errors import PraatioException
from sqlmodel import select

from annotators.coding import media_times
from annotators.coding.times import TimesResolver
from annotators.errors import ExportError
from annotators.export.catalog import CodeInfo, VideoInfo
from annotators.export.selection import ExportFilter
from annotators.jobs import Job, Progress
from annotators.safety import OutputGuard, check_target
from annotators.safety.outputs import NO_GUARD
from annotators.store.models import Video

from .registry import Format, register
from .source import ExportData, load_export
from .writing import ExchangeExport, FrameEnds, per_video_paths

if TYPE_CHECKING:
    from annotators.project import Project

NOT_CARRIED = (
    "TextGrid carries times, not frame numbers; notes, sources and clip-level values are "
    "not written; overlapping annotations of one code go to extra tiers"
)
SUFFIX = ".TextGrid"


@dataclass(frozen=True)
class _Mark:
    start: float
    end: float | None  # None: a point
    label: str


def _label(code: CodeInfo, value: str | None) -> str:
    return (code.value_label(value) or value or code.label) if value else code.label


def _lanes(marks: list[_Mark]) -> list[list[_Mark]]:
    """Marks split into lanes without overlap (first fit, in time order)."""
    lanes: list[list[_Mark]] = []
    for mark in sorted(marks, key=lambda m: (m.start, m.end or m.start)):
        for lane in lanes:
            last = lane[-1]
            if (last.end if last.end is not None else last.start) <= mark.start and (
                last.end is not None or last.start < mark.start
            ):
                lane.append(mark)
                break
        else:
            lanes.append([mark])
    return lanes


def _tiers(
    data: ExportData, video: VideoInfo, ends: FrameEnds, per_coder: bool
) -> list[textgrid.IntervalTier | textgrid.PointTier]:
    """The tiers of one clip, in codebook order."""
    groups: dict[tuple[int, int, bool], list[_Mark]] = defaultdict(list)
    duration = video.duration_s
    for row in data.annotations:
        if row["video_id"] != video.id:
            continue
        code = data.codes[row["code_id"]]
        start = min(row["start_s"], duration)
        if row["end_frame"] is None:
            end = None
        else:
            end = min(ends.end_of(video.id, row["end_frame"], row["end_s"]), duration)
            end = max(end, start + 0.001)
        point = code.kind == "point" and end is None
        coder = row["coder_id"] if per_coder else 0
        groups[row["code_id"], coder, point].append(_Mark(start, end, _label(code, row["value"])))
    tiers = []
    order = sorted(groups, key=lambda g: (data.codes[g[0]].sort_order, g[0], g[1], not g[2]))
    for code_id, coder_id, point in order:
        code = data.codes[code_id]
        base = code.key if point or code.kind == "interval" else f"{code.key}_spans"
        if per_coder:
            base = f"{base}@{data.coders[coder_id]}"
        for number, lane in enumerate(_lanes(groups[code_id, coder_id, point]), start=1):
            name = base if number == 1 else f"{base}_{number}"
            tiers.append(_tier(name, lane, point, max(duration, _last(lane))))
    return tiers


def _last(marks: list[_Mark]) -> float:
    return max((m.end if m.end is not None else m.start) for m in marks)


def _tier(
    name: str, marks: list[_Mark], point: bool, end: float
) -> textgrid.IntervalTier | textgrid.PointTier:
    if point:
        return textgrid.PointTier(name, [(m.start, m.label) for m in marks], 0.0, end)
    entries = [(m.start, m.end, m.label) for m in marks if m.end is not None]
    return textgrid.IntervalTier(name, entries, 0.0, end)


def textgrid_of(data: ExportData, video: VideoInfo, ends: FrameEnds) -> textgrid.Textgrid:
    """The TextGrid of one clip (see the module docstring)."""
    per_coder = len({row["coder_id"] for row in data.annotations}) > 1
    grid = textgrid.Textgrid(0.0, video.duration_s)
    for tier in _tiers(data, video, ends, per_coder):
        grid.addTier(tier)
    return grid


def _paths(out: Path, videos: list[VideoInfo]) -> dict[int, Path]:
    if out.suffix.lower() == SUFFIX.lower():
        if len(videos) != 1:
            raise ExportError(
                f"{out}: {len(videos)} videos selected; give a folder (one {SUFFIX} per "
                "video) or select one video with --videos"
            )
        return {videos[0].id: out}
    return per_video_paths(out, videos, SUFFIX)


def _save(grid: textgrid.Textgrid, path: Path, guard: OutputGuard | None = None) -> None:
    """Write ``grid`` as a short TextGrid (like Praat's own) through a temporary file;
    a target ``guard`` protects (the project, its videos) is refused first."""
    check_target(path, guard or NO_GUARD)
    temporary = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        grid.save(str(temporary), format="short_textgrid", includeBlankSpaces=True)
        temporary.replace(path)
    except (OSError, PraatioException) as error:
        temporary.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {error}") from None


def export_textgrid(
    project: Project,
    out: Path,
    flt: ExportFilter | None = None,
    times: TimesResolver | None = None,
    *,
    guard: OutputGuard | None = None,
) -> Job[ExchangeExport]:
    """Job writing one TextGrid per selected clip with annotations (``out`` a folder, or a
    ``.TextGrid`` file when one clip is selected)."""
    result = ExchangeExport("textgrid", notes=[NOT_CARRIED])
    with project.session() as session:
        data = load_export(session, flt)
        rows = {row.id: row for row in session.exec(select(Video))}
    coded = {row["video_id"] for row in data.annotations}
    videos = [video for video in data.selected_videos() if video.id in coded]
    paths = _paths(Path(out), videos)
    ends = FrameEnds(times or media_times(project), rows)
    for done, video in enumerate(videos):
        yield Progress(done, len(videos), video.file_name)
        _save(textgrid_of(data, video, ends), paths[video.id], guard)
        result.files.append(paths[video.id])
        result.annotations += sum(1 for row in data.annotations if row["video_id"] == video.id)
    yield Progress(len(videos), len(videos), "done")
    return result


TEXTGRID = register(
    Format(
        name="textgrid",
        title="Praat TextGrid (.TextGrid)",
        extensions=(SUFFIX,),
        detect=lambda path: False,  # export only
        export=export_textgrid,
    )
)
